/// An error setting up a connection or publishing on it.
public struct UplinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed.
    public var message: String
    public var description: String { message }

    /// Creates an error.
    public init(message: String) {
        self.message = message
    }
}
