import Pipeline

/// How to reach the broker; built by the agent from the configuration.
public struct MQTTSettings: Sendable, Hashable {
    /// TLS, or plaintext when the configuration said so in words.
    public enum Security: Sendable, Hashable {
        /// Plaintext TCP; the agent logs a warning.
        case plaintext
        /// TLS 1.2 or later; the server's certificate is verified against `caFile` and its
        /// hostname against ``MQTTSettings/host``; this client authenticates with its own
        /// certificate and key.
        case mutualTLS(caFile: String, certificateFile: String, keyFile: String)
        /// TLS 1.2 or later with the server verified as for ``mutualTLS(caFile:certificateFile:keyFile:)``
        /// and no client certificate: the login (``ProtocolOptions/username``, a password) identifies this client.
        case serverTLS(caFile: String)
    }

    /// Broker host name (checked against the server certificate). In the settings a transport
    /// is made with, the broker that connection dials (``dialling(_:)``).
    public var host: String
    /// Broker port.
    public var port: Int
    /// Brokers tried after `host`:`port`, in order, round robin (`mqtt.failover`); everything
    /// else here is shared by all of them.
    public var failover: [Broker] = []
    /// Which of ``brokers`` these settings dial: 0 for `host`:`port`, set by ``dialling(_:)``.
    public var brokerIndex = 0

    /// One broker of the failover list; the server certificate is verified against its host.
    public typealias Broker = BrokerAddress

    /// Every broker in the order tried: `host`:`port`, then ``failover``.
    public var brokers: [Broker] { [Broker(host: host, port: port)] + failover }

    /// The settings for one connection to `brokers[index]` (wrapping around): its host and port,
    /// so TLS verifies the certificate against the broker actually dialled, and `brokerIndex`
    /// naming it. The copy's own ``brokers`` is that one broker.
    public func dialling(_ index: Int) -> MQTTSettings {
        let list = brokers
        let position = ((index % list.count) + list.count) % list.count
        var copy = self
        copy.host = list[position].host
        copy.port = list[position].port
        copy.failover = []
        copy.brokerIndex = position
        return copy
    }
    /// MQTT client id.
    public var clientID: String
    /// Topic every reading is published to. The ``Uplink`` publishes to the topic its
    /// `ReadingEncoder` names (built from the same configuration value); this one is kept for
    /// callers that describe the link.
    public var topic: String
    /// Topic for the gateway's status reports (drops, a recovered outbox).
    public var statusTopic: String
    /// Backlog replay pace, readings per second (live readings are not paced).
    public var replayRate: Int
    /// Keepalive; a link that goes silent for 1.5 times this is declared dead.
    public var keepaliveSeconds: Int
    /// Most messages published and not yet acknowledged at once (MQTT packet ids are 16-bit);
    /// a message carries up to the encoder's `maxReadingsPerMessage` readings.
    public var inflightWindow: Int
    /// First reconnect delay.
    public var reconnectInitial: Duration
    /// Longest reconnect delay.
    public var reconnectMax: Duration
    /// TLS or plaintext.
    public var security: Security
    /// The will the broker publishes when this connection dies without a DISCONNECT (Sparkplug
    /// B's NDEATH); set per connection by the uplink from its encoding's `ConnectionHooks`.
    public var will: SessionMessage?
    /// Where the retained `online`/`offline` status goes for encodings without a session of
    /// their own (`mqtt.topics.availability`); nil: none.
    public var availabilityTopic: String?
    /// TLS hardening beside the files (used only with ``Security/mutualTLS(caFile:certificateFile:keyFile:)``).
    public var tlsOptions = TLSOptions()
    /// The largest MQTT packet to send (`mqtt.max_packet_size`); nil: only the broker's
    /// CONNACK limit applies. A batch that would be larger is split.
    public var maximumPacketSize: Int?
    /// Most payload bytes a batch aims for (`mqtt.bytes_per_message`): a batch that would be
    /// larger is cut before the reading that crosses it. A single reading larger than this still
    /// goes alone (only ``maximumPacketSize`` and the broker's limit refuse). nil: no budget.
    public var bytesPerMessage: Int?
    /// How long a new reading may wait for its batch to fill (`mqtt.batch_wait`) before a
    /// partial batch is sent; zero sends what is there at once. Backlog never waits.
    public var batchWait: Duration = .zero
    /// The protocol version, the login and the MQTT 5 properties.
    public var protocolOptions = ProtocolOptions()

    /// What the uplink's TLS context enforces beyond the chain and host name (docs/SECURITY.md).
    public struct TLSOptions: Sendable, Hashable {
        /// Refuse TLS 1.2 and negotiate 1.3 only; otherwise 1.2 is the floor.
        public var requireTLS13 = false
        /// SHA-256 digests of the server's SubjectPublicKeyInfo, 32 bytes each, at most 8;
        /// empty: no pinning.
        public var pinnedKeys: [[UInt8]] = []
        /// A PEM CRL file checked against the server's certificate.
        public var crlFile: String?
        /// ALPN protocol names offered, in order.
        public var alpn: [String] = []

        /// The defaults: TLS 1.2 or later, no pins, no CRL, no ALPN.
        public init(requireTLS13: Bool = false, pinnedKeys: [[UInt8]] = [], crlFile: String? = nil, alpn: [String] = []) {
            self.requireTLS13 = requireTLS13
            self.pinnedKeys = pinnedKeys
            self.crlFile = crlFile
            self.alpn = alpn
        }
    }

    /// Creates settings.
    public init(host: String, port: Int, clientID: String, topic: String, statusTopic: String,
                keepaliveSeconds: Int = 30, inflightWindow: Int = 20, replayRate: Int = 500,
                reconnectInitial: Duration = .seconds(1), reconnectMax: Duration = .seconds(60),
                security: Security) {
        self.statusTopic = statusTopic
        self.replayRate = replayRate
        self.host = host
        self.port = port
        self.clientID = clientID
        self.topic = topic
        self.keepaliveSeconds = keepaliveSeconds
        self.inflightWindow = inflightWindow
        self.reconnectInitial = reconnectInitial
        self.reconnectMax = reconnectMax
        self.security = security
    }
}
