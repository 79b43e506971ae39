import HAL

/// Where the sensors are attached: the board's real buses, or simulated ones.
public protocol Board: Sendable {
    /// The I2C bus with this number (`/dev/i2c-N` on Linux).
    func i2cBus(_ number: Int) async throws -> any I2CBus
    /// The SPI device at this path (`/dev/spidevB.C` on Linux), set up with `configuration`.
    func spiDevice(_ path: String, configuration: SPIConfiguration) async throws -> any SPIDevice
    /// The clock drivers wait on (conversion times, status-poll deadlines): the real one on a
    /// board, a manual one in tests that run a whole agent in virtual time.
    var clock: any Clock<Duration> { get }
    /// The kernel's sysfs and procfs files, for sensors the kernel drives (IIO, hwmon, thermal
    /// zones, 1-Wire) and the board's own health: the real root on a Linux board, a fake tree
    /// on the simulated board.
    var files: any SystemFiles { get }
    /// The board's GPIO lines (gpiochip character devices on Linux, in-memory lines on the
    /// simulated board), for the GPIO sensor kinds. Lines are requested by chip label and line
    /// name, so the controller is one for the whole board.
    func gpioController() async throws -> any GPIOController
}

extension Board {
    public var clock: any Clock<Duration> { ContinuousClock() }
    /// None: a board that only has buses (a test double) fails every file read as unsupported.
    public var files: any SystemFiles { NoSystemFiles() }
    /// None: a board that only has buses (a test double) refuses every GPIO sensor with
    /// `unsupported`, a sensor failure like a missing bus, never a crash.
    public func gpioController() async throws -> any GPIOController {
        throw HALError(.unsupported, operation: "gpio", detail: "this board has no GPIO lines")
    }
}
