/// A 7-bit I2C device address.
public struct I2CAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The address, 0x00...0x7F.
    public let rawValue: UInt8

    /// Creates an address; `nil` when `rawValue` does not fit in seven bits.
    public init?(_ rawValue: UInt8) {
        guard rawValue <= 0x7F else { return nil }
        self.rawValue = rawValue
    }

    /// Creates an address from an integer; `nil` when out of the 7-bit range.
    public init?(_ value: Int) {
        guard (0...0x7F).contains(value) else { return nil }
        self.rawValue = UInt8(value)
    }

    /// Addresses a read-probe scan visits by default: 0x03...0x77, like `i2cdetect`.
    /// 0x00-0x02 (general call, CBUS, other bus formats) and 0x78-0x7F (10-bit prefix, reserved)
    /// are reserved by the I2C specification and are never probed.
    public static let scannable: ClosedRange<UInt8> = 0x03...0x77

    public static func < (lhs: I2CAddress, rhs: I2CAddress) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        let hex = String(rawValue, radix: 16)
        return "0x" + (hex.count < 2 ? "0" + hex : hex)
    }
}

/// One segment of an I2C transaction.
public enum I2COperation: Sendable, Hashable {
    /// Write these bytes.
    case write([UInt8])
    /// Read this many bytes.
    case read(count: Int)
}

/// An I2C bus master.
///
/// The one required operation is a transaction: the segments are sent to one address as one
/// combined transfer (start, repeated starts between segments, one stop), which is what
/// `I2C_RDWR` does on Linux. Everything else is built on it.
public protocol I2CBus: Sendable {
    /// Runs the segments as one combined transfer and returns the bytes of each `.read`
    /// segment, in order.
    /// - Throws: ``HALError``.
    func transaction(address: I2CAddress, _ operations: [I2COperation]) async throws -> [[UInt8]]
}

extension I2CBus {
    /// Writes bytes to a device.
    public func write(address: I2CAddress, _ bytes: [UInt8]) async throws {
        _ = try await transaction(address: address, [.write(bytes)])
    }

    /// Reads bytes from a device.
    public func read(address: I2CAddress, count: Int) async throws -> [UInt8] {
        try await transaction(address: address, [.read(count: count)]).first ?? []
    }

    /// Writes then reads with a repeated start in between.
    public func writeRead(address: I2CAddress, write bytes: [UInt8], readCount: Int) async throws -> [UInt8] {
        try await transaction(address: address, [.write(bytes), .read(count: readCount)]).first ?? []
    }

    /// Reads `count` consecutive registers starting at `register` (register pointer + auto-increment).
    public func readRegisters(address: I2CAddress, register: UInt8, count: Int) async throws -> [UInt8] {
        try await writeRead(address: address, write: [register], readCount: count)
    }

    /// Writes one register.
    public func writeRegister(address: I2CAddress, register: UInt8, value: UInt8) async throws {
        try await write(address: address, [register, value])
    }

    /// Whether a device acknowledges a one-byte read at `address` (the `i2cdetect -r` probe).
    ///
    /// An address NACK means absent; any other error is thrown, because a bus fault must not
    /// look like an empty bus.
    public func probe(address: I2CAddress) async throws -> Bool {
        do {
            _ = try await read(address: address, count: 1)
            return true
        } catch let error as HALError where error.kind == .addressNACK {
            return false
        }
    }

    /// Read-probes every address in ``I2CAddress/scannable`` and returns those that answered.
    public func scan() async throws -> [I2CAddress] {
        var found: [I2CAddress] = []
        for raw in I2CAddress.scannable {
            guard let address = I2CAddress(raw) else { continue }
            if try await probe(address: address) { found.append(address) }
        }
        return found
    }
}
