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
}

extension Board {
    public var clock: any Clock<Duration> { ContinuousClock() }
}
