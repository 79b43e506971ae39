import HAL

/// How a described chip's registers are reached: an I2C register pointer, or an SPI control
/// byte whose bit 7 means read (the common convention: ST, Bosch, InvenSense).
public enum RegisterTransport: Sendable {
    /// A register pointer write, then a read with a repeated start.
    case i2c(any I2CBus, I2CAddress)
    /// One chip-select frame: `register | 0x80`, then the bytes clocked in.
    case spi(any SPIDevice)

    /// Reads `count` registers from `register` in one transaction.
    func read(_ register: UInt8, count: Int) async throws -> [UInt8] {
        switch self {
        case .i2c(let bus, let address):
            return try await bus.readRegisters(address: address, register: register, count: count)
        case .spi(let device):
            return try await device.writeRead([register | 0x80], readCount: count)
        }
    }

    /// Writes `bytes` to `register` (and the registers after it) in one transaction.
    func write(_ register: UInt8, _ bytes: [UInt8]) async throws {
        switch self {
        case .i2c(let bus, let address):
            try await bus.write(address: address, [register] + bytes)
        case .spi(let device):
            try await device.write([register & 0x7F] + bytes)
        }
    }

    /// Where the chip is, for messages.
    var location: String {
        switch self {
        case .i2c(_, let address): "i2c@\(address)"
        case .spi: "spi"
        }
    }
}
