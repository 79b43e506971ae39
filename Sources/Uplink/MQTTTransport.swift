import Pipeline

/// What a transport reports about its connection; may come from any thread.
public enum MQTTTransportEvent: Sendable, Hashable {
    /// CONNACK with success: publishing may start.
    case connected
    /// A message arrived on a topic the transport subscribed to (``MQTTTransport/subscribe(_:)``).
    case message(topic: String, payload: [UInt8])
    /// PUBACK for `packetID` with an MQTT 5 reason code (below 0x80 is success).
    case published(packetID: Int32, reasonCode: Int32)
    /// A connection that had reached CONNACK ended (or ``MQTTTransport/stop()`` ended the
    /// attempt); `reason` says why in words. The last event.
    case closed(reason: String)
    /// The attempt ended before CONNACK, for the reason named. The last event.
    case connectFailed(ConnectionFailure)
}

/// One MQTT 5 connection: started once, publishes at QoS 1, stopped once.
///
/// A transport never retries or queues across connections: the ``Uplink`` makes a new one per
/// attempt and re-sends every unacknowledged reading from the outbox, in order, with its
/// original sequence number, so nothing is sent twice by two different mechanisms.
public protocol MQTTTransport: Sendable {
    /// Starts connecting; reports `.connected`, `.published` and finally exactly one `.closed`
    /// or `.connectFailed` through the handler it was made with.
    func start()
    /// Queues a QoS 1 PUBLISH; returns the packet id its PUBACK will carry.
    func publish(topic: String, payload: [UInt8], contentType: String?) throws(UplinkError) -> Int32
    /// Queues a PUBLISH with the QoS and retain flag `message` asks for; returns its packet id
    /// (meaningless at QoS 0, which has no PUBACK).
    func publish(_ message: SessionMessage) throws(UplinkError) -> Int32
    /// Subscribes at QoS 1; what arrives is reported as `.message`.
    func subscribe(_ topics: [String]) throws(UplinkError)
    /// The MQTT 5 `Maximum Packet Size` the broker's CONNACK named (nil: none, or not yet connected).
    var maximumPacketSize: Int? { get }
    /// The MQTT 5 `Receive Maximum` the broker's CONNACK named (nil: none, MQTT 3.1.1, or not yet connected).
    var receiveMaximum: Int? { get }
    /// How many QoS 1 messages beyond its wire limit (the configured in-flight window, or the
    /// broker's smaller Receive Maximum) the transport holds in its own queue and sends itself,
    /// in order, as PUBACKs free places; read after CONNACK. 0: every publish goes to the wire
    /// at once, so the uplink never hands over more than the wire may carry.
    var queueAhead: Int { get }
    /// Sends DISCONNECT (when connected) and returns once the connection is finished.
    func stop() async
}

extension MQTTTransport {
    /// A transport that does not read CONNACK properties reports no receive maximum.
    public var receiveMaximum: Int? { nil }
    /// A transport without a queue of its own.
    public var queueAhead: Int { 0 }
}

/// Makes one transport for one connection attempt; `onEvent` receives its events.
public typealias MQTTTransportFactory = @Sendable (
    _ settings: MQTTSettings, _ onEvent: @escaping @Sendable (MQTTTransportEvent) -> Void
) throws(UplinkError) -> any MQTTTransport
