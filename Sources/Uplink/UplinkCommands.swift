/// Where remote commands arrive (docs/COMMANDS.md) and who hears of them: the uplink subscribes
/// to `topic` at QoS 1 after each CONNACK and hands each payload to `received` as it arrives.
///
/// `received` is called on the uplink's task, never libmosquitto's thread, and must not block:
/// the agent yields into an `AsyncStream` and verifies and performs elsewhere.
public struct UplinkCommands: Sendable {
    /// The command topic, placeholders filled in.
    public var topic: String
    /// Takes one command's bytes.
    public var received: @Sendable ([UInt8]) -> Void

    /// Creates the channel.
    public init(topic: String, received: @escaping @Sendable ([UInt8]) -> Void) {
        self.topic = topic
        self.received = received
    }
}
