import HAL

/// Where the sensors are attached: the board's real buses, or simulated ones.
public protocol Board: Sendable {
    /// The I2C bus with this number (`/dev/i2c-N` on Linux).
    func i2cBus(_ number: Int) async throws -> any I2CBus
    /// The SPI device at this path (`/dev/spidevB.C` on Linux), set up with `configuration`.
    func spiDevice(_ path: String, configuration: SPIConfiguration) async throws -> any SPIDevice
}
