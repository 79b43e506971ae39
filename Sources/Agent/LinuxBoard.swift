import HAL
import SensorKit
#if os(Linux)
import HALLinux
#endif

/// The board's real buses: `/dev/i2c-N`, `/dev/spidevB.C` and the gpiochip devices.
///
/// Each bus is opened once and shared by every sensor on it, so that its serial executor
/// orders their transactions.
public actor LinuxBoard: Board {
    private var i2cBuses: [Int: any I2CBus] = [:]
    private var spiDevices: [String: any SPIDevice] = [:]

    /// The real `/sys` and `/proc`.
    public nonisolated let files: any SystemFiles

    /// Creates a board; nothing is opened until a sensor asks.
    public init() {
        #if os(Linux)
        files = LinuxSystemFiles()
        #else
        files = NoSystemFiles()
        #endif
    }

    /// The gpiochip character devices through libgpiod; chips are found by label per request.
    public func gpioController() async throws -> any GPIOController {
        #if os(Linux)
        return LinuxGPIOController()
        #else
        throw HALError(.unsupported, operation: "gpio", detail: "GPIO needs Linux and libgpiod")
        #endif
    }

    public func i2cBus(_ number: Int) async throws -> any I2CBus {
        if let bus = i2cBuses[number] { return bus }
        #if os(Linux)
        let bus = try await LinuxI2CBus.open(bus: number)
        i2cBuses[number] = bus
        return bus
        #else
        throw HALError(.unsupported, operation: "open /dev/i2c-\(number)", detail: "I2C needs Linux")
        #endif
    }

    public func spiDevice(_ path: String, configuration: SPIConfiguration) async throws -> any SPIDevice {
        if let device = spiDevices[path] { return device }
        #if os(Linux)
        let device = try await LinuxSPIDevice.open(path: path, configuration: configuration)
        spiDevices[path] = device
        return device
        #else
        throw HALError(.unsupported, operation: "open \(path)", detail: "SPI needs Linux")
        #endif
    }
}
