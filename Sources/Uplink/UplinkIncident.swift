/// Something that happened to the broker connection, for the agent's metrics.
public enum UplinkIncident: Sendable, Hashable {
    /// An attempt ended before CONNACK.
    case couldNotConnect(ConnectionFailure)
    /// A connection that had reached CONNACK ended.
    case connectionLost(reason: String)
}
