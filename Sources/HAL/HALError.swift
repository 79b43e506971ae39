/// The one error every bus operation throws.
///
/// A loose wire, a missing device or a refused transfer is a value of this type: it is logged,
/// counted and survived by the layers above, never a crash. `errno` is kept for diagnostics; the
/// mapping from errno to ``Kind`` is done by the Linux backends only.
public struct HALError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, independent of the operating system.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// No device acknowledged its address (ENXIO, EREMOTEIO on address phase).
        case addressNACK
        /// The device acknowledged its address but refused a data byte.
        case dataNACK
        /// Another master won the bus (EAGAIN from i2c-dev).
        case arbitrationLoss
        /// The transfer or a status poll did not finish in time.
        case timeout
        /// The bus itself misbehaved (EIO, EPROTO): a stuck line, a glitch.
        case busError
        /// Data arrived faster than it could be taken.
        case overrun
        /// The device or line is held by someone else (EBUSY).
        case busy
        /// The process may not open the device (EACCES, EPERM).
        case permissionDenied
        /// The bus, chip or line does not exist (ENOENT, ENODEV).
        case noSuchDevice
        /// The adapter or kernel cannot do this kind of transfer (EOPNOTSUPP).
        case unsupported
        /// The caller asked for something malformed (EINVAL, or a check before any system call).
        case invalidArgument
        /// The device answered, but what it said is not what the datasheet allows
        /// (wrong chip id, CRC mismatch, impossible value).
        case badData
        /// Anything else; see `errno`.
        case other
    }

    /// What went wrong.
    public var kind: Kind
    /// The operating system's error number, when a system call failed.
    public var errno: Int32?
    /// The operation that failed, e.g. `"i2c transaction @0x76"` or `"open /dev/i2c-1"`.
    public var operation: String
    /// A human-readable detail, e.g. a hint to add the user to the `i2c` group.
    public var detail: String?

    /// Creates an error value.
    public init(_ kind: Kind, errno: Int32? = nil, operation: String, detail: String? = nil) {
        self.kind = kind
        self.errno = errno
        self.operation = operation
        self.detail = detail
    }

    public var description: String {
        var text = "\(operation): \(kind.rawValue)"
        if let errno { text += " (errno \(errno))" }
        if let detail { text += ": \(detail)" }
        return text
    }
}
