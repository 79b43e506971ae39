/// One MQTT broker to dial: a host name or address (the server certificate is verified against
/// it) and a port. The configuration's `mqtt.host` / `mqtt.failover` entries and the uplink's
/// settings share this one type.
public struct BrokerAddress: Sendable, Hashable, CustomStringConvertible {
    /// Host name or address.
    public var host: String
    /// Port, 1...65535.
    public var port: Int

    /// Creates a broker address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, as logs and status name it.
    public var description: String { "\(host):\(port)" }
}
