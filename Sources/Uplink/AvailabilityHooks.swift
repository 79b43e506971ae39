import Pipeline

/// A retained online/offline status for encodings that have no session of their own (SenML
/// JSON and CBOR, sealed or not): `offline` is the will of every connection, `online` is
/// published after each CONNACK, both retained at QoS 1, so a subscriber that comes later still
/// learns whether the gateway is up. The payloads are Home Assistant's defaults, so its
/// `availability_topic` can point here (docs/UPLINKS.md).
///
/// Sparkplug B (NDEATH is its will) and Home Assistant discovery (its own availability topic)
/// bring their own ``ConnectionHooks`` and do not get these.
struct AvailabilityHooks: ConnectionHooks {
    static let online = Array("online".utf8)
    static let offline = Array("offline".utf8)

    let encoder: any ReadingEncoder
    let topic: String

    var subscriptions: [String] { [] }
    var persistentState: [UInt8] { [] }
    mutating func restore(_ state: [UInt8]?) {}

    mutating func willForNextConnection(wallSeconds: Double) -> SessionMessage? {
        SessionMessage(topic: topic, payload: Self.offline, retain: true, qos: 1)
    }

    mutating func connected(wallSeconds: Double) -> [SessionMessage] {
        [SessionMessage(topic: topic, payload: Self.online, retain: true, qos: 1)]
    }

    mutating func received(topic: String, payload: [UInt8], wallSeconds: Double) -> [SessionMessage] { [] }

    mutating func encode(_ readings: ArraySlice<Reading>, into buffer: inout [UInt8]) -> EncodedMessage {
        encoder.encode(readings, into: &buffer)
    }
}
