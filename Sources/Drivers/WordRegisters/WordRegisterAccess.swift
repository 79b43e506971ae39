import HAL

/// The byte order of a chip's 16-bit registers on the wire.
public enum WordByteOrder: Sendable, Hashable {
    /// Most significant byte first (TI TMP102, LM75, INA219, INA226).
    case bigEndian
    /// Least significant byte first (Vishay VEML7700).
    case littleEndian

    /// The two bytes of `word` in this order.
    public func bytes(_ word: UInt16) -> [UInt8] {
        switch self {
        case .bigEndian: return [UInt8(word >> 8), UInt8(word & 0xFF)]
        case .littleEndian: return [UInt8(word & 0xFF), UInt8(word >> 8)]
        }
    }

    /// The word two bytes in this order make.
    public func word(_ first: UInt8, _ second: UInt8) -> UInt16 {
        switch self {
        case .bigEndian: return UInt16(first) << 8 | UInt16(second)
        case .littleEndian: return UInt16(second) << 8 | UInt16(first)
        }
    }
}

/// Access to a chip whose registers sit behind a one-byte pointer, as the TMP102, LM75, INA2xx
/// and VEML7700 have: a read is one transaction (pointer write, repeated start, the register's
/// bytes), a write is the pointer followed by the value.
///
/// Shared so that every such driver reports a short read the same way, as `.badData` naming
/// the chip, its address and the register's name.
public struct WordRegisterAccess: Sendable {
    /// The bus the chip is on.
    public let bus: any I2CBus
    /// The chip's address.
    public let address: I2CAddress
    /// How its words travel.
    public let byteOrder: WordByteOrder
    /// The chip's kind name, for error operations (`tmp102 i2c@0x48 read temperature`).
    public let chip: String

    /// Creates access; nothing is sent.
    public init(bus: any I2CBus, address: I2CAddress, byteOrder: WordByteOrder = .bigEndian, chip: String) {
        self.bus = bus
        self.address = address
        self.byteOrder = byteOrder
        self.chip = chip
    }

    /// Reads a 16-bit register: one transaction.
    /// - Throws: ``HALError`` `.badData` for a short read, or whatever the bus throws.
    public func readWord(_ register: UInt8, what: String) async throws -> UInt16 {
        let bytes = try await read(register, count: 2, what: what)
        return byteOrder.word(bytes[0], bytes[1])
    }

    /// Reads an 8-bit register (an LM75's configuration): one transaction.
    /// - Throws: ``HALError`` `.badData` for a short read, or whatever the bus throws.
    public func readByte(_ register: UInt8, what: String) async throws -> UInt8 {
        try await read(register, count: 1, what: what)[0]
    }

    /// Writes a 16-bit register: one transaction of three bytes.
    public func writeWord(_ register: UInt8, _ value: UInt16) async throws {
        try await bus.write(address: address, [register] + byteOrder.bytes(value))
    }

    /// Writes an 8-bit register: one transaction of two bytes.
    public func writeByte(_ register: UInt8, _ value: UInt8) async throws {
        try await bus.write(address: address, [register, value])
    }

    /// `<chip> i2c@<address> <step>`, the operation an error names.
    public func operation(_ step: String) -> String {
        "\(chip) i2c@\(address) \(step)"
    }

    /// `0x` and `value` in upper-case hexadecimal, zero-padded to `digits`.
    public static func hex(_ value: UInt16, digits: Int = 4) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    private func read(_ register: UInt8, count: Int, what: String) async throws -> [UInt8] {
        let reply = try await bus.transaction(address: address, [.write([register]), .read(count: count)])
        guard let bytes = reply.first, bytes.count == count else {
            throw HALError(.badData, operation: operation("read \(what)"),
                           detail: "expected \(count) bytes, got \(reply.first?.count ?? 0)")
        }
        return bytes
    }
}
