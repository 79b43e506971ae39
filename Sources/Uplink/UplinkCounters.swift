/// Counts of what the uplink did, for logs, metrics and tests.
public struct UplinkCounters: Sendable, Hashable {
    /// Connection attempts started.
    public var connectionAttempts = 0
    /// Connections that reached CONNACK.
    public var connections = 0
    /// PUBLISH packets of readings sent (re-sends included; a batch is one).
    public var published = 0
    /// Readings acknowledged by the broker and handed to the outbox for deletion.
    public var acknowledged = 0
    /// Attempts that ended before CONNACK, by kind.
    public var connectFailures: [ConnectionFailure.Kind: Int] = [:]
    /// Connections that had reached CONNACK and then ended (not counting stops).
    public var connectionsLost = 0
    /// Publishes the broker refused with an MQTT 5 reason code.
    public var refused = 0
    /// Stored readings the encoder could not carry (skipped, never waited for).
    public var unencodable = 0
    /// Readings dropped because even alone they exceed the broker's maximum packet size.
    public var tooLarge = 0

    /// No counts yet.
    public init() {}
}
