/// Something that happened to the broker connection, for the agent's metrics.
public enum UplinkIncident: Sendable, Hashable {
    /// An attempt ended before CONNACK.
    case couldNotConnect(ConnectionFailure)
    /// A connection that had reached CONNACK ended.
    case connectionLost(reason: String)
    /// The broker answered a readings PUBLISH with an MQTT 5 refusal (reason code 0x80 and
    /// above, e.g. 0x87 not authorized by its ACL); the readings stay stored.
    case publishRefused(reasonCode: Int32)
    /// Encrypted rows of the outbox did not open and were dropped (counted as `unreadable`).
    case unreadableRowsDropped(count: Int)
}
