import HAL
import Pipeline

/// Everything the agent needs to run, read from one YAML file and fully validated.
///
/// Values of this type are only produced by ``load(path:)`` and ``parse(yaml:file:baseDirectory:)``
/// (or built by hand in tests): every path in it is absolute or resolved against the config
/// file's directory, every default is filled in, and every range has been checked.
public struct GatewayConfiguration: Sendable, Equatable {
    /// Who this gateway is.
    public var gateway: GatewaySection
    /// Which hardware backend to use.
    public var board: BoardKind
    /// The header profile `pin:` options were resolved against (`board: raspberry-pi-4`, `auto`).
    public var headerProfile: HeaderProfile = .none
    /// The sensors to read, in file order; ids are unique.
    public var sensors: [SensorConfiguration]
    /// Where readings wait until the broker has acknowledged them.
    public var storage: StorageConfiguration
    /// The broker and how to talk to it.
    public var mqtt: MQTTConfiguration
    /// The minimum level of log messages.
    public var logLevel: LogLevel
    /// Things that are allowed but risky; the agent logs each one at start-up.
    public var warnings: [String]
    /// The optional `metrics` section (HTTP on a loopback address).
    public var metrics = MetricsSection()
    /// The optional `commands` section (signed remote commands); nil: off.
    public var commands: CommandsSection?

    /// Creates a configuration.
    public init(gateway: GatewaySection, board: BoardKind, sensors: [SensorConfiguration],
                storage: StorageConfiguration, mqtt: MQTTConfiguration, logLevel: LogLevel = .info,
                warnings: [String] = []) {
        self.gateway = gateway
        self.board = board
        self.sensors = sensors
        self.storage = storage
        self.mqtt = mqtt
        self.logLevel = logLevel
        self.warnings = warnings
    }

    /// The topic readings are published to: `mqtt.topics.readings` with `{prefix}` and
    /// `{gateway}` filled in, by default `<topic_prefix>/<gateway id>/readings` (the id on the
    /// wire: the pseudonym when one is configured).
    public var readingsTopic: String { topic(mqtt.topics.readings) }

    /// The topic status reports (drops, a recovered outbox) go to: `mqtt.topics.status`, by
    /// default `<topic_prefix>/<gateway id>/status`.
    public var statusTopic: String { topic(mqtt.topics.status) }

    /// Where the retained `online`/`offline` status goes (`mqtt.topics.availability`), by
    /// default `<topic_prefix>/<gateway id>/availability`; nil when switched off.
    public var availabilityTopic: String? { mqtt.topics.availability.map(topic) }

    func topic(_ template: String) -> String {
        template.replacing("{prefix}", with: mqtt.topicPrefix).replacing("{gateway}", with: gateway.wireID)
    }

    /// `mqtt.envelope`'s keys, read and checked when the file loads. Its description never shows
    /// the signing key.
    public struct EnvelopeKeys: Sendable, Equatable, CustomStringConvertible {
        /// The backend's X25519 public key, 32 bytes.
        public var recipient: [UInt8]
        /// The device's Ed25519 private key (its seed), 32 bytes.
        public var signingKey: [UInt8]

        /// Keys as read.
        public init(recipient: [UInt8], signingKey: [UInt8]) {
            self.recipient = recipient
            self.signingKey = signingKey
        }

        public var description: String { "EnvelopeKeys(recipient: 32 bytes, signing key: redacted)" }
    }

    /// The `gateway` section.
    public struct GatewaySection: Sendable, Equatable {
        /// The gateway's name in topics and SenML base names: 1-64 of `[A-Za-z0-9_-]`.
        public var id: String
        /// The id the broker sees (topics, client id, SenML base names, Sparkplug node id, Home
        /// Assistant device): ``id``, or the pseudonym `gateway.pseudonym` derives
        /// (docs/PRIVACY.md).
        public var wireID: String
        /// `privacy: { time_resolution }`: every sensor's wire times floored to it, unless the
        /// sensor sets its own.
        public var timeResolution: Duration?

        /// Creates the section.
        public init(id: String, wireID: String? = nil, timeResolution: Duration? = nil) {
            self.id = id
            self.wireID = wireID ?? id
            self.timeResolution = timeResolution
        }
    }

    /// Which buses the agent opens.
    public enum BoardKind: String, Sendable, Equatable, CaseIterable {
        /// Every bus is simulated and every sensor gets a simulated chip: runs on a laptop.
        case simulated
        /// The Linux kernel's i2c-dev, spidev and gpiochip devices.
        case linux
    }

    /// One entry of `sensors`.
    public struct SensorConfiguration: Sendable, Equatable {
        /// The sensor's name in readings: 1-64 of `[A-Za-z0-9_-]`, unique in the file.
        public var id: String
        /// Which kind of sensor it is (the `type` key): a name from the sensor catalog.
        public var kind: String
        /// How the chip is wired.
        public var bus: SensorBus
        /// Time between two readings; 100ms ... 24h, default 10s.
        public var interval: Duration
        /// Whether its readings are kept longest when the outbox must drop: `normal` or `critical`.
        public var priority: Priority
        /// The kind's own settings (e.g. a BME280's oversampling), decoded by the kind.
        public var options: any SensorOptions
        /// The `quantities:` section: per quantity of the kind, a unit to convert to, a
        /// calibration and filters; in file order, each quantity at most once.
        public var quantities: [QuantitySettings]
        /// `simulated: { fixture: PATH }`: on a simulated board, replay this capture
        /// (`sensorgw probe dump`, docs/FIXTURES.md) instead of the kind's model. Resolved path.
        public var simulatedFixture: String?
        /// The `privacy:` section: the whole sensor redacted, its time resolution.
        public var privacy = SensorPrivacy()

        /// Creates a sensor entry.
        public init(id: String, kind: String, bus: SensorBus, interval: Duration = .seconds(10),
                    priority: Priority = .normal, options: any SensorOptions = NoSensorOptions(),
                    quantities: [QuantitySettings] = [], simulatedFixture: String? = nil) {
            self.id = id
            self.kind = kind
            self.bus = bus
            self.interval = interval
            self.priority = priority
            self.options = options
            self.quantities = quantities
            self.simulatedFixture = simulatedFixture
        }

        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.id == rhs.id && lhs.kind == rhs.kind && lhs.bus == rhs.bus && lhs.interval == rhs.interval
                && lhs.priority == rhs.priority && lhs.options.isEqual(to: rhs.options)
                && lhs.quantities == rhs.quantities && lhs.simulatedFixture == rhs.simulatedFixture
                && lhs.privacy == rhs.privacy
        }

        /// How a sensor's readings fare when the outbox is full.
        public enum Priority: String, Sendable, Equatable, CaseIterable {
            /// Dropped first.
            case normal
            /// Dropped only when no normal reading is left.
            case critical
        }

        /// The bus a sensor is on.
        public enum SensorBus: Sendable, Equatable {
            /// I2C bus number `bus` (`/dev/i2c-<bus>`, 0...1023), at a 7-bit address in 0x03...0x77.
            case i2c(bus: Int, address: I2CAddress)
            /// An SPI device node such as `/dev/spidev0.0` (an absolute path), with its clocking:
            /// `speed_hz` 1...50_000_000 (default 1 MHz), `mode` 0...3 (default 0).
            case spi(device: String, configuration: SPIConfiguration)
            /// No bus: a kind that needs none.
            case none

            /// Which kind of bus, or nil for none.
            public var kind: SensorBusKind? {
                switch self {
                case .i2c: .i2c
                case .spi: .spi
                case .none: nil
                }
            }
        }
    }

    /// The `storage` section.
    public struct StorageConfiguration: Sendable, Equatable {
        /// The outbox database file, absolute or resolved against the config file's directory.
        public var path: String
        /// How long measured readings may wait in memory before they are committed together;
        /// 0 (commit every sample) or 100ms ... 5m, default 1s. This is the durability trade-off:
        /// a crash or power cut loses at most this much of the newest readings, and each commit
        /// costs an fsync and at least one page written to the SD card.
        public var flushInterval: Duration
        /// The most space the stored readings may take; 64KB ... 1TB, default 128MB.
        public var maxBytes: Int
        /// Readings older than this are dropped (only those stamped with a synchronized clock);
        /// nil (the default) keeps them until `max_bytes` forces a drop.
        public var maxAge: Duration?
        /// `encryption_key`: a file of 32 random bytes that only its owner can read (or `%d/NAME`,
        /// a systemd credential); with it each reading's sensor, quantity, unit and value are
        /// sealed in the outbox (docs/SECURITY.md). Read when the outbox opens, never kept here.
        public var encryptionKeyFile: String?

        /// Creates the section.
        public init(path: String, flushInterval: Duration = .seconds(1), maxBytes: Int = 128 << 20,
                    maxAge: Duration? = nil, encryptionKeyFile: String? = nil) {
            self.path = path
            self.flushInterval = flushInterval
            self.maxBytes = maxBytes
            self.maxAge = maxAge
            self.encryptionKeyFile = encryptionKeyFile
        }
    }

    /// The `mqtt` section.
    public struct MQTTConfiguration: Sendable, Equatable {
        /// The broker's host name or address.
        public var host: String
        /// The broker's port, 1...65535: default 8883 with TLS, 1883 without.
        public var port: Int
        /// `failover`: brokers tried after `host`:`port`, in order, round robin (at most 8); they
        /// share the TLS settings, client id and topics, and each is verified against its own host.
        public var failover: [Broker] = []
        /// The MQTT client identifier; defaults to the gateway id.
        public var clientID: String
        /// The first topic level(s); default `sensorgw`. No wildcards, no leading or trailing `/`.
        public var topicPrefix: String
        /// `topics`: the topic layout.
        public var topics = Topics()
        /// `envelope`: seal every payload to the backend and sign it (docs/ENVELOPE.md); nil: off.
        public var envelope: EnvelopeKeys?
        /// The MQTT keepalive; whole seconds, 5s ... 1h, default 30s.
        public var keepalive: Duration
        /// At most this many QoS 1 messages await a PUBACK at once; 1 ... 1000, default 20.
        public var inflightWindow: Int
        /// Back-off between reconnect attempts.
        public var reconnect: Reconnect
        /// Transport security.
        public var tls: TLSSetting
        /// `mqtt.tls`'s hardening beside its files (minimum version, pins, CRL, ALPN).
        public var tlsOptions = TLSOptions()
        /// Backlog (readings stored before the connection came up) is sent at most this many
        /// per second, 1 ... 100000, default 500, while new readings go out at once.
        public var replayRate: Int
        /// The payload format readings are published in: a name from `ReadingEncoders`
        /// (`senml-json`, the default, or `senml-cbor`).
        public var encoding: String
        /// Most readings one message carries, 1 ... 1000; nil: the encoding's own default (1 for
        /// `senml-json`, 32 for `senml-cbor`). One PUBACK acknowledges the whole message.
        public var readingsPerMessage: Int?
        /// `sparkplug.group_id`: Sparkplug B's group id; nil: `sensorgw`.
        public var sparkplugGroupID: String?
        /// `sparkplug.edge_node_id`: Sparkplug B's edge node id; nil: the gateway id.
        public var sparkplugEdgeNodeID: String?
        /// `max_packet_size`: the largest MQTT packet to send, 512 B ... 256 MB; a batch that
        /// would be larger is split. nil: only the broker's CONNACK limit applies.
        public var maxPacketSize: Int?
        /// `bytes_per_message`: the payload size a batch aims for, 64 B ... 16 MiB; a batch that
        /// would be larger is cut (one reading larger than it still goes alone). nil: no budget.
        public var bytesPerMessage: Int?
        /// `batch_wait`: how long a new reading may wait for its batch to fill before a partial
        /// batch is sent, 0 ... 10 min (default 0: at once).
        public var batchWait: Duration = .zero
        /// `protocol`, `username`, `password_file` and the MQTT 5 options.
        public var protocolOptions = MQTTProtocolOptions()

        /// Creates the section.
        public init(host: String, port: Int, clientID: String, topicPrefix: String = "sensorgw",
                    keepalive: Duration = .seconds(30), inflightWindow: Int = 20,
                    reconnect: Reconnect = Reconnect(), tls: TLSSetting, replayRate: Int = 500,
                    encoding: String = ReadingEncoders.defaultName, readingsPerMessage: Int? = nil) {
            self.replayRate = replayRate
            self.encoding = encoding
            self.readingsPerMessage = readingsPerMessage
            self.host = host
            self.port = port
            self.clientID = clientID
            self.topicPrefix = topicPrefix
            self.keepalive = keepalive
            self.inflightWindow = inflightWindow
            self.reconnect = reconnect
            self.tls = tls
        }

        /// Every broker in the order they are tried: `host`:`port`, then `failover`.
        public var brokers: [Broker] { [Broker(host: host, port: port)] + failover }

        /// One broker of the list: a host name (checked against its certificate) and a port.
        public typealias Broker = BrokerAddress

        /// Where messages go (`mqtt.topics`): templates with `{prefix}` (`topic_prefix`) and
        /// `{gateway}` (the gateway id on the wire), and Home Assistant's discovery prefix.
        public struct Topics: Sendable, Equatable {
            /// Readings; default `{prefix}/{gateway}/readings`.
            public var readings = "{prefix}/{gateway}/readings"
            /// Status reports; default `{prefix}/{gateway}/status`.
            public var status = "{prefix}/{gateway}/status"
            /// The retained `online`/`offline` status of encodings without a session of their
            /// own (SenML); default `{prefix}/{gateway}/availability`; nil (`false`): none.
            public var availability: String? = "{prefix}/{gateway}/availability"
            /// Where `homeassistant` announces entities; default `homeassistant`, as Home
            /// Assistant's MQTT integration listens by default.
            public var discoveryPrefix = "homeassistant"

            /// The defaults.
            public init() {}
        }

        /// Reconnect back-off: starts at `initial`, doubles up to `max`.
        public struct Reconnect: Sendable, Equatable {
            /// The first wait; 100ms ... 1h, default 1s.
            public var initial: Duration
            /// The longest wait; 100ms ... 1h, default 60s; never less than `initial`.
            public var max: Duration

            /// Creates a back-off setting.
            public init(initial: Duration = .seconds(1), max: Duration = .seconds(60)) {
                self.initial = initial
                self.max = max
            }
        }

        /// Whether and how the connection is encrypted.
        public enum TLSSetting: Sendable, Equatable {
            /// Plaintext, because the file said `tls: false`.
            case disabled
            /// TLS with server verification against `ca` and a client certificate.
            /// File paths are absolute. The server certificate must name `host`: libmosquitto
            /// checks the host it connects to and offers no separate server name.
            case mutual(ca: String, certificate: String, key: String)
            /// TLS with server verification against `ca` and no client certificate: the gateway
            /// logs in with `username` and `password_file` instead (EMQX, HiveMQ Cloud). Only
            /// allowed with a password, so a gateway always proves who it is.
            case serverOnly(ca: String)
        }
    }

    /// Log levels, the same names as swift-log's `Logger.Level`.
    public enum LogLevel: String, Sendable, Equatable, CaseIterable {
        /// Everything, including per-transfer detail.
        case trace
        /// Debugging detail.
        case debug
        /// Normal operation (the default).
        case info
        /// Normal but significant.
        case notice
        /// Something is wrong but the agent copes.
        case warning
        /// An operation failed.
        case error
        /// The agent cannot continue.
        case critical
    }
}
