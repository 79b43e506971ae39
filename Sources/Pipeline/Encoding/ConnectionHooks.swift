/// One MQTT message an encoding's ``ConnectionHooks`` asks the uplink to send outside the
/// readings stream: a will, a birth certificate, a retained discovery config.
public struct SessionMessage: Sendable, Hashable {
    /// The topic.
    public var topic: String
    /// The payload bytes.
    public var payload: [UInt8]
    /// The MQTT 5 content type, if any.
    public var contentType: String?
    /// Whether the broker keeps it for later subscribers.
    public var retain: Bool
    /// MQTT QoS, 0 or 1.
    public var qos: Int

    /// Creates a message.
    public init(topic: String, payload: [UInt8], contentType: String? = nil, retain: Bool = false, qos: Int = 1) {
        self.topic = topic
        self.payload = payload
        self.contentType = contentType
        self.retain = retain
        self.qos = qos
    }
}

/// What an encoding needs of the MQTT session beyond publishing readings: a will set at
/// connect, messages sent after each CONNACK before any reading, subscriptions and answers to
/// commands, and state that must outlive a restart (Sparkplug B's `bdSeq`).
///
/// A pure value: the uplink's shell calls it and performs what it returns, so the protocol's
/// rules are tested without a broker. SenML has none (``ReadingEncoder/makeConnectionHooks()``
/// returns nil) and behaves as before.
public protocol ConnectionHooks: Sendable {
    /// The topics to subscribe to (QoS 1) after each CONNACK, before ``connected(wallSeconds:)``'s messages.
    var subscriptions: [String] { get }

    /// Bytes to store durably; given back through ``restore(_:)`` at the next start. Written by
    /// the shell after every ``willForNextConnection(wallSeconds:)``.
    var persistentState: [UInt8] { get }

    /// Takes back what ``persistentState`` held before the last stop (nil: nothing stored or unreadable).
    mutating func restore(_ state: [UInt8]?)

    /// Called before each connection attempt: the will the broker publishes if this connection dies.
    mutating func willForNextConnection(wallSeconds: Double) -> SessionMessage?

    /// Called on each CONNACK: what to publish before any reading, in order.
    mutating func connected(wallSeconds: Double) -> [SessionMessage]

    /// A message arrived on one of ``subscriptions``: what to publish in answer, in order.
    mutating func received(topic: String, payload: [UInt8], wallSeconds: Double) -> [SessionMessage]

    /// Encodes readings as one data message, with whatever per-session state the format keeps
    /// (sequence numbers, aliases). Same contract as ``ReadingEncoder/encode(_:into:)``, except
    /// that it may carry a leading part of `readings` only: the uplink sends the rest next.
    mutating func encode(_ readings: ArraySlice<Reading>, into buffer: inout [UInt8]) -> EncodedMessage
}
