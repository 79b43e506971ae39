import HAL
import Pipeline
import YAML

/// The schema: one method per section, each walking its mapping in file order.
struct SchemaReader {
    typealias Config = GatewayConfiguration

    var reader: NodeReader
    /// What relative paths in the file are resolved against.
    let baseDirectory: String
    /// The sensor kinds `type` may name.
    let kinds: SensorKindCatalog
    /// What certificate dates are judged against.
    let clock: CertificateClock
    /// Whether `board: auto` reads the device tree now (the agent's start) or later (`config check`).
    var boardDetection: GatewayConfiguration.BoardDetection = .deferred
    /// What `%d/` in a path stands for (systemd's credentials directory); nil: none.
    var credentialsDirectory: String? = nil

    func fail(_ key: String?, at mark: Mark?, _ message: String) -> ConfigurationError {
        reader.error(key, at: mark, message)
    }

    // Ranges the agent can honour; the file cannot widen them.
    static let sensorInterval = Duration.milliseconds(100)...Duration.seconds(24 * 3600)
    static let flushInterval = Duration.milliseconds(100)...Duration.seconds(5 * 60)
    static let maxAge = Duration.seconds(60)...Duration.seconds(3650 * 86_400)
    static let keepalive = Duration.seconds(5)...Duration.seconds(3600)
    static let reconnectDelay = Duration.milliseconds(100)...Duration.seconds(3600)
    static let spiSpeed = 1...50_000_000
    static let bytesPerMessage = 64...16_777_216
    static let batchWait = Duration.zero...Duration.seconds(600)

    func configuration(_ root: Node) throws(ConfigurationError) -> Config {
        if reader.headerPins == nil {
            var withBoard = self  // sensors' `pin:` options resolve against the board's header
            withBoard.reader.headerPins = prescannedHeaderPins(root) ?? HeaderPinContext.none
            return try withBoard.configuration(root)
        }
        var gateway: Config.GatewaySection?
        var board: BoardSetting?
        var sensors: [Config.SensorConfiguration]?
        var storage: Config.StorageConfiguration?
        var mqtt: PartialMQTT?
        var logLevel = Config.LogLevel.info
        var metrics = Config.MetricsSection()
        var commands: PartialCommands?
        try reader.forEachEntry(
            of: root, path: "", allowed: ["gateway", "board", "sensors", "storage", "mqtt", "log", "metrics", "commands"]
        ) { (key, value, keyMark, path) throws(ConfigurationError) in
            switch key {
            case "gateway": gateway = try self.gateway(value, path: path, anchor: keyMark)
            case "board": board = try self.board(value, path: path)
            case "sensors": sensors = try self.sensors(value, path: path)
            case "storage": storage = try self.storage(value, path: path, anchor: keyMark)
            case "mqtt": mqtt = try self.mqtt(value, path: path, anchor: keyMark)
            case "metrics": metrics = try self.metrics(value, path: path)
            case "commands": commands = try self.commands(value, path: path, anchor: keyMark)
            default: logLevel = try self.log(value, path: path)
            }
        }
        guard let gateway else { throw reader.missing("gateway", in: root.mark) }
        guard let board else { throw reader.missing("board", in: root.mark) }
        guard let sensors else { throw reader.missing("sensors", in: root.mark) }
        guard let storage else { throw reader.missing("storage", in: root.mark) }
        guard let mqtt else { throw reader.missing("mqtt", in: root.mark) }

        let settingsWithoutFormats = Config.MQTTConfiguration(
            host: mqtt.host, port: mqtt.port, clientID: mqtt.clientID ?? gateway.wireID,
            topicPrefix: mqtt.topicPrefix, keepalive: mqtt.keepalive, inflightWindow: mqtt.inflightWindow,
            reconnect: mqtt.reconnect, tls: mqtt.tls, replayRate: mqtt.replayRate, encoding: mqtt.encoding,
            readingsPerMessage: mqtt.readingsPerMessage)
        var settings = settingsWithoutFormats
        settings.failover = mqtt.failover
        settings.tlsOptions = mqtt.tlsOptions
        settings.topics = mqtt.topics
        settings.envelope = mqtt.envelope
        settings.sparkplugGroupID = mqtt.sparkplug.groupID
        settings.sparkplugEdgeNodeID = mqtt.sparkplug.edgeNodeID
        settings.maxPacketSize = mqtt.maxPacketSize
        settings.bytesPerMessage = mqtt.bytesPerMessage
        settings.batchWait = mqtt.batchWait
        settings.protocolOptions = mqtt.protocolOptions
        var warnings = mqtt.warnings
        if settings.tls == .disabled { warnings.append(Config.plaintextWarning) }
        var configuration = Config(gateway: gateway, board: board.kind, sensors: sensors, storage: storage, mqtt: settings,
                                   logLevel: logLevel, warnings: warnings)
        configuration.headerProfile = board.headerProfile
        configuration.metrics = metrics
        if let commands {
            try checkCommandOutputs(commands, sensors: sensors)
            configuration.commands = commands.section
        }
        return configuration
    }

    // MARK: gateway, board, log

    private func gateway(_ node: Node, path: String, anchor: Mark?) throws(ConfigurationError) -> Config.GatewaySection {
        var id: String?
        var pseudonym: String?
        var timeResolution: Duration?
        try reader.forEachEntry(of: node, path: path, allowed: ["id", "pseudonym", "privacy"]) {
            (key, value, keyMark, path) throws(ConfigurationError) in
            switch key {
            case "id": id = try identifier(value, path: path)
            case "pseudonym": pseudonym = try self.pseudonym(value, path: path, anchor: keyMark)
            default: timeResolution = try gatewayPrivacy(value, path: path)
            }
        }
        guard let id else { throw reader.missing("\(path).id", in: anchor) }
        return Config.GatewaySection(id: id, wireID: pseudonym, timeResolution: timeResolution)
    }

    /// 1-64 of `[A-Za-z0-9_-]`: safe in an MQTT topic level, a SenML name and a file name.
    private func identifier(_ node: Node, path: String) throws(ConfigurationError) -> String {
        let text = try reader.string(node, path: path)
        let allowed = text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
        guard (1...64).contains(text.unicodeScalars.count), allowed else {
            throw fail(path, at: node.mark, "'\(NodeReader.excerpt(text))' is not a valid id: use 1 to 64 letters, digits, '_' or '-'")
        }
        return text
    }

    private func log(_ node: Node, path: String) throws(ConfigurationError) -> Config.LogLevel {
        var level = Config.LogLevel.info
        try reader.forEachEntry(of: node, path: path, allowed: ["level"]) { (_, value, _, path) throws(ConfigurationError) in
            let text = try reader.string(value, path: path)
            guard let parsed = Config.LogLevel(rawValue: text) else {
                let names = Config.LogLevel.allCases.map(\.rawValue).joined(separator: ", ")
                throw fail(path, at: value.mark, "unknown log level '\(NodeReader.excerpt(text))'; expected one of: \(names)")
            }
            level = parsed
        }
        return level
    }

    // MARK: sensors

    private func sensors(_ node: Node, path: String) throws(ConfigurationError) -> [Config.SensorConfiguration] {
        let items = try reader.items(node, path: path)
        guard !items.isEmpty else { throw fail(path, at: node.mark, "at least one sensor is required") }
        var sensors: [Config.SensorConfiguration] = []
        sensors.reserveCapacity(items.count)
        // Each id's index, so the duplicate check is one lookup per sensor, not a scan of the
        // earlier ones (16,000 sensors made that a quadratic 5 s).
        var indexByID: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let sensor = try sensor(item, path: "\(path)[\(index)]", indexByID: indexByID)
            indexByID[sensor.id] = index
            sensors.append(sensor)
        }
        return sensors
    }

    /// The keys every sensor entry has, whatever its kind.
    static let commonSensorKeys = ["id", "type", "i2c", "spi", "interval", "priority", "quantities", "simulated", "privacy"]

    private func sensor(_ node: Node, path: String, indexByID: [String: Int])
        throws(ConfigurationError) -> Config.SensorConfiguration {
        // The kind decides which other keys are allowed, so find `type` before walking the
        // entries in file order (an entry without a usable `type` allows only the common keys).
        let kind = try sensorKind(node, path: path)
        let allowed = Self.commonSensorKeys + (kind?.optionKeys ?? [])
        var id: String?
        var bus: Config.SensorConfiguration.SensorBus?
        var interval = Duration.seconds(10)
        var priority = Config.SensorConfiguration.Priority.normal
        var optionEntries: [ConfigValue] = []
        var fixture: String?
        // Read after the options: a kind's quantities may depend on them (an ADC's channels, a
        // register sensor's fields).
        var quantitiesEntry: (node: Node, path: String)?
        var privacyEntry: (node: Node, path: String)?
        try reader.forEachEntry(of: node, path: path, allowed: allowed, unknownKeyNote: kind.map { "for type \($0.name)" }) {
            (key, value, keyMark, keyPath) throws(ConfigurationError) in
            switch key {
            case "id":
                let text = try identifier(value, path: keyPath)
                if let index = indexByID[text] {
                    throw fail(keyPath, at: value.mark, "duplicate sensor id '\(text)' (also sensors[\(index)])")
                }
                id = text
            case "type":
                break  // read above
            case "i2c", "spi":
                guard bus == nil else {
                    throw fail(keyPath, at: keyMark, "a sensor is on exactly one bus: give i2c or spi, not both")
                }
                if let kind, let busKind = SensorBusKind(rawValue: key), !kind.buses.contains(busKind) {
                    throw fail(keyPath, at: keyMark, Self.busMismatch(kind))
                }
                bus = key == "i2c" ? try i2c(value, path: keyPath, anchor: keyMark)
                    : try spi(value, path: keyPath, anchor: keyMark)
            case "interval":
                interval = try reader.duration(value, path: keyPath, in: Self.sensorInterval)
            case "priority":
                let text = try reader.string(value, path: keyPath)
                guard let parsed = Config.SensorConfiguration.Priority(rawValue: text) else {
                    throw fail(keyPath, at: value.mark, "unknown priority '\(NodeReader.excerpt(text))'; use normal or critical")
                }
                priority = parsed
            case "quantities":
                // Without a type there are no quantities to check them against; the missing
                // type is reported after the entries.
                guard kind != nil else { break }
                quantitiesEntry = (value, keyPath)
            case "privacy":
                guard kind != nil else { break }  // as quantities: read after the options
                privacyEntry = (value, keyPath)
            case "simulated":
                // Only `board: simulated` reads it; a capture replayed instead of the kind's model.
                try reader.forEachEntry(of: value, path: keyPath, allowed: ["fixture"]) {
                    (_, file, _, filePath) throws(ConfigurationError) in
                    fixture = try readableFile(file, path: filePath, what: "a register fixture, see docs/FIXTURES.md")
                }
            default:
                optionEntries.append(ConfigValue(key: key, node: value, keyMark: keyMark, path: keyPath, reader: reader))
            }
        }
        guard let id else { throw reader.missing("\(path).id", in: node.mark) }
        guard let kind else { throw reader.missing("\(path).type", in: node.mark) }
        for key in kind.requiredOptionKeys where !optionEntries.contains(where: { $0.key == key }) {
            throw reader.missing("\(path).\(key)", in: node.mark)
        }
        for keys in kind.requiredOptionChoices where !optionEntries.contains(where: { keys.contains($0.key) }) {
            throw fail(path, at: node.mark, "missing \(keys.joined(separator: " or ")): \(kind.name) needs one of them")
        }
        let options = optionEntries.isEmpty ? kind.defaultOptions : try kind.decodeOptions(optionEntries)
        var quantities: [QuantitySettings] = []
        if let quantitiesEntry {
            quantities = try self.quantities(quantitiesEntry.node, path: quantitiesEntry.path, kind: kind, options: options)
        }
        var privacy = Config.SensorPrivacy()
        if let privacyEntry {
            let (sensorPrivacy, redacted) = try self.sensorPrivacy(privacyEntry.node, path: privacyEntry.path, kind: kind, options: options)
            privacy = sensorPrivacy
            QuantitySettings.redact(redacted, in: &quantities)
        }
        let resolvedBus: Config.SensorConfiguration.SensorBus
        if let bus {
            resolvedBus = bus
        } else if kind.buses.isEmpty {
            resolvedBus = .none
        } else {
            let names = kind.buses.map(\.rawValue).joined(separator: " or ")
            throw fail(path, at: node.mark, "missing bus: add \(names)")
        }
        try checkDeclaredUnits(of: kind, options: options, at: node.mark, path: path)
        var sensor = Config.SensorConfiguration(id: id, kind: kind.name, bus: resolvedBus, interval: interval,
                                                priority: priority, options: options, quantities: quantities,
                                                simulatedFixture: fixture)
        sensor.privacy = privacy
        return sensor
    }

    /// The kind named by the entry's `type`, or nil when it has none (reported after the entries).
    private func sensorKind(_ node: Node, path: String) throws(ConfigurationError) -> (any SensorKindSchema)? {
        guard case .mapping(let mapping) = node else { return nil }
        for pair in mapping {
            let (keyNode, value) = (pair.key, pair.value)
            guard case .scalar(let keyScalar) = keyNode, keyScalar.string == "type" else { continue }
            let keyPath = "\(path).type"
            let text = try reader.string(value, path: keyPath)
            guard let kind = kinds.kind(named: text) else {
                throw fail(keyPath, at: value.mark,
                           "unknown sensor type '\(NodeReader.excerpt(text))'; supported: \(kinds.names.joined(separator: ", "))")
            }
            return kind
        }
        return nil
    }

    private static func busMismatch(_ kind: any SensorKindSchema) -> String {
        if kind.buses.isEmpty { return "a \(kind.name) sensor is on no bus; remove this key" }
        return "a \(kind.name) is wired over \(kind.buses.map(\.rawValue).joined(separator: " or ")) only"
    }

    private func i2c(_ node: Node, path: String, anchor: Mark?) throws(ConfigurationError) -> Config.SensorConfiguration.SensorBus {
        var bus: Int?
        var address: I2CAddress?
        try reader.forEachEntry(of: node, path: path, allowed: ["bus", "address"]) { (key, value, _, keyPath) throws(ConfigurationError) in
            if key == "bus" {
                bus = try reader.integer(value, path: keyPath, in: 0...1023)
            } else {
                let scannable = Int(I2CAddress.scannable.lowerBound)...Int(I2CAddress.scannable.upperBound)
                let raw = try reader.integer(value, path: keyPath, in: scannable) {
                    I2CAddress($0)?.description ?? "0x\(String($0, radix: 16))"
                }
                address = I2CAddress(raw)
            }
        }
        guard let bus else { throw reader.missing("\(path).bus", in: anchor) }
        guard let address else { throw reader.missing("\(path).address", in: anchor) }
        return .i2c(bus: bus, address: address)
    }

    private func spi(_ node: Node, path: String, anchor: Mark?) throws(ConfigurationError) -> Config.SensorConfiguration.SensorBus {
        var device: String?
        var configuration = SPIConfiguration()
        try reader.forEachEntry(of: node, path: path, allowed: ["device", "speed_hz", "mode"]) { (key, value, _, keyPath) throws(ConfigurationError) in
            switch key {
            case "device":
                let text = try reader.nonEmptyString(value, path: keyPath)
                guard text.hasPrefix("/") else {
                    throw fail(keyPath, at: value.mark, "expected an absolute device path like /dev/spidev0.0")
                }
                device = text
            case "speed_hz":
                configuration.speedHz = UInt32(try reader.integer(value, path: keyPath, in: Self.spiSpeed))
            default:
                let raw = try reader.integer(value, path: keyPath, in: 0...3)
                configuration.mode = SPIMode(rawValue: UInt8(raw)) ?? .mode0
            }
        }
        guard let device else { throw reader.missing("\(path).device", in: anchor) }
        return .spi(device: device, configuration: configuration)
    }

    // MARK: storage

    private func storage(_ node: Node, path: String, anchor: Mark?) throws(ConfigurationError) -> Config.StorageConfiguration {
        var file: String?
        var flush = Duration.seconds(1)
        var maxBytes = 128 << 20
        var maxAge: Duration?
        var encryptionKeyFile: String?
        try reader.forEachEntry(
            of: node, path: path, allowed: ["path", "flush_interval", "max_bytes", "max_age", "encryption_key"]
        ) { (key, value, _, keyPath) throws(ConfigurationError) in
            switch key {
            case "path":
                file = try storagePath(value, path: keyPath)
            case "flush_interval":
                flush = try flushInterval(value, path: keyPath)
            case "max_bytes":
                maxBytes = try reader.byteSize(value, path: keyPath, in: (64 << 10)...(1 << 40))
            case "encryption_key":
                encryptionKeyFile = try outboxKeyFile(value, path: keyPath)
            default:
                maxAge = try reader.duration(value, path: keyPath, in: Self.maxAge)
            }
        }
        guard let file else { throw reader.missing("\(path).path", in: anchor) }
        return Config.StorageConfiguration(path: file, flushInterval: flush, maxBytes: maxBytes, maxAge: maxAge,
                                           encryptionKeyFile: encryptionKeyFile)
    }

    /// The outbox key's file: exactly 32 bytes, only its owner can read it. Checked here so a
    /// wrong file is a configuration error with its line; the agent reads it again at start.
    private func outboxKeyFile(_ node: Node, path: String) throws(ConfigurationError) -> String {
        let howTo = "head -c 32 /dev/urandom > FILE; chmod 600 FILE"
        let file = try secretFile(node, path: path, what: "the outbox key: \(howTo)")
        switch FileReading.contents(of: file, limit: 4096) {
        case .bytes(let bytes) where bytes.count == 32:
            return file
        case .bytes(let bytes):
            throw fail(path, at: node.mark, "\(file) holds \(bytes.count) bytes; an outbox key is exactly 32 (\(howTo))")
        case .tooLarge:
            throw fail(path, at: node.mark, "\(file) is larger than 4096 bytes: not an outbox key (\(howTo))")
        case .failed(let code):
            throw fail(path, at: node.mark, "cannot read \(file): \(FileReading.describe(errno: code))")
        }
    }

    /// 0 commits every sample, however it is written (`0`, `0s`, `0ms`); anything else must be
    /// within ``flushInterval``.
    private func flushInterval(_ node: Node, path: String) throws(ConfigurationError) -> Duration {
        if case .scalar(let scalar) = node, scalar.string == "0" || NodeReader.parseDuration(scalar.string) == .zero {
            return .zero
        }
        return try reader.duration(node, path: path, in: Self.flushInterval)
    }

    /// The outbox file: its directory must exist, or at least that directory's parent so the
    /// agent can create it.
    private func storagePath(_ node: Node, path: String) throws(ConfigurationError) -> String {
        let file = try filePath(node, path: path)
        if FileChecks.status(file) == .directory {
            throw fail(path, at: node.mark, "\(file) is a directory; name the database file inside it")
        }
        let directory = FileChecks.directory(of: file)
        switch FileChecks.status(directory) {
        case .directory:
            return file
        case .missing:
            let parent = FileChecks.directory(of: directory)
            guard FileChecks.status(parent) == .directory else {
                throw fail(path, at: node.mark, "directory \(directory) does not exist, nor does its parent \(parent)")
            }
            return file
        case .regularFile, .other:
            throw fail(path, at: node.mark, "\(directory) is not a directory")
        }
    }

    // MARK: mqtt

    /// The mqtt section before defaults that depend on other sections are filled in.
    struct PartialMQTT {
        var host: String
        var port: Int
        var failover: [Config.MQTTConfiguration.Broker]
        var clientID: String?
        var topicPrefix: String
        var topics: Config.MQTTConfiguration.Topics
        var envelope: Config.EnvelopeKeys?
        var keepalive: Duration
        var inflightWindow: Int
        var reconnect: Config.MQTTConfiguration.Reconnect
        var tls: Config.MQTTConfiguration.TLSSetting
        var tlsOptions: Config.TLSOptions
        var replayRate: Int
        var encoding: String
        var readingsPerMessage: Int?
        var sparkplug: SparkplugSection
        var maxPacketSize: Int?
        var bytesPerMessage: Int?
        var batchWait: Duration
        var protocolOptions: Config.MQTTProtocolOptions
        /// What the TLS files earned (a certificate near its end).
        var warnings: [String]
    }

    private func mqtt(_ node: Node, path: String, anchor: Mark?) throws(ConfigurationError) -> PartialMQTT {
        var host: String?
        var port: Int?
        var clientID: String?
        var topicPrefix = "sensorgw"
        var topics = Config.MQTTConfiguration.Topics()
        var envelope: Config.EnvelopeKeys?
        var envelopeMark: Mark?
        var keepalive = Duration.seconds(30)
        var inflightWindow = 20
        var reconnect = Config.MQTTConfiguration.Reconnect()
        var tls: Config.MQTTConfiguration.TLSSetting?
        var tlsOptions = Config.TLSOptions()
        var tlsWarnings: [String] = []
        var replayRate = 500
        var encoding = ReadingEncoders.defaultName
        var readingsPerMessage: Int?
        var sparkplug = SparkplugSection()
        var maxPacketSize: Int?
        var bytesPerMessage: Int?
        var batchWait = Duration.zero
        var protocolReading = MQTTProtocolReading()
        var tlsMark: Mark?
        var failover: [FailoverEntry] = []
        try reader.forEachEntry(
            of: node, path: path,
            allowed: ["host", "port", "failover", "client_id", "topic_prefix", "keepalive", "inflight_window", "reconnect", "tls",
                      "replay_rate", "encoding", "readings_per_message", "sparkplug", "max_packet_size",
                      "bytes_per_message", "batch_wait", "topics", "envelope"] + Config.MQTTProtocolOptions.keys
        ) { (key, value, keyMark, keyPath) throws(ConfigurationError) in
            switch key {
            case "host":
                host = try brokerHost(value, path: keyPath)
            case "failover":
                failover = try self.failover(value, path: keyPath)
            case "port":
                port = try reader.integer(value, path: keyPath, in: 1...65535)
            case "client_id":
                let text = try reader.nonEmptyString(value, path: keyPath)
                guard text.utf8.count <= 256 else {
                    throw fail(keyPath, at: value.mark, "a client id longer than 256 bytes is refused by most brokers")
                }
                clientID = text
            case "topic_prefix":
                topicPrefix = try self.topicPrefix(value, path: keyPath)
            case "topics":
                topics = try self.topics(value, path: keyPath)
            case "envelope":
                envelope = try self.envelope(value, path: keyPath, anchor: keyMark)
                envelopeMark = keyMark
            case "keepalive":
                keepalive = try reader.duration(value, path: keyPath, in: Self.keepalive)
                guard keepalive.components.attoseconds == 0 else {
                    throw fail(keyPath, at: value.mark, "MQTT counts keepalive in whole seconds")
                }
            case "inflight_window":
                inflightWindow = try reader.integer(value, path: keyPath, in: 1...1000)
            case "reconnect":
                reconnect = try self.reconnect(value, path: keyPath)
            case "replay_rate":
                replayRate = try reader.integer(value, path: keyPath, in: 1...100_000)
            case "encoding":
                let text = try reader.string(value, path: keyPath)
                guard ReadingEncoders.named(text) != nil else {
                    throw fail(keyPath, at: value.mark,
                               "unknown encoding '\(NodeReader.excerpt(text))'; expected one of: \(ReadingEncoders.names.joined(separator: ", "))")
                }
                encoding = text
            case "readings_per_message":
                readingsPerMessage = try reader.integer(value, path: keyPath, in: 1...1000)
            case "sparkplug":
                sparkplug = try self.sparkplug(value, path: keyPath)
            case "max_packet_size":
                maxPacketSize = try self.maxPacketSize(value, path: keyPath)
            case "bytes_per_message":
                bytesPerMessage = try reader.integer(value, path: keyPath, in: Self.bytesPerMessage)
            case "batch_wait":
                batchWait = try reader.duration(value, path: keyPath, in: Self.batchWait)
            case _ where Config.MQTTProtocolOptions.keys.contains(key):
                try mqttProtocolOption(key, value, path: keyPath, into: &protocolReading)
            default:
                (tls, tlsOptions, tlsWarnings) = try self.tls(value, path: keyPath, anchor: keyMark)
                tlsMark = keyMark
            }
        }
        guard let host else { throw reader.missing("\(path).host", in: anchor) }
        guard let tls else { throw reader.missing("\(path).tls", in: anchor) }
        let protocolOptions = try finishMQTTProtocol(protocolReading, path: path)
        // Without a client certificate, the password is the gateway's identity.
        if case .serverOnly = tls, protocolOptions.passwordFile == nil {
            throw reader.missing("\(path).tls.certificate", in: tlsMark)
        }
        if envelope != nil, let envelopeMark, !Self.sealableEncodings.contains(encoding) {
            throw fail("\(path).envelope", at: envelopeMark,
                       "encoding \(encoding) cannot be sealed: a Sparkplug B host or Home Assistant must read its payloads; "
                           + "use the envelope with \(Self.sealableEncodings.joined(separator: " or "))")
        }
        let defaultPort = tls == .disabled ? 1883 : 8883
        let primary = Config.MQTTConfiguration.Broker(host: host, port: port ?? defaultPort)
        let failoverBrokers = try failoverBrokers(failover, primary: primary, defaultPort: defaultPort, mqttPath: path)
        return PartialMQTT(
            host: primary.host, port: primary.port, failover: failoverBrokers, clientID: clientID,
            topicPrefix: topicPrefix, topics: topics, envelope: envelope, keepalive: keepalive, inflightWindow: inflightWindow,
            reconnect: reconnect, tls: tls, tlsOptions: tlsOptions, replayRate: replayRate, encoding: encoding,
            readingsPerMessage: readingsPerMessage, sparkplug: sparkplug, maxPacketSize: maxPacketSize,
            bytesPerMessage: bytesPerMessage, batchWait: batchWait, protocolOptions: protocolOptions, warnings: tlsWarnings)
    }

    /// `topics: {readings, status, discovery_prefix}`: templates checked as topics (with the
    /// placeholders filled by stand-ins), placeholders other than `{prefix}` and `{gateway}`
    /// refused, and readings and status apart.
    private func topics(_ node: Node, path: String) throws(ConfigurationError) -> Config.MQTTConfiguration.Topics {
        var topics = Config.MQTTConfiguration.Topics()
        var statusMark: Mark?
        var availabilityMark: Mark?
        try reader.forEachEntry(of: node, path: path, allowed: ["readings", "status", "availability", "discovery_prefix"]) {
            (key, value, _, keyPath) throws(ConfigurationError) in
            if key == "availability", case .scalar(let scalar) = value, scalar.string == "false" {
                topics.availability = nil
                return
            }
            let text = try topicPrefix(value, path: keyPath)
            switch key {
            case "readings", "status", "availability":
                var rest = text.replacing("{prefix}", with: "").replacing("{gateway}", with: "")
                if let open = rest.firstIndex(of: "{") {
                    rest = String(rest[open...].prefix { $0 != "}" }) + "}"
                    throw fail(keyPath, at: value.mark, "unknown placeholder '\(NodeReader.excerpt(rest))': use {prefix} and {gateway}")
                }
                switch key {
                case "readings": topics.readings = text
                case "status": (topics.status, statusMark) = (text, value.mark)
                default: (topics.availability, availabilityMark) = (text, value.mark)
                }
            default:
                guard !text.contains("{") else {
                    throw fail(keyPath, at: value.mark, "the discovery prefix takes no placeholders")
                }
                topics.discoveryPrefix = text
            }
        }
        if topics.readings == topics.status {
            throw fail("\(path).status", at: statusMark ?? node.mark, "status reports need a topic of their own, not the readings topic")
        }
        if let availability = topics.availability, availability == topics.readings || availability == topics.status {
            throw fail("\(path).availability", at: availabilityMark ?? node.mark,
                       "the online/offline status needs a topic of its own, not the \(availability == topics.readings ? "readings" : "status") topic")
        }
        return topics
    }

    func topicPrefix(_ node: Node, path: String) throws(ConfigurationError) -> String {
        let text = try reader.nonEmptyString(node, path: path)
        if text.contains("+") || text.contains("#") {
            throw fail(path, at: node.mark, "'\(NodeReader.excerpt(text))' contains an MQTT wildcard (+ or #); a topic to publish to cannot")
        }
        if text.hasPrefix("/") || text.hasSuffix("/") {
            throw fail(path, at: node.mark, "'\(NodeReader.excerpt(text))' must not start or end with '/'")
        }
        if text.hasPrefix("$") {
            throw fail(path, at: node.mark, "'\(NodeReader.excerpt(text))' starts with '$', which brokers reserve for themselves")
        }
        if text.contains("\u{0}") {
            throw fail(path, at: node.mark, "a topic cannot contain a NUL character")
        }
        return text
    }

    private func reconnect(_ node: Node, path: String) throws(ConfigurationError) -> Config.MQTTConfiguration.Reconnect {
        var result = Config.MQTTConfiguration.Reconnect()
        var maxMark: Mark?
        var initialMark: Mark?
        try reader.forEachEntry(of: node, path: path, allowed: ["initial", "max"]) { (key, value, _, keyPath) throws(ConfigurationError) in
            let delay = try reader.duration(value, path: keyPath, in: Self.reconnectDelay)
            if key == "initial" {
                result.initial = delay
                initialMark = value.mark
            } else {
                result.max = delay
                maxMark = value.mark
            }
        }
        if result.initial > result.max {
            let message = "initial (\(NodeReader.format(result.initial))) must not be greater than max (\(NodeReader.format(result.max)))"
            if let maxMark { throw fail("\(path).max", at: maxMark, message) }
            throw fail("\(path).initial", at: initialMark, message)
        }
        return result
    }

    /// The `tls` setting and the warnings its files earn (a certificate that expires soon).
    private func tls(_ node: Node, path: String, anchor: Mark?) throws(ConfigurationError)
        -> (setting: Config.MQTTConfiguration.TLSSetting, options: Config.TLSOptions, warnings: [String]) {
        if case .scalar(let scalar) = node, reader.tagName(node) == .bool {
            guard scalar.string.lowercased() == "false" else {
                throw fail(path, at: node.mark,
                           "'\(NodeReader.excerpt(scalar.string))' is not a TLS setting: give a mapping with ca, certificate and key, or false for plaintext")
            }
            return (.disabled, Config.TLSOptions(), [])
        }
        guard case .mapping = node else {
            throw fail(path, at: node.mark,
                       "expected a mapping with ca, certificate and key, or false for plaintext; found \(reader.kind(of: node))")
        }
        var ca: String?
        var certificate: String?
        var key: String?
        var keyMark: Mark?
        var options = Config.TLSOptions()
        var warnings: [String] = []
        // Each file is loaded through OpenSSL as soon as its entry is read, so errors stay in
        // file order; whether the key fits the certificate needs both, so it comes after.
        try reader.forEachEntry(
            of: node, path: path, allowed: ["ca", "certificate", "key"] + Config.TLSOptions.keys
        ) { (name, value, _, keyPath) throws(ConfigurationError) in
            switch name {
            case "ca":
                // `ca: system`: the distribution's bundle (ca-certificates), for a broker with a public certificate.
                let file = try readableFile(value, path: keyPath, what: "the PEM certificate of the CA that signed the broker's certificate",
                                            system: Config.TLSOptions.systemCAFile)
                if let problem = TLSMaterial.caProblem(file) { throw fail(keyPath, at: value.mark, problem) }
                ca = file
            case "certificate":
                let file = try readableFile(value, path: keyPath, what: "this gateway's PEM client certificate")
                switch TLSMaterial.certificate(file) {
                case .failure(let problem):
                    throw fail(keyPath, at: value.mark, problem.message)
                case .success(let period):
                    switch TLSMaterial.validity(period, of: file, clock: clock) {
                    case .valid: break
                    case .warning(let text): warnings.append(fail(keyPath, at: value.mark, text).description)
                    case .error(let text): throw fail(keyPath, at: value.mark, text)
                    }
                }
                certificate = file
            case "key":
                let file = try privateKeyFile(value, path: keyPath)
                if let problem = TLSMaterial.keyProblem(file) { throw fail(keyPath, at: value.mark, problem) }
                key = file
                keyMark = value.mark
            default:
                try tlsOption(name, value, path: keyPath, into: &options, warnings: &warnings)
            }
        }
        guard let ca else { throw reader.missing("\(path).ca", in: anchor) }
        // Neither file: server-only TLS, allowed by the mqtt section only with a password login.
        if certificate == nil && key == nil { return (.serverOnly(ca: ca), options, warnings) }
        guard let certificate else { throw reader.missing("\(path).certificate", in: anchor) }
        guard let key else { throw reader.missing("\(path).key", in: anchor) }
        if let problem = TLSMaterial.mismatchProblem(key: key, certificate: certificate) {
            throw fail("\(path).key", at: keyMark, problem)
        }
        return (.mutual(ca: ca, certificate: certificate, key: key), options, warnings)
    }

    /// A file path as written, resolved; one longer than Linux allows is refused here, so a
    /// runaway value is not echoed whole by "file not found".
    private func filePath(_ node: Node, path: String, system: String? = nil) throws(ConfigurationError) -> String {
        let written = try reader.nonEmptyString(node, path: path)
        if let system, written == "system" { return system }
        let text = try credentialPath(written, node: node, path: path)
        guard text.utf8.count < Self.pathMax else {
            throw fail(path, at: node.mark,
                       "a path of \(text.utf8.count) bytes ('\(NodeReader.excerpt(text))'); Linux allows at most \(Self.pathMax - 1)")
        }
        return FileChecks.resolve(text, against: baseDirectory)
    }

    /// PATH_MAX on Linux, its terminating NUL included.
    static let pathMax = 4096

    /// A file that exists and this process can read; returns its resolved path.
    /// - Parameter what: What the file should hold, said when it is missing, so a user who has
    ///   not made the certificates yet learns which ones to make.
    func readableFile(_ node: Node, path: String, what: String? = nil, system: String? = nil) throws(ConfigurationError) -> String {
        let file = try filePath(node, path: path, system: system)
        switch FileChecks.status(file) {
        case .missing:
            throw fail(path, at: node.mark, "file not found: \(file)" + (what.map { " (\($0))" } ?? ""))
        case .directory:
            throw fail(path, at: node.mark, "\(file) is a directory, not a file")
        case .regularFile, .other:
            break
        }
        guard FileChecks.isReadable(file) else {
            throw fail(path, at: node.mark, "cannot read \(file): permission denied")
        }
        return file
    }

    /// A readable file that other users cannot read: a leaked client key is a stolen identity.
    private func privateKeyFile(_ node: Node, path: String) throws(ConfigurationError) -> String {
        try secretFile(node, path: path, what: "the private key of the client certificate, PEM")
    }

    /// A readable file neither its group nor other users can read (the TLS client key, the
    /// pseudonym key, the envelope signing key); a systemd credential is the way to share one.
    func secretFile(_ node: Node, path: String, what: String) throws(ConfigurationError) -> String {
        let file = try readableFile(node, path: path, what: what)
        if case .regularFile(let mode) = FileChecks.status(file), mode & 0o044 != 0 {
            let who = mode & 0o004 != 0 ? "other users" : "its group"
            throw fail(path, at: node.mark,
                       "\(file) is readable by \(who) (mode \(FileChecks.octal(mode))); run chmod 600 \(file), or load it as a systemd credential")
        }
        return file
    }
}
