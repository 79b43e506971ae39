import Commands
import Configuration
import Logging
import Metrics
import Outbox
import Pipeline
import Sampling
import SensorKit
import ServiceLifecycle
import UnixSignals
import Uplink

/// Assembles the running agent from a configuration and runs it until SIGTERM or SIGINT.
public enum GatewayAgent {
    /// How long a graceful stop waits for acknowledgements of readings in flight; well inside
    /// the unit's TimeoutStopSec (30 s).
    public static let drainTimeout: Duration = .seconds(10)

    /// Runs the agent. Returns after a graceful stop; throws when the outbox cannot be opened.
    ///
    /// When `metrics` is given and systemd provides a runtime directory (`RUNTIME_DIRECTORY`),
    /// the counters are written there as `metrics.prom` for node_exporter's textfile collector;
    /// `SENSORGW_METRICS_FILE` names another file.
    /// - Parameters:
    ///   - registry: The sensor kinds; each configured sensor is built by its kind.
    ///   - board: The buses the sensors are on (real or simulated).
    public static func run(configuration: GatewayConfiguration, registry: SensorRegistry, board: any Board,
                           logger: Logger, environment: [String: String],
                           metrics: AgentMetrics? = nil,
                           reload: ReloadSource? = nil) async throws {
        // Trapped before anything else: SIGHUP's default action ends the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for warning in configuration.warnings {
            logger.warning("\(warning)")
        }
        let storage = configuration.storage
        let outboxSealing = try storage.encryptionKeyFile.map { file throws(StorageError) in try OutboxSealing(keyFile: file) }
        let outbox = try OutboxStore(path: storage.path,
                                     limits: OutboxLimits(maxBytes: storage.maxBytes, maxAge: storage.maxAge),
                                     sealing: outboxSealing)
        if outbox.holdsRowsInClear {
            logger.notice("the outbox still holds readings stored before encryption was turned on; they are sent as they are",
                          metadata: ["path": "\(storage.path)"])
        }
        if let aside = outbox.movedAsideCorruptDatabase {
            logger.error("the outbox failed its integrity check: moved aside and started afresh; the damaged file is kept",
                         metadata: ["kept_as": "\(aside)"])
        }
        let pending = try await outbox.count()
        let droppedTotal = await outbox.droppedTotal.total
        logger.info("outbox open", metadata: [
            "path": "\(storage.path)", "pending": "\(pending)", "dropped_total": "\(droppedTotal)",
        ])

        let hooks = TestHooks.from(environment: environment)
        if hooks.isActive { logger.warning("test hooks are on (debug build, SENSORGW_TEST_HOOKS=1)") }
        let monitor = HealthMonitor(clock: ContinuousClock(), sensors: [])
        let targets = CommandTargets()
        let schedules = try observedSchedules(for: configuration.sensors, registry: registry, board: board,
                                              monitor: monitor, hooks: hooks, targets: targets)
        let health = AgentHealth(configuration)
        let sealing = try configuration.mqtt.envelope.map { keys in
            try EnvelopeSealing(keys, checkingWith: SenMLJSONEncoder(gatewayID: configuration.gateway.wireID))
        }
        // docs/COMMANDS.md: the uplink hands command bytes over; CommandService verifies and performs.
        // Bounded: a flood keeps the oldest waiting commands and drops what comes after.
        let (commandBytes, commandInput) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingOldest(64))
        let commandChannel = configuration.commandTopic.map { topic in
            UplinkCommands(topic: topic, received: { commandInput.yield($0) })
        }
        let makeUplink: @Sendable (GatewayConfiguration) -> Uplink = { configuration in
            // The schema accepted only registered names; the default covers a configuration built by hand.
            let encoding = ReadingEncoders.named(configuration.mqtt.encoding) ?? ReadingEncoders.default
            let privacy = configuration.wirePrivacy
            var context = EncoderContext(gatewayID: configuration.gateway.wireID, readingsTopic: configuration.readingsTopic,
                                         devices: privacy.announced(encoderDevices(configuration, registry: registry)),
                                         sparkplugGroupID: configuration.mqtt.sparkplugGroupID,
                                         sparkplugEdgeNodeID: configuration.mqtt.sparkplugEdgeNodeID)
            context.discoveryPrefix = configuration.mqtt.topics.discoveryPrefix
            let format = encoding.makeEncoder(context, readingsPerMessage: configuration.mqtt.readingsPerMessage)
            // docs/PRIVACY.md: redacted readings never sent, wire times coarsened.
            let visible: any ReadingEncoder = privacy.isEmpty ? format : PrivateEncoder(format, privacy: privacy)
            // docs/ENVELOPE.md: sealed to the backend and signed, around whatever the format made.
            let encoder = sealing.map { $0.seal(visible) } ?? visible
            // Beside the outbox: the encoding's session state (Sparkplug B's bdSeq) outlives restarts with it.
            return Uplink(settings: MQTTSettings(configuration), outbox: outbox, encoder: encoder,
                          logger: logger.with(label: "uplink"),
                          transportFactory: observedTransportFactory(MosquittoTransport.factory, monitor: monitor,
                                                                     hooks: hooks),
                          sessionStatePath: configuration.storage.path + ".session",
                          commands: commandChannel, onIncident: countUplinkIncident)
        }
        let uplink = UplinkControl(makeUplink(configuration))
        let buffer = ReadingBuffer()
        let storageService = StorageService(buffer: buffer, outbox: outbox, uplink: uplink,
                                            interval: storage.flushInterval, logger: logger.with(label: "storage"),
                                            monitor: monitor, hooks: hooks)
        let samplerLogger = logger.with(label: "sampler")
        let makeSampler: @Sendable ([SensorSchedule]) -> Sampler<ContinuousClock>
        if storage.flushInterval == .zero {
            // Every sample is its own commit: the most durable, the most SD-card writes.
            makeSampler = { schedules in
                Sampler(schedules: schedules, logger: samplerLogger) { readings in
                    buffer.add(readings)
                    await storageService.flush()
                }
            }
        } else {
            makeSampler = { schedules in
                Sampler(schedules: schedules, logger: samplerLogger) { readings in
                    buffer.add(readings)
                }
            }
        }
        let sampling = SamplingControl(makeSampler(schedules))
        let notifier = SystemdNotifier(environment: environment)
        let status: @Sendable () -> String = {
            let counters = uplink.current.statistics
            let health = sampling.current.sensorHealth.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.rawValue)" }
            return "sent \(counters.acknowledged), sensors: " + health.joined(separator: ", ")
        }
        var optionalServices: [ServiceGroupConfiguration.ServiceConfiguration] = []
        let metricsFile = environment["SENSORGW_METRICS_FILE"]
            ?? RuntimeFile.path("metrics.prom", environment: environment)
        let refreshGauges = metrics.map { StateGauges(registry: $0.registry).refresher(outbox: outbox, monitor: monitor) }
        if let metrics, let metricsFile, let refresh = refreshGauges {
            optionalServices.append(.init(service: MetricsFileService(metrics: metrics, refresh: refresh,
                                                                      path: metricsFile, interval: .seconds(15),
                                                                      logger: logger)))
            logger.info("metrics written for node_exporter's textfile collector", metadata: ["path": "\(metricsFile)"])
        }
        if let metrics, let refresh = refreshGauges, let listen = configuration.metrics.listen {
            optionalServices.append(.init(service: MetricsHTTPService(address: listen, metrics: metrics, refresh: refresh,
                                                                      logger: logger)))
        }
        if let statusFile = statusFileService(environment: environment, monitor: monitor, health: health,
                                              sampling: sampling, outbox: outbox, logger: logger) {
            optionalServices.append(.init(service: statusFile))
        }
        let reloader = reload.map { reload in
            Reloader(running: configuration, load: reload.load, makeBoard: reload.makeBoard,
                     makeSampler: makeSampler, makeUplink: makeUplink, registry: registry,
                     monitor: monitor, hooks: hooks, sampling: sampling, uplink: uplink,
                     notifier: notifier, logger: logger.with(label: "reload"), targets: targets)
        }
        if let reloader {
            optionalServices.append(.init(service: ReloadService(signals: hangups, reloader: reloader)))
        }
        if let section = configuration.commands, let topic = configuration.commandTopic,
           let replyTopic = configuration.commandReplyTopic {
            let snapshot = statusSnapshot(monitor: monitor, health: health, sampling: sampling, outbox: outbox)
            var reloadAction: (@Sendable () async -> ReloadOutcome)?
            if let reloader { reloadAction = { await reloader.reload(trigger: "remote command") } }
            let actions = CommandActions(status: { StatusJSON.encode(await snapshot(true)) }, reload: reloadAction,
                                         targets: targets)
            let performer = CommandPerformer(section: section, target: configuration.gateway.wireID,
                                             memoryPath: storage.path + ".commands", replyTopic: replyTopic,
                                             actions: actions, send: { uplink.current.send($0) },
                                             logger: logger.with(label: "commands"),
                                             clock: hooks.assumesClockSynchronized ? CommandPerformer.assumedSynchronizedClock
                                                 : CommandPerformer.systemClock)
            optionalServices.append(.init(service: CommandService(commands: commandBytes, performer: performer)))
            logger.notice("remote commands are on", metadata: [
                "topic": "\(topic)", "reply_topic": "\(replyTopic)",
                "allow": "\(section.allow.map(\.rawValue).sorted().joined(separator: ","))",
            ])
        } else {
            commandInput.finish()
        }
        // ServiceGroup stops services in reverse order: sampler first (no new readings), then the
        // storage service commits what is buffered, then the uplink drains what is in flight,
        // then systemd hears STOPPING.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: optionalServices + [
                    .init(service: SystemdService(notifier: notifier, status: status,
                                                  verdict: { monitor.verdict(health) }, logger: logger)),
                    .init(service: UplinkService(control: uplink, drainTimeout: drainTimeout)),
                    .init(service: storageService),
                    .init(service: SamplerService(control: sampling)),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        logger.info("agent started", metadata: [
            "gateway": "\(configuration.gateway.id)", "sensors": "\(schedules.count)",
            "broker": "\(configuration.mqtt.brokers.map(\.description).joined(separator: ", "))",
        ])
        try await group.run()
        await outbox.close()
        logger.info("agent stopped", metadata: ["acknowledged": "\(uplink.current.statistics.acknowledged)"])
    }
}

/// Where a reload gets its new configuration and board (`sensorgw run` reads the same file again).
public struct ReloadSource: Sendable {
    /// Reads and validates the configuration file.
    public var load: @Sendable () throws -> GatewayConfiguration
    /// The board for a configuration.
    public var makeBoard: @Sendable (GatewayConfiguration) -> any Board

    /// Creates a source.
    public init(load: @escaping @Sendable () throws -> GatewayConfiguration,
                makeBoard: @escaping @Sendable (GatewayConfiguration) -> any Board) {
        self.load = load
        self.makeBoard = makeBoard
    }
}

extension GatewayAgent {
    /// Counts what the uplink reports: `sensorgw_uplink_connect_failures_total{reason=...}` by
    /// kind of failure, `sensorgw_uplink_connections_lost_total`, and
    /// `sensorgw_uplink_publishes_refused_total{reason="0x87"}` by MQTT 5 reason code.
    @Sendable static func countUplinkIncident(_ incident: UplinkIncident) {
        switch incident {
        case .couldNotConnect(let failure):
            Counter(label: "sensorgw_uplink_connect_failures_total", dimensions: [("reason", failure.kind.rawValue)]).increment()
        case .connectionLost:
            Counter(label: "sensorgw_uplink_connections_lost_total").increment()
        case .publishRefused(let reasonCode):
            let code = String(UInt8(truncatingIfNeeded: reasonCode), radix: 16)
            Counter(label: "sensorgw_uplink_publishes_refused_total", dimensions: [("reason", "0x" + code)]).increment()
        case .unreadableRowsDropped(let count):
            Counter(label: "sensorgw_readings_dropped_total", dimensions: [("reason", DropReason.unreadable.rawValue)]).increment(by: count)
        }
    }

    /// The schedules with each sensor's progress recorded in `monitor` (which then watches
    /// exactly these sensors) for the watchdog.
    static func observedSchedules(for sensors: [GatewayConfiguration.SensorConfiguration], registry: SensorRegistry,
                                  board: any Board, monitor: HealthMonitor<ContinuousClock>,
                                  hooks: TestHooks, targets: CommandTargets? = nil) throws -> [SensorSchedule] {
        let built = try schedules(for: sensors, registry: registry, board: board)
        targets?.replace(with: built)
        monitor.replaceSensors(built.map { ($0.sensor.id, $0.interval, $0.timeout) })
        monitor.describeSensors(sensors.map { ($0.id, $0.kind) })
        return zip(built, sensors).map { schedule, sensor in
            var observed = schedule
            observed.sensor = ObservedSensor(base: schedule.sensor, monitor: monitor, hooks: hooks,
                                             bus: sensor.bus.metricLabel)
            return observed
        }
    }

    /// One schedule per configured sensor: the sensor its kind builds, and the kind's pipeline.
    /// - Throws: ``UnknownSensorKind`` for a kind the registry lacks.
    public static func schedules(for sensors: [GatewayConfiguration.SensorConfiguration], registry: SensorRegistry,
                                 board: any Board) throws -> [SensorSchedule] {
        try sensors.map { sensor in
            guard let kind = registry.kind(named: sensor.kind) else {
                throw UnknownSensorKind(sensorID: sensor.id, kind: sensor.kind)
            }
            return SensorSchedule(sensor: kind.makeSensor(sensor, board: board), interval: sensor.interval,
                                  priority: sensor.priority == .critical ? .critical : .normal,
                                  pipeline: kind.pipeline(for: sensor), bus: sensor.bus.logName)
        }
    }
}

extension GatewayConfiguration.SensorConfiguration.SensorBus {
    /// The bus as logs and journald's `BUS=` field name it: `i2c-1` (as `/dev/i2c-1` and
    /// i2cdetect say), the spidev path, or nil for a sensor on no bus.
    var logName: String? {
        switch self {
        case .i2c(let bus, _): "i2c-\(bus)"
        case .spi(let device, _): device
        case .none: nil
        }
    }
}

extension GatewayAgent {
    /// Each configured sensor with its kind's quantities, in the unit its `quantities:` section
    /// converts to, for encodings that announce them (Sparkplug B's DBIRTH).
    static func encoderDevices(_ configuration: GatewayConfiguration, registry: SensorRegistry) -> [EncoderDevice] {
        configuration.sensors.compactMap { sensor in
            guard let kind = registry.kind(named: sensor.kind) else { return nil }
            let quantities = kind.quantities(for: sensor).map { rule in
                let unit = sensor.quantities.first { $0.quantity == rule.quantity }?.unit ?? rule.unit
                return EncoderDevice.Quantity(name: rule.quantity, unit: unit)
            }
            return EncoderDevice(sensorID: sensor.id, quantities: quantities)
        }
    }
}

extension AgentHealth {
    /// The watchdog's bounds from the configuration: the same timeouts the components use.
    init(_ configuration: GatewayConfiguration) {
        let mqtt = configuration.mqtt
        let flush = configuration.storage.flushInterval
        // As UplinkSession.Configuration: an attempt gets the keepalive, at least 10 s.
        self.init(flushPeriod: flush > .zero ? flush : .seconds(1),
                  connectTimeout: max(.seconds(10), mqtt.keepalive),
                  reconnectMax: mqtt.reconnect.max, keepalive: mqtt.keepalive)
    }
}

extension MQTTSettings {
    /// The uplink's settings from the configuration.
    init(_ configuration: GatewayConfiguration) {
        let mqtt = configuration.mqtt
        let security: Security =
            switch mqtt.tls {
            case .disabled: .plaintext
            case .mutual(let ca, let certificate, let key): .mutualTLS(caFile: ca, certificateFile: certificate, keyFile: key)
            case .serverOnly(let ca): .serverTLS(caFile: ca)
            }
        self.init(host: mqtt.host, port: mqtt.port, clientID: mqtt.clientID, topic: configuration.readingsTopic,
                  statusTopic: configuration.statusTopic,
                  keepaliveSeconds: Int(mqtt.keepalive.components.seconds), inflightWindow: mqtt.inflightWindow,
                  replayRate: mqtt.replayRate,
                  reconnectInitial: mqtt.reconnect.initial, reconnectMax: mqtt.reconnect.max, security: security)
        failover = mqtt.failover
        availabilityTopic = configuration.availabilityTopic
        maximumPacketSize = mqtt.maxPacketSize
        bytesPerMessage = mqtt.bytesPerMessage
        batchWait = mqtt.batchWait
        protocolOptions = ProtocolOptions(mqtt.protocolOptions)
        tlsOptions = TLSOptions(requireTLS13: mqtt.tlsOptions.minVersion == .tls13, pinnedKeys: mqtt.tlsOptions.pinnedKeys,
                                crlFile: mqtt.tlsOptions.crl, alpn: mqtt.tlsOptions.alpn)
    }
}

extension MQTTSettings.ProtocolOptions {
    /// The configuration's `mqtt.protocol`, login and MQTT 5 options, in the uplink's terms.
    init(_ options: GatewayConfiguration.MQTTProtocolOptions) {
        self.init()
        version = options.version == .v311 ? .v311 : .v5
        username = options.username
        passwordFile = options.passwordFile
        sessionExpirySeconds = UInt32(clamping: options.sessionExpiry.components.seconds)
        messageExpirySeconds = options.messageExpiry.map { UInt32(clamping: $0.components.seconds) }
        userProperties = options.userProperties.map { UserProperty(name: $0.name, value: $0.value) }
    }
}

extension Logger {
    /// A logger with another label and the same handler settings.
    func with(label: String) -> Logger {
        var copy = self
        copy[metadataKey: "component"] = "\(label)"
        return copy
    }
}
