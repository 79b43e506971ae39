/// Which stored readings are on the wire and not yet acknowledged.
///
/// Maps MQTT packet ids to sequence numbers. Packet ids are 16-bit and reused by the client, so
/// the window must never hold more than its capacity; it is the uplink's only flow control.
struct InflightWindow {
    let capacity: Int
    private var byPacketID: [Int32: UInt64] = [:]

    init(capacity: Int) {
        self.capacity = Swift.max(1, capacity)
    }

    var count: Int { byPacketID.count }
    var freeSlots: Int { capacity - byPacketID.count }
    var isEmpty: Bool { byPacketID.isEmpty }

    mutating func sent(sequence: UInt64, packetID: Int32) {
        byPacketID[packetID] = sequence
    }

    /// The sequence number answered by `packetID`, or nil for an id we are not waiting for.
    mutating func answered(packetID: Int32) -> UInt64? {
        byPacketID.removeValue(forKey: packetID)
    }
}
