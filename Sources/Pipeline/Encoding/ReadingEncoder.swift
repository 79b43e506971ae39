/// What an encoder needs to know about the gateway it speaks for; given at construction.
public struct EncoderContext: Sendable, Hashable {
    /// The gateway id, e.g. `greenhouse-1`; the first part of every SenML base name.
    public var gatewayID: String
    /// The topic readings are published to, e.g. `sensorgw/greenhouse-1/readings`.
    public var readingsTopic: String
    /// The configured sensors and what they report, for formats that announce them before
    /// any data (Sparkplug B's DBIRTH); empty when not known.
    public var devices: [EncoderDevice]
    /// Sparkplug B's group id; nil: `sensorgw`.
    public var sparkplugGroupID: String?
    /// Sparkplug B's edge node id; nil: the gateway id.
    public var sparkplugEdgeNodeID: String?
    /// Home Assistant's discovery prefix; nil: `homeassistant`.
    public var discoveryPrefix: String?

    /// Creates a context.
    public init(gatewayID: String, readingsTopic: String, devices: [EncoderDevice] = [],
                sparkplugGroupID: String? = nil, sparkplugEdgeNodeID: String? = nil) {
        self.gatewayID = gatewayID
        self.readingsTopic = readingsTopic
        self.devices = devices
        self.sparkplugGroupID = sparkplugGroupID
        self.sparkplugEdgeNodeID = sparkplugEdgeNodeID
    }
}

/// One configured sensor as an encoder announces it: its id and its quantities, in order.
public struct EncoderDevice: Sendable, Hashable {
    /// The sensor id, e.g. `air`.
    public var sensorID: String
    /// Each quantity with the unit its readings are sent in (after conversion).
    public var quantities: [Quantity]

    /// One quantity of a device.
    public struct Quantity: Sendable, Hashable {
        /// The quantity's name, e.g. `temperature`.
        public var name: String
        /// The unit its readings carry.
        public var unit: SenMLUnit

        /// Creates a quantity.
        public init(name: String, unit: SenMLUnit) {
            self.name = name
            self.unit = unit
        }
    }

    /// Creates a device.
    public init(sensorID: String, quantities: [Quantity]) {
        self.sensorID = sensorID
        self.quantities = quantities
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
    /// The session side of the format (will, births, commands, per-session state), or nil when
    /// the format needs none; one fresh value per ``Uplink``.
    func makeConnectionHooks() -> (any ConnectionHooks)?
}

extension ReadingEncoder {
    /// SenML needs no session: nil.
    public func makeConnectionHooks() -> (any ConnectionHooks)? { nil }
}
