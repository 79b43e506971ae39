import Logging
import Outbox
import Pipeline

/// Performs an ``UplinkSession``'s actions: the only place the uplink awaits the outbox, calls
/// the transport, sleeps or logs. Each action that has a result returns it as the event to feed
/// back.
struct UplinkActionPerformer {
    let settings: MQTTSettings
    let outbox: OutboxStore
    let encoder: any ReadingEncoder
    let logger: Logger
    let transportFactory: MQTTTransportFactory
    let input: AsyncStream<UplinkSession.Event>.Continuation
    let onIncident: @Sendable (UplinkIncident) -> Void
    /// The encoding's session side (Sparkplug B, Home Assistant), or the availability status
    /// for SenML (``AvailabilityHooks``); nil for SenML with `mqtt.topics.availability: false`.
    private var hooks: (any ConnectionHooks)?
    /// The will of the current connection, published by hand at a graceful stop (`.publishWill`).
    private var currentWill: SessionMessage?
    /// Where ``ConnectionHooks/persistentState`` is kept between runs.
    let sessionStatePath: String?
    /// Remote commands' topic and receiver, if commands are on.
    let commands: UplinkCommands?
    /// The broker's maximum packet size from the last CONNACK, if it named one.
    private var brokerMaximumPacketSize: Int?
    private var transport: (any MQTTTransport)?
    private var timers: [UplinkSession.Timer: Task<Void, Never>] = [:]
    /// Reused for every payload: a busy uplink does not allocate one per message.
    private var buffer: [UInt8] = []
    /// ``OutboxStore/unreadableDropped`` when last looked at.
    private var unreadableSeen = 0

    init(settings: MQTTSettings, outbox: OutboxStore, encoder: any ReadingEncoder, logger: Logger,
         transportFactory: @escaping MQTTTransportFactory, input: AsyncStream<UplinkSession.Event>.Continuation,
         sessionStatePath: String? = nil, commands: UplinkCommands? = nil,
         onIncident: @escaping @Sendable (UplinkIncident) -> Void) {
        self.onIncident = onIncident
        self.commands = commands
        if var hooks = encoder.makeConnectionHooks() {
            hooks.restore(sessionStatePath.flatMap { SessionStateFile.load($0) })
            self.hooks = hooks
            self.sessionStatePath = sessionStatePath
        } else {
            self.hooks = settings.availabilityTopic.map { AvailabilityHooks(encoder: encoder, topic: $0) }
            // The availability status keeps no state between runs.
            self.sessionStatePath = nil
        }
        self.settings = settings
        self.outbox = outbox
        self.encoder = encoder
        self.logger = logger
        self.transportFactory = transportFactory
        self.input = input
    }

    mutating func perform(_ action: UplinkSession.Action) async -> UplinkSession.Event? {
        switch action {
        case .connect(let generation, let broker):
            await disconnect()
            let input = self.input
            // Host and port of the broker dialled: TLS verifies its certificate against that host.
            var settings = self.settings.dialling(broker)
            if var hooks {
                settings.will = hooks.willForNextConnection(wallSeconds: SystemClock.now().wallSeconds)
                self.hooks = hooks
                persistSessionState()
            }
            currentWill = settings.will
            do {
                let transport = try transportFactory(settings) { event in
                    input.yield(.transport(generation: generation, event))
                }
                self.transport = transport
                transport.start()
                return nil
            } catch {
                return .transportSetupFailed(generation: generation, reason: "\(error)")
            }
        case .disconnect:
            await disconnect()
            return nil
        case .publishWill:
            // Retained `offline`, Home Assistant's `offline` or Sparkplug B's NDEATH. libmosquitto
            // writes the PUBLISH from this thread at once, before the DISCONNECT that follows.
            if let currentWill { publishSessionMessages([currentWill]) }
            return nil
        case .startTimer(let timer, let token, let delay):
            timers[timer]?.cancel()
            let input = self.input
            timers[timer] = Task {
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    return  // cancelled: a replaced or cancelled timer never fires
                }
                input.yield(.timerFired(timer, token: token))
            }
            return nil
        case .cancelTimer(let timer):
            timers.removeValue(forKey: timer)?.cancel()
            return nil
        case .announce(let generation):
            brokerMaximumPacketSize = transport?.maximumPacketSize
            announce()
            guard let transport else { return nil }
            return .flowControlRead(generation: generation, receiveMaximum: transport.receiveMaximum,
                                    queueAhead: transport.queueAhead)
        case .answerCommand(_, let topic, let payload):
            if let commands, topic == commands.topic {
                commands.received(payload)
                return nil
            }
            guard var hooks else { return nil }
            let answers = hooks.received(topic: topic, payload: payload, wallSeconds: SystemClock.now().wallSeconds)
            self.hooks = hooks
            if !answers.isEmpty { logger.notice("answering a command", metadata: ["topic": "\(topic)"]) }
            publishSessionMessages(answers)
            return nil
        case .publishMessage(let message):
            publishSessionMessages([message])
            return nil
        case .readBoundary(let generation):
            let highest: UInt64
            do {
                highest = try await outbox.highestSequence()
            } catch {
                // Everything stored then counts as live: sent at once, not paced.
                logger.error("cannot read the highest sequence number", metadata: ["error": "\(error)"])
                highest = 0
            }
            let pending = (try? await outbox.count()) ?? 0
            return .boundaryRead(generation: generation, highest: highest, pending: pending)
        case .read(let request):
            do {
                let readings = try await outbox.pending(after: request.after, through: request.through, limit: request.limit)
                noteUnreadableRows()
                return .readCompleted(request, readings)
            } catch {
                return .readFailed(request, reason: "\(error)")
            }
        case .publish(let generation, let readings):
            return .publishCompleted(generation: generation, publish(readings))
        case .acknowledge(let sequences):
            // Recorded at once without a hop to the outbox's thread; the delete is committed in
            // batches (with the next flush, or here when a whole batch is waiting).
            guard outbox.recordAcknowledged(sequences) else { return nil }
            do {
                try await outbox.commitAcknowledgements()
            } catch {
                // They stay stored and are sent again later: duplicates, never a loss.
                logger.error("cannot delete an acknowledged reading",
                             metadata: ["seq": "\(sequences.map(String.init).joined(separator: ","))", "error": "\(error)"])
            }
            return nil
        case .readDropStatus(let generation):
            let drops = UplinkSession.DropStatus(totals: await outbox.droppedTotal, unreported: await outbox.unreportedDrops,
                                                 pending: (try? await outbox.count()) ?? 0)
            return .dropStatusRead(generation: generation, drops)
        case .publishStatus(let request):
            return publishStatus(request)
        case .markReported(let totals):
            do {
                try await outbox.markReported(totals)
            } catch {
                logger.error("cannot record the drops as reported; they are reported again", metadata: ["error": "\(error)"])
            }
            return nil
        case .log(let entry):
            logger.log(level: entry.level, Logger.Message(stringLiteral: entry.message),
                       metadata: entry.metadata.mapValues { Logger.MetadataValue.string($0) })
            return nil
        case .report(let incident):
            onIncident(incident)
            return nil
        case .finish:
            await shutDown()
            return nil
        }
    }

    private mutating func publish(_ readings: [Reading]) -> UplinkSession.PublishOutcome {
        let limit = [settings.maximumPacketSize, brokerMaximumPacketSize].compactMap { $0 }.min()
        let contentType = encoder.contentType
        let fitted: BatchFitting.Outcome
        if var hooks {
            fitted = BatchFitting.fit(readings[...], limit: limit, payloadBudget: settings.bytesPerMessage,
                                      contentType: contentType, state: &hooks, into: &buffer) {
                $0.encode($1, into: &$2)
            }
            self.hooks = hooks
        } else {
            var encoder = self.encoder
            fitted = BatchFitting.fit(readings[...], limit: limit, payloadBudget: settings.bytesPerMessage,
                                      contentType: contentType, state: &encoder, into: &buffer) {
                $0.encode($1, into: &$2)
            }
        }
        let message: EncodedMessage
        switch fitted {
        case .fits(let fitting):
            message = fitting
        case .tooLarge(let dropped, let limit):
            return .tooLarge(dropped: dropped, limit: limit)
        }
        guard !message.carried.isEmpty else { return .nothingEncodable(skipped: message.skipped) }
        guard let transport else { return .failed(reason: "no connection") }
        do {
            let packetID = try transport.publish(topic: message.topic, payload: buffer, contentType: contentType)
            return .sent(packetID: packetID, carried: message.carried, skipped: message.skipped)
        } catch {
            return .failed(reason: "\(error)")
        }
    }

    /// Subscribes and publishes what the hooks send after each CONNACK (Sparkplug births).
    private mutating func announce() {
        guard let transport else { return }
        var messages: [SessionMessage] = []
        if var hooks {
            messages = hooks.connected(wallSeconds: SystemClock.now().wallSeconds)
            self.hooks = hooks
        }
        let topics = (hooks?.subscriptions ?? []) + (commands.map { [$0.topic] } ?? [])
        if !topics.isEmpty {
            do {
                try transport.subscribe(topics)
            } catch {
                logger.error("cannot subscribe; commands will not arrive", metadata: ["topics": "\(topics)", "error": "\(error)"])
            }
        }
        publishSessionMessages(messages)
        // What was announced (Home Assistant's entities) must be known after a restart.
        persistSessionState()
    }

    private func publishSessionMessages(_ messages: [SessionMessage]) {
        guard let transport else { return }
        for message in messages {
            do {
                _ = try transport.publish(message)
            } catch {
                // The link is going down; the next connection announces again.
                logger.warning("cannot publish a session message", metadata: ["topic": "\(message.topic)", "error": "\(error)"])
                return
            }
        }
    }

    /// Logs encrypted rows the read had to drop, and has the status report tell upstream.
    private mutating func noteUnreadableRows() {
        let dropped = outbox.unreadableDropped
        guard dropped != unreadableSeen else { return }
        logger.error("encrypted readings in the outbox did not open (damaged or altered); dropped and counted as unreadable",
                     metadata: ["count": "\(dropped - unreadableSeen)"])
        onIncident(.unreadableRowsDropped(count: dropped - unreadableSeen))
        unreadableSeen = dropped
        input.yield(.dropsChanged)
    }

    private func persistSessionState() {
        guard let hooks, let sessionStatePath else { return }
        if let error = SessionStateFile.store(hooks.persistentState, to: sessionStatePath) {
            logger.error("cannot keep the session state; it restarts from zero after a restart",
                         metadata: ["path": "\(sessionStatePath)", "error": "\(error)"])
        }
    }

    private func publishStatus(_ request: UplinkSession.StatusRequest) -> UplinkSession.Event {
        let report = StatusReport(gatewayID: encoder.context.gatewayID, totals: request.totals,
                                  sinceLastReport: request.sinceLastReport, pending: request.pending,
                                  recoveredFrom: request.reportsRecovery ? outbox.movedAsideCorruptDatabase : nil,
                                  time: SystemClock.now().wallSeconds)
        guard let transport else {
            return .statusPublishFailed(generation: request.generation, reason: "no connection")
        }
        do {
            let packetID = try transport.publish(topic: settings.statusTopic, payload: Array(report.json.utf8),
                                                 contentType: "application/json")
            return .statusPublished(generation: request.generation, packetID: packetID)
        } catch {
            return .statusPublishFailed(generation: request.generation, reason: "\(error)")
        }
    }

    private mutating func disconnect() async {
        guard let transport else { return }
        self.transport = nil
        await transport.stop()
    }

    /// Stops the transport and every timer; after this nothing of this run is left running.
    mutating func shutDown() async {
        for timer in timers.values { timer.cancel() }
        timers.removeAll()
        await disconnect()
    }
}
