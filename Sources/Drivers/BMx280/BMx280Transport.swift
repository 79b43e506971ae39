import HAL

/// How the driver reaches the chip's registers: I2C or 4-wire SPI.
///
/// The BMP280 and the BME280 have the same register map on both buses; only the framing
/// differs, so each driver is written once against this protocol.
public protocol BMx280Transport: Sendable {
    /// Reads `count` consecutive registers starting at `register` in one bus transaction.
    /// - Throws: ``HALError``; `.badData` when fewer bytes came back than asked for.
    func readRegisters(_ register: UInt8, count: Int) async throws -> [UInt8]
    /// Writes one register.
    /// - Throws: ``HALError``.
    func writeRegister(_ register: UInt8, value: UInt8) async throws
    /// Writes several registers in order, in one bus transaction where the bus allows it: the
    /// chip takes register/value pairs in one I2C write (datasheet 6.2.1) and in one SPI
    /// chip-select frame (6.3.1). The default implementation writes them one by one.
    /// - Throws: ``HALError``.
    func writeRegisters(_ writes: [(register: UInt8, value: UInt8)]) async throws
    /// Where the chip is, for error messages, e.g. `i2c@0x76` or `spi`.
    var location: String { get }
    /// The chip's kind name for error messages, e.g. `bme280`.
    var chip: String { get }
}

extension BMx280Transport {
    /// One transaction per register, in order; for transports that cannot burst.
    public func writeRegisters(_ writes: [(register: UInt8, value: UInt8)]) async throws {
        for write in writes { try await writeRegister(write.register, value: write.value) }
    }
}

/// BMP280/BME280 over I2C: a register read is one combined transaction (write the register number,
/// repeated start, read N with auto-increment); a write is the pair `[register, value]`.
public struct BMx280I2CTransport: BMx280Transport {
    /// The bus the chip is on.
    public let bus: any I2CBus
    /// The chip's address, 0x76 or 0x77 depending on SDO.
    public let address: I2CAddress
    /// The kind name errors start with, e.g. `bmp280`.
    public let chip: String

    /// Creates a transport.
    /// - Parameter chip: the kind name errors start with.
    public init(bus: any I2CBus, address: I2CAddress, chip: String) {
        self.bus = bus
        self.address = address
        self.chip = chip
    }

    public var location: String { "i2c@\(address)" }

    public func readRegisters(_ register: UInt8, count: Int) async throws -> [UInt8] {
        let bytes = try await bus.transaction(address: address, [.write([register]), .read(count: count)])
            .first ?? []
        return try checkLength(bytes, register: register, count: count, where: "\(chip) \(location)")
    }

    public func writeRegister(_ register: UInt8, value: UInt8) async throws {
        _ = try await bus.transaction(address: address, [.write([register, value])])
    }

    /// One write `[reg0, val0, reg1, val1, ...]` (datasheet 6.2.1: "multiple bytes can be written
    /// by register address/data pairs"). An SMBus-only adapter without I2C-block writes cannot
    /// send that as one call; the bus says `.unsupported` before anything goes on the wire, and
    /// the pairs are then written one by one.
    public func writeRegisters(_ writes: [(register: UInt8, value: UInt8)]) async throws {
        guard writes.count > 1 else {
            for write in writes { try await writeRegister(write.register, value: write.value) }
            return
        }
        do {
            _ = try await bus.transaction(address: address, [.write(writes.flatMap { [$0.register, $0.value] })])
        } catch let error as HALError where error.kind == .unsupported {
            for write in writes { try await writeRegister(write.register, value: write.value) }
        }
    }
}

/// BMP280/BME280 over 4-wire SPI (datasheet 6.3): the control byte is the register number with bit 7
/// set for a read and cleared for a write; a read continues with auto-increment while chip select
/// stays low, so command and answer must be one transaction.
public struct BMx280SPITransport: BMx280Transport {
    /// The chip's SPI device (bus plus chip select); mode 0 or 3.
    public let device: any SPIDevice
    /// The kind name errors start with, e.g. `bmp280`.
    public let chip: String

    /// Creates a transport.
    /// - Parameter chip: the kind name errors start with.
    public init(device: any SPIDevice, chip: String) {
        self.device = device
        self.chip = chip
    }

    public var location: String { "spi" }

    public func readRegisters(_ register: UInt8, count: Int) async throws -> [UInt8] {
        let bytes = try await device.transaction([.write([register | 0x80]), .read(count: count)]).first ?? []
        return try checkLength(bytes, register: register, count: count, where: "\(chip) \(location)")
    }

    public func writeRegister(_ register: UInt8, value: UInt8) async throws {
        _ = try await device.transaction([.write([register & 0x7F, value])])
    }

    /// One frame of (control byte, data) pairs, each control byte the register with bit 7
    /// cleared (datasheet 6.3.1: "several pairs can be written without raising CSB").
    public func writeRegisters(_ writes: [(register: UInt8, value: UInt8)]) async throws {
        guard !writes.isEmpty else { return }
        _ = try await device.transaction([.write(writes.flatMap { [$0.register & 0x7F, $0.value] })])
    }
}

/// A short answer would shift every field of the calibration or data block, so it is refused
/// here rather than compensated.
private func checkLength(_ bytes: [UInt8], register: UInt8, count: Int, where location: String) throws -> [UInt8] {
    guard bytes.count == count else {
        throw HALError(.badData, operation: "\(location) read 0x\(BMx280Register.hex(register))",
                       detail: "expected \(count) bytes, got \(bytes.count)")
    }
    return bytes
}
