/// Which stored readings were handed to the transport and are not yet acknowledged: on the
/// wire, or in the transport's own queue waiting for a place on it.
///
/// Maps MQTT packet ids to the sequence numbers the message carries (several when the encoder
/// batches). Packet ids are 16-bit and reused by the client, so the window must never hold more
/// messages than its capacity; it is the uplink's only flow control.
struct InflightWindow: Sendable, Hashable {
    /// Most messages outstanding at once.
    private(set) var capacity: Int
    private var byPacketID: [Int32: [UInt64]] = [:]

    init(capacity: Int) {
        self.capacity = Swift.max(1, capacity)
    }

    /// Messages outstanding.
    var count: Int { byPacketID.count }
    var freeSlots: Int { capacity - byPacketID.count }
    var isEmpty: Bool { byPacketID.isEmpty }
    /// Every sequence number outstanding, in no particular order.
    var sequences: [UInt64] { byPacketID.values.flatMap { $0 } }

    mutating func sent(sequences: [UInt64], packetID: Int32) {
        byPacketID[packetID] = sequences
    }

    /// The sequence numbers answered by `packetID`, or nil for an id we are not waiting for.
    mutating func answered(packetID: Int32) -> [UInt64]? {
        byPacketID.removeValue(forKey: packetID)
    }

    /// Lowers the capacity to `limit` (the broker's Receive Maximum) when that is smaller.
    mutating func narrow(to limit: Int) {
        capacity = Swift.max(1, Swift.min(capacity, limit))
    }

    /// Raises the capacity by the messages the transport holds back in its own queue beyond
    /// its wire limit (``MQTTTransport/queueAhead``): those take packet ids but are not on
    /// the wire yet.
    mutating func widen(by queued: Int) {
        capacity += Swift.max(0, queued)
    }

    /// Forgets everything outstanding: the connection is gone, the readings are still stored.
    mutating func removeAll() {
        byPacketID.removeAll()
    }
}
