/// One payload format in ``ReadingEncoders``: its configuration name and how to make it.
public struct ReadingEncoderFactory: Sendable {
    /// The name the configuration uses, e.g. `senml-json`.
    public let name: String
    /// One line for people choosing a format.
    public let summary: String
    private let make: @Sendable (EncoderContext, Int?) -> any ReadingEncoder

    /// Creates a factory; `make` gets the context and the configured readings per message (nil:
    /// the format's own default).
    public init(name: String, summary: String, make: @escaping @Sendable (EncoderContext, Int?) -> any ReadingEncoder) {
        self.name = name
        self.summary = summary
        self.make = make
    }

    /// An encoder for one gateway, carrying up to `readingsPerMessage` readings per message
    /// (`mqtt.readings_per_message`), or the format's default when nil.
    public func makeEncoder(_ context: EncoderContext, readingsPerMessage: Int? = nil) -> any ReadingEncoder {
        make(context, readingsPerMessage)
    }
}
