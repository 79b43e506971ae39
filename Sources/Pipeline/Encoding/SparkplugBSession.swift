import SparkplugProto

/// Sparkplug B's session rules as a pure value (specification 3.0.0, chapters 5 and 6):
///
/// - every CONNECT carries NDEATH as its will with a `bdSeq` one higher (mod 256) than the last
///   connection's, starting at 0; the last `bdSeq` is kept across restarts (``persistentState``)
///   so a host can tell a stale NDEATH from the current one;
/// - after CONNACK: NBIRTH with `seq` 0 and the same `bdSeq` as the will, then a DBIRTH per
///   device; then DDATA, each message's `seq` one higher, 255 wrapping to 0;
/// - an NCMD that sets `Node Control/Rebirth` to true gets NBIRTH (`seq` 0 again) and every
///   DBIRTH anew, with the connection's `bdSeq`.
public struct SparkplugBSession: ConnectionHooks {
    /// Topics and aliases.
    public let layout: SparkplugBLayout
    /// The `bdSeq` of the current (or last) connection; nil before the first.
    public private(set) var bdSeq: UInt8?
    /// The `seq` the next message carries.
    public private(set) var nextSeq: UInt8 = 0

    /// A session before its first connection.
    public init(layout: SparkplugBLayout) {
        self.layout = layout
    }

    /// NCMD for this node (Rebirth is a node command).
    public var subscriptions: [String] { [layout.nodeTopic("NCMD")] }

    public var persistentState: [UInt8] { bdSeq.map { [$0] } ?? [] }

    public mutating func restore(_ state: [UInt8]?) {
        // One byte, the last connection's bdSeq; anything else is not ours and starts at 0.
        if let state, state.count == 1 { bdSeq = state[0] } else { bdSeq = nil }
    }

    public mutating func willForNextConnection(wallSeconds: Double) -> SessionMessage? {
        let next: UInt8 = bdSeq.map { $0 &+ 1 } ?? 0
        bdSeq = next
        return layout.death(bdSeq: next, wallSeconds: wallSeconds)
    }

    public mutating func connected(wallSeconds: Double) -> [SessionMessage] {
        let births = layout.births(bdSeq: bdSeq ?? 0, wallSeconds: wallSeconds)
        nextSeq = UInt8(births.count % 256)
        return births
    }

    public mutating func received(topic: String, payload: [UInt8], wallSeconds: Double) -> [SessionMessage] {
        guard topic == layout.nodeTopic("NCMD"), Self.asksForRebirth(payload) else { return [] }
        return connected(wallSeconds: wallSeconds)
    }

    public mutating func encode(_ readings: ArraySlice<Reading>, into buffer: inout [UInt8]) -> EncodedMessage {
        let message = layout.encodeData(readings, seq: nextSeq, into: &buffer)
        if !message.carried.isEmpty { nextSeq &+= 1 }
        return message
    }

    /// Whether an NCMD payload sets `Node Control/Rebirth` to true; a payload that does not
    /// decode asks for nothing.
    static func asksForRebirth(_ payload: [UInt8]) -> Bool {
        guard let command = try? Org_Eclipse_Tahu_Protobuf_Payload(serializedBytes: payload) else { return false }
        return command.metrics.contains { metric in
            metric.name == SparkplugBLayout.rebirthMetric && metric.booleanValue
        }
    }
}
