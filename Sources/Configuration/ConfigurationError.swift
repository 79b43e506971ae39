/// A configuration the agent cannot run with: the file, where in it, which key, and why.
///
/// The agent prints ``description`` and exits with ``exitCode`` before touching any hardware.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration file as it was named (the path given to `load`, or the `file` given to
    /// `parse`).
    public var file: String
    /// The 1-based line of the offending key or value; `nil` when the problem is the file as a
    /// whole (missing, unreadable, empty).
    public var line: Int?
    /// The 1-based column (counted in Unicode scalars) of the offending key or value.
    public var column: Int?
    /// The dotted path of the key, e.g. `mqtt.tls.ca` or `sensors[1].i2c.address`.
    public var key: String?
    /// What is wrong, and where it helps, how to fix it.
    public var message: String

    /// The process exit status for a bad configuration: `EX_CONFIG` from sysexits.h.
    public static let exitCode: Int32 = 78

    /// Creates an error value.
    public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    /// `<file>:<line>:<column>: <key>: <message>`, leaving out the parts that are `nil`,
    /// the form compilers use so editors and terminals can jump to the place.
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if let key { text += "\(key): " }
        return text + message
    }
}
