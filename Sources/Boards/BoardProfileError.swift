/// What is wrong with a board profile file, or with a name looked up in the profiles.
public struct BoardProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or embedded profile) the problem is in.
    public var source: String
    /// The line and column, when the problem is at a node.
    public var line: Int?
    /// The column, when the problem is at a node.
    public var column: Int?
    /// The problem in words.
    public var message: String

    /// Creates an error.
    public init(source: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.source = source
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        if let line, let column { return "\(source):\(line):\(column): \(message)" }
        return "\(source): \(message)"
    }
}
