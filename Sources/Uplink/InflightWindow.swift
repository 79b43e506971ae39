/// Which stored readings are on the wire and not yet acknowledged.
///
/// Maps MQTT packet ids to sequence numbers. Packet ids are 16-bit and reused by the client, so
/// the window must never hold more than its capacity; it is the uplink's only flow control.
struct InflightWindow {
    let capacity: Int
    private(set) var bySequence: [UInt64: Int32] = [:]
    private var byPacketID: [Int32: UInt64] = [:]
    /// The highest sequence number handed to the broker on this connection.
    private(set) var cursor: UInt64 = 0

    init(capacity: Int) {
        self.capacity = Swift.max(1, capacity)
    }

    var count: Int { byPacketID.count }
    var freeSlots: Int { capacity - byPacketID.count }
    var isEmpty: Bool { byPacketID.isEmpty }

    mutating func sent(sequence: UInt64, packetID: Int32) {
        byPacketID[packetID] = sequence
        bySequence[sequence] = packetID
        cursor = Swift.max(cursor, sequence)
    }

    /// The sequence number acknowledged by `packetID`, or nil for an id we are not waiting for.
    mutating func acknowledged(packetID: Int32) -> UInt64? {
        guard let sequence = byPacketID.removeValue(forKey: packetID) else { return nil }
        bySequence[sequence] = nil
        return sequence
    }

    /// A refused publish (MQTT 5 reason code >= 0x80): the reading stays stored; forget the id.
    mutating func refused(packetID: Int32) -> UInt64? {
        acknowledged(packetID: packetID)
    }
}
