#if os(Linux) && canImport(CI2C)
import CI2C
import HAL

/// What an I2C adapter can do, as reported once by `I2C_FUNCS`.
public struct I2CFunctionality: OptionSet, Sendable, Hashable {
    public let rawValue: UInt

    /// Creates a set from the kernel's bit mask.
    public init(rawValue: UInt) { self.rawValue = rawValue }

    /// Plain I2C transfers (`I2C_RDWR`): the adapter is a real I2C master.
    public static let i2c = Self(rawValue: UInt(SGW_I2C_FUNC_I2C))
    /// SMBus receive byte.
    public static let smbusReadByte = Self(rawValue: UInt(SGW_I2C_FUNC_SMBUS_READ_BYTE))
    /// SMBus send byte.
    public static let smbusWriteByte = Self(rawValue: UInt(SGW_I2C_FUNC_SMBUS_WRITE_BYTE))
    /// SMBus read byte data.
    public static let smbusReadByteData = Self(rawValue: UInt(SGW_I2C_FUNC_SMBUS_READ_BYTE_DATA))
    /// SMBus write byte data.
    public static let smbusWriteByteData = Self(rawValue: UInt(SGW_I2C_FUNC_SMBUS_WRITE_BYTE_DATA))
    /// SMBus read word data.
    public static let smbusReadWordData = Self(rawValue: UInt(SGW_I2C_FUNC_SMBUS_READ_WORD_DATA))
    /// SMBus write word data.
    public static let smbusWriteWordData = Self(rawValue: UInt(SGW_I2C_FUNC_SMBUS_WRITE_WORD_DATA))
    /// I2C-block read with a one-byte register (up to 32 bytes).
    public static let smbusReadI2CBlock = Self(rawValue: UInt(SGW_I2C_FUNC_SMBUS_READ_I2C_BLOCK))
    /// I2C-block write with a one-byte register (up to 32 bytes).
    public static let smbusWriteI2CBlock = Self(rawValue: UInt(SGW_I2C_FUNC_SMBUS_WRITE_I2C_BLOCK))
}

/// One libi2c SMBus call that puts the same bytes on the wire as a transaction shape.
public enum SMBusCall: Sendable, Hashable {
    /// `i2c_smbus_write_byte`: [value].
    case writeByte(UInt8)
    /// `i2c_smbus_read_byte`: read 1.
    case readByte
    /// `i2c_smbus_write_byte_data`: [register, value].
    case writeByteData(register: UInt8, value: UInt8)
    /// `i2c_smbus_write_word_data`: [register, low, high].
    case writeWordData(register: UInt8, value: UInt16)
    /// `i2c_smbus_write_i2c_block_data`: [register] + bytes.
    case writeI2CBlockData(register: UInt8, bytes: [UInt8])
    /// `i2c_smbus_read_byte_data`: [register] then read 1.
    case readByteData(register: UInt8)
    /// `i2c_smbus_read_word_data`: [register] then read 2 (low byte first on the wire).
    case readWordData(register: UInt8)
    /// `i2c_smbus_read_i2c_block_data`: [register] then read `count` (at most 32).
    case readI2CBlockData(register: UInt8, count: Int)

    /// The two bytes of an SMBus word in the order the device sent them: SMBus words travel low
    /// byte first, so a word read answers a `[register] + read 2` transaction as `[low, high]`.
    public static func wireBytes(ofWord word: Int32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: word), UInt8(truncatingIfNeeded: word >> 8)]
    }
}

/// How one transaction is handed to the kernel.
public enum I2CTransferStyle: Sendable, Hashable {
    /// One `I2C_RDWR` with a message per segment: start, repeated starts, one stop.
    case combined
    /// One SMBus call, for adapters without `I2C_FUNC_I2C`.
    case smbus(SMBusCall)
}

/// Decides how a transaction runs on an adapter; pure, so every shape is covered by tests.
public enum I2CTransferPlanner {
    /// Longest payload of an SMBus I2C-block transfer.
    public static let smbusBlockMax = Int(SGW_I2C_SMBUS_BLOCK_MAX)
    /// Most segments one `I2C_RDWR` accepts.
    public static let maxMessages = Int(SGW_I2C_RDWR_MAX_MSGS)

    /// The style for `operations` on an adapter with `functionality`.
    ///
    /// A combined transfer is used whenever the adapter can do one. Otherwise the transaction must
    /// match a shape an SMBus call sends byte for byte; anything else is
    /// ``HAL/HALError/Kind/unsupported``, because splitting it into several calls would put stops
    /// where the device expects repeated starts.
    /// - Throws: ``HAL/HALError`` (`invalidArgument`, `unsupported`) naming `operation`.
    public static func style(for operations: [I2COperation], functionality: I2CFunctionality,
                             operation: String) throws -> I2CTransferStyle {
        try validate(operations, operation: operation)
        if functionality.contains(.i2c) { return .combined }

        func need(_ bit: I2CFunctionality, _ call: SMBusCall, _ name: String) throws -> I2CTransferStyle {
            guard functionality.contains(bit) else {
                throw HALError(.unsupported, operation: operation,
                               detail: "the adapter has neither I2C_FUNC_I2C nor SMBus \(name)")
            }
            return .smbus(call)
        }

        switch operations {
        case [.read(count: 1)]:
            return try need(.smbusReadByte, .readByte, "read byte")
        case let ops where ops.count == 1:
            guard case .write(let bytes) = ops[0], let register = bytes.first else { break }
            let payload = Array(bytes.dropFirst())
            switch payload.count {
            case 0:
                return try need(.smbusWriteByte, .writeByte(register), "write byte")
            case 1:
                return try need(.smbusWriteByteData, .writeByteData(register: register, value: payload[0]),
                                "write byte data")
            case 2 where !functionality.contains(.smbusWriteI2CBlock)
                && functionality.contains(.smbusWriteWordData):
                // SMBus words go low byte first, so [reg, b0, b1] is the word b0 | b1 << 8.
                let word = UInt16(payload[0]) | UInt16(payload[1]) << 8
                return .smbus(.writeWordData(register: register, value: word))
            case 2...smbusBlockMax:
                return try need(.smbusWriteI2CBlock, .writeI2CBlockData(register: register, bytes: payload),
                                "write I2C block")
            default:
                break
            }
        case let ops where ops.count == 2:
            guard case .write(let bytes) = ops[0], bytes.count == 1,
                  case .read(let count) = ops[1] else { break }
            let register = bytes[0]
            switch count {
            case 1:
                return try need(.smbusReadByteData, .readByteData(register: register), "read byte data")
            case 2 where functionality.contains(.smbusReadWordData):
                return .smbus(.readWordData(register: register))
            case 2...smbusBlockMax:
                return try need(.smbusReadI2CBlock, .readI2CBlockData(register: register, count: count),
                                "read I2C block")
            default:
                break
            }
        default:
            break
        }
        throw HALError(.unsupported, operation: operation,
                       detail: "the adapter lacks I2C_FUNC_I2C and no SMBus call matches \(shape(operations))")
    }

    /// Rejects what no adapter can do, before any system call.
    static func validate(_ operations: [I2COperation], operation: String) throws {
        guard !operations.isEmpty else {
            throw HALError(.invalidArgument, operation: operation, detail: "empty transaction")
        }
        guard operations.count <= maxMessages else {
            throw HALError(.invalidArgument, operation: operation,
                           detail: "\(operations.count) segments; I2C_RDWR takes at most \(maxMessages)")
        }
        for op in operations {
            let length: Int
            switch op {
            case .write(let bytes): length = bytes.count
            case .read(let count): length = count
            }
            guard (0...Int(UInt16.max)).contains(length) else {
                throw HALError(.invalidArgument, operation: operation,
                               detail: "segment length \(length) outside 0...65535")
            }
        }
    }

    /// A short text of a transaction's shape for error messages, e.g. `write 3, read 6`.
    static func shape(_ operations: [I2COperation]) -> String {
        operations.map { op -> String in
            switch op {
            case .write(let bytes): return "write \(bytes.count)"
            case .read(let count): return "read \(count)"
            }
        }.joined(separator: ", ")
    }
}

/// Lays a transaction out as `i2c_msg`s over one buffer, for `I2C_RDWR`.
public enum I2CMessageBuilder {
    /// Builds the messages for `operations` to `address`, calls `body` with them (the kernel call),
    /// then returns `body`'s result and the bytes of each `.read` segment, in order.
    ///
    /// All segments share one contiguous buffer so the pointers stay valid for the whole call
    /// without one allocation per segment.
    public static func withMessages<R>(
        address: I2CAddress, _ operations: [I2COperation],
        _ body: (UnsafeMutableBufferPointer<i2c_msg>) throws -> R
    ) rethrows -> (result: R, reads: [[UInt8]]) {
        var offsets: [Int] = []
        var total = 0
        for op in operations {
            offsets.append(total)
            switch op {
            case .write(let bytes): total += bytes.count
            case .read(let count): total += max(count, 0)
            }
        }
        var buffer = [UInt8](repeating: 0, count: max(total, 1))
        for (op, offset) in zip(operations, offsets) {
            if case .write(let bytes) = op { buffer.replaceSubrange(offset..<offset + bytes.count, with: bytes) }
        }
        let result = try buffer.withUnsafeMutableBufferPointer { storage -> R in
            var messages = zip(operations, offsets).map { op, offset -> i2c_msg in
                var message = i2c_msg()
                message.addr = UInt16(address.rawValue)
                message.buf = storage.baseAddress.map { $0 + offset }
                switch op {
                case .write(let bytes):
                    message.flags = 0
                    message.len = UInt16(clamping: bytes.count)
                case .read(let count):
                    message.flags = SGW_I2C_M_RD
                    message.len = UInt16(clamping: count)
                }
                return message
            }
            return try messages.withUnsafeMutableBufferPointer { try body($0) }
        }
        var reads: [[UInt8]] = []
        for (op, offset) in zip(operations, offsets) {
            if case .read(let count) = op { reads.append(Array(buffer[offset..<offset + max(count, 0)])) }
        }
        return (result, reads)
    }
}
#endif
