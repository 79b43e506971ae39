/// What an encoder needs to know about the gateway it speaks for; given at construction.
public struct EncoderContext: Sendable, Hashable {
    /// The gateway id, e.g. `greenhouse-1`; the first part of every SenML base name.
    public var gatewayID: String
    /// The topic readings are published to, e.g. `sensorgw/greenhouse-1/readings`.
    public var readingsTopic: String

    /// Creates a context.
    public init(gatewayID: String, readingsTopic: String) {
        self.gatewayID = gatewayID
        self.readingsTopic = readingsTopic
    }
}

/// What ``ReadingEncoder/encode(_:into:)`` put into the caller's buffer.
public struct EncodedMessage: Sendable, Hashable {
    /// The topic to publish the payload to.
    public var topic: String
    /// Sequence numbers of the readings the payload carries, in the order given; empty when
    /// nothing could be encoded (then there is nothing to publish).
    public var carried: [UInt64]
    /// Sequence numbers of readings the format cannot carry (NaN, infinity ...). They are left
    /// out of the payload; the uplink counts them and never waits for them.
    public var skipped: [UInt64]

    /// Creates a description of an encoded message.
    public init(topic: String, carried: [UInt64], skipped: [UInt64]) {
        self.topic = topic
        self.carried = carried
        self.skipped = skipped
    }
}

/// Turns stored readings into MQTT payloads: bytes, content type and topic.
///
/// An encoder is a pure value: the same readings give the same bytes. It writes into a buffer
/// the caller owns and reuses, so a busy uplink does not allocate a payload per message.
public protocol ReadingEncoder: Sendable {
    /// The gateway and topic this encoder was made for.
    var context: EncoderContext { get }
    /// The MQTT 5 content type of every payload, e.g. `application/senml+json`.
    var contentType: String { get }
    /// Most readings one message may carry; the uplink never passes more to ``encode(_:into:)``.
    var maxReadingsPerMessage: Int { get }
    /// Replaces `buffer`'s contents with the payload of one message carrying `readings` (at most
    /// ``maxReadingsPerMessage``, oldest first), leaving out readings the format cannot carry.
    func encode(_ readings: ArraySlice<Reading>, into buffer: inout [UInt8]) -> EncodedMessage
}
