#if os(Linux) && canImport(CI2C)
import CI2C
import Dispatch
import HAL
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An I2C bus through Linux i2c-dev (`/dev/i2c-N`).
///
/// The adapter's functionality is read once when the bus is opened. Adapters that can do plain
/// I2C get every transaction as one `I2C_RDWR`; SMBus-only adapters (PC SMBus controllers,
/// i2c-stub) get the SMBus call that puts the same bytes on the wire, and transactions no SMBus
/// call matches fail with ``HAL/HALError/Kind/unsupported``.
///
/// All system calls of one bus run on its own serial executor: they never block Swift's
/// cooperative threads, and two tasks cannot interleave on the shared file descriptor.
public final class LinuxI2CBus: I2CBus, @unchecked Sendable {
    // @unchecked: `fd` and `functionality` are immutable after init; `selectedAddress` is only
    // read and written on `executor`, which is serial.

    /// The device node, e.g. `/dev/i2c-1`.
    public let path: String
    /// What the adapter reported for `I2C_FUNCS`.
    public let functionality: I2CFunctionality
    private let fd: Int32
    private let executor: BlockingExecutor
    /// The address the last `I2C_SLAVE` selected, so back-to-back SMBus calls skip the ioctl.
    private var selectedAddress: UInt8?

    /// The hint for a bus that does not exist.
    static let missingBusHint =
        "no such I2C bus: enable the interface (dtparam=i2c_arm=on on a Raspberry Pi) "
        + "and load i2c-dev (modprobe i2c-dev)"

    /// Opens `/dev/i2c-<bus>`; blocks briefly (open and one ioctl), see ``open(bus:)``.
    /// - Throws: ``HAL/HALError``.
    public convenience init(bus: Int) throws {
        try self.init(path: "/dev/i2c-\(bus)")
    }

    /// Opens an i2c-dev node by path and reads the adapter's functionality.
    /// - Throws: ``HAL/HALError``; EACCES carries a hint to join the `i2c` group.
    public init(path: String) throws {
        let fd = sgw_i2c_open(path)
        guard fd >= 0 else {
            throw LinuxErrno.openError(-fd, path: path, group: "i2c", missingHint: Self.missingBusHint)
        }
        var funcs: UInt = 0
        let result = sgw_i2c_get_funcs(fd, &funcs)
        guard result >= 0 else {
            _ = sgw_i2c_close(fd)
            throw LinuxErrno.error(-result, operation: "I2C_FUNCS \(path)")
        }
        self.path = path
        self.fd = fd
        self.functionality = I2CFunctionality(rawValue: funcs)
        self.executor = BlockingExecutor(label: "sensorgw.i2c.\(path)")
    }

    /// Opens `/dev/i2c-<bus>` without blocking the calling task's thread.
    public static func open(bus: Int) async throws -> LinuxI2CBus {
        try await open(path: "/dev/i2c-\(bus)")
    }

    /// Opens an i2c-dev node by path without blocking the calling task's thread.
    public static func open(path: String) async throws -> LinuxI2CBus {
        try await BlockingExecutor(label: "sensorgw.i2c.open").run { try LinuxI2CBus(path: path) }
    }

    deinit {
        // Every queued call holds a reference, so nothing can still be using the fd here.
        _ = sgw_i2c_close(fd)
    }

    /// Runs the segments as one combined transfer (or the equivalent SMBus call).
    /// - Throws: ``HAL/HALError``.
    public func transaction(address: I2CAddress, _ operations: [I2COperation]) async throws -> [[UInt8]] {
        let operation = "i2c transaction @\(address) on \(path)"
        // Planning is pure and cheap: reject bad shapes without a trip to the executor.
        let style = try I2CTransferPlanner.style(for: operations, functionality: functionality,
                                                 operation: operation)
        return try await executor.run { [self] in
            switch style {
            case .combined:
                return try combined(address: address, operations, operation: operation)
            case .smbus(let call):
                return try smbus(address: address, call, operation: operation)
            }
        }
    }

    private func combined(address: I2CAddress, _ operations: [I2COperation],
                          operation: String) throws -> [[UInt8]] {
        let (result, reads) = I2CMessageBuilder.withMessages(address: address, operations) { messages in
            sgw_i2c_rdwr(fd, messages.baseAddress, UInt32(messages.count))
        }
        guard result >= 0 else { throw LinuxErrno.transferError(-result, operation: operation) }
        // I2C_RDWR returns the number of messages done; fewer means the adapter gave up midway.
        guard Int(result) == operations.count else {
            throw HALError(.busError, operation: operation,
                           detail: "adapter completed \(result) of \(operations.count) segments")
        }
        return reads
    }

    private func smbus(address: I2CAddress, _ call: SMBusCall, operation: String) throws -> [[UInt8]] {
        if selectedAddress != address.rawValue {
            let result = sgw_i2c_set_slave(fd, UInt16(address.rawValue))
            guard result >= 0 else {
                // EBUSY here means a kernel driver is bound to the address (i2cdetect shows UU).
                let detail = result == -EBUSY ? "a kernel driver is bound to \(address)" : nil
                throw LinuxErrno.error(-result, operation: operation, detail: detail)
            }
            selectedAddress = address.rawValue
        }
        func check(_ result: Int32) throws -> Int32 {
            guard result >= 0 else { throw LinuxErrno.transferError(-result, operation: operation) }
            return result
        }
        switch call {
        case .writeByte(let value):
            _ = try check(sgw_i2c_smbus_write_byte(fd, value))
            return []
        case .readByte:
            return [[UInt8(truncatingIfNeeded: try check(sgw_i2c_smbus_read_byte(fd)))]]
        case .writeByteData(let register, let value):
            _ = try check(sgw_i2c_smbus_write_byte_data(fd, register, value))
            return []
        case .writeWordData(let register, let value):
            _ = try check(sgw_i2c_smbus_write_word_data(fd, register, value))
            return []
        case .writeI2CBlockData(let register, let bytes):
            _ = try check(sgw_i2c_smbus_write_i2c_block_data(fd, register, UInt8(clamping: bytes.count), bytes))
            return []
        case .readByteData(let register):
            return [[UInt8(truncatingIfNeeded: try check(sgw_i2c_smbus_read_byte_data(fd, register)))]]
        case .readWordData(let register):
            return [SMBusCall.wireBytes(ofWord: try check(sgw_i2c_smbus_read_word_data(fd, register)))]
        case .readI2CBlockData(let register, let count):
            var bytes = [UInt8](repeating: 0, count: count)
            let got = try check(sgw_i2c_smbus_read_i2c_block_data(fd, register, UInt8(clamping: count), &bytes))
            guard Int(got) == count else {
                throw HALError(.other, operation: operation, detail: "short read: \(got) of \(count) bytes")
            }
            return [bytes]
        }
    }
}

#endif
