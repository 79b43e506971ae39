/// One payload format in ``ReadingEncoders``: its configuration name and how to make it.
public struct ReadingEncoderFactory: Sendable {
    /// The name the configuration uses, e.g. `senml-json`.
    public let name: String
    /// One line for people choosing a format.
    public let summary: String
    private let make: @Sendable (EncoderContext) -> any ReadingEncoder

    /// Creates a factory.
    public init(name: String, summary: String, make: @escaping @Sendable (EncoderContext) -> any ReadingEncoder) {
        self.name = name
        self.summary = summary
        self.make = make
    }

    /// An encoder for one gateway.
    public func makeEncoder(_ context: EncoderContext) -> any ReadingEncoder {
        make(context)
    }
}
