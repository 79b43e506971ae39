import HAL

/// Byte-register access to a LIS3DH over I2C or SPI; the framing of a multi-byte transfer
/// differs (6.1.1 and 6.2), so the driver is written once against this protocol.
public protocol LIS3DHTransport: Sendable {
    /// Reads `count` consecutive registers in one transaction.
    /// - Throws: ``HALError``; `.badData` when fewer bytes came back.
    func readRegisters(_ register: UInt8, count: Int) async throws -> [UInt8]
    /// Writes consecutive registers from `register` in one transaction.
    func writeRegisters(_ register: UInt8, _ values: [UInt8]) async throws
    /// Where the chip is, for error messages: `i2c@0x18` or `spi`.
    var location: String { get }
}

/// I2C: the sub-address byte's bit 7 asks for auto-increment, in reads and writes alike; a
/// read is one combined transaction (sub-address, repeated start, bytes).
public struct LIS3DHI2CTransport: LIS3DHTransport {
    /// The bus.
    public let bus: any I2CBus
    /// 0x18 or 0x19.
    public let address: I2CAddress

    /// Creates a transport.
    public init(bus: any I2CBus, address: I2CAddress) {
        self.bus = bus
        self.address = address
    }

    public var location: String { "i2c@\(address)" }

    public func readRegisters(_ register: UInt8, count: Int) async throws -> [UInt8] {
        let subAddress = count > 1 ? register | LIS3DHRegister.i2cAutoIncrement : register
        let bytes = try await bus.readRegisters(address: address, register: subAddress, count: count)
        return try lis3dhCheckLength(bytes, register: register, count: count, location: location)
    }

    public func writeRegisters(_ register: UInt8, _ values: [UInt8]) async throws {
        let subAddress = values.count > 1 ? register | LIS3DHRegister.i2cAutoIncrement : register
        try await bus.write(address: address, [subAddress] + values)
    }
}

/// 4-wire SPI (mode 0 or 3): the first byte is RW (bit 7), MS (bit 6, auto-increment) and
/// the address; command and data are one chip-select frame.
public struct LIS3DHSPITransport: LIS3DHTransport {
    /// The chip's SPI device.
    public let device: any SPIDevice

    /// Creates a transport.
    public init(device: any SPIDevice) { self.device = device }

    public var location: String { "spi" }

    public func readRegisters(_ register: UInt8, count: Int) async throws -> [UInt8] {
        let command = LIS3DHRegister.spiRead | (count > 1 ? LIS3DHRegister.spiMultiple : 0) | (register & 0x3F)
        let bytes = try await device.writeRead([command], readCount: count)
        return try lis3dhCheckLength(bytes, register: register, count: count, location: location)
    }

    public func writeRegisters(_ register: UInt8, _ values: [UInt8]) async throws {
        let command = (values.count > 1 ? LIS3DHRegister.spiMultiple : 0) | (register & 0x3F)
        try await device.write([command] + values)
    }
}

/// A short answer would shift every axis, so it is refused.
private func lis3dhCheckLength(_ bytes: [UInt8], register: UInt8, count: Int, location: String) throws -> [UInt8] {
    guard bytes.count == count else {
        throw HALError(.badData, operation: "lis3dh \(location) read 0x\(LIS3DH.hex(register))",
                       detail: "expected \(count) bytes, got \(bytes.count)")
    }
    return bytes
}
