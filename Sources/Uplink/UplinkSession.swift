import Outbox
import Pipeline

/// The uplink's logic as a pure state machine: events in, actions out (the shape of swift-nio's
/// state machines). It never awaits, sleeps or touches the outbox or the network; the thin
/// shell in ``Uplink`` performs its actions and feeds the results back, and tests drive it in
/// virtual time (`now` is a `Duration` since any fixed origin).
///
/// Life of a connection: connect; on CONNACK read the highest stored sequence number (the
/// boundary between backlog and live readings) and report drops if any are unreported; then keep
/// the window full from two lanes, each in sequence order: live readings (above the boundary) at
/// once, backlog (up to the boundary) at most `replayRate` readings per second. A message carries
/// up to `readingsPerMessage` readings and takes one window slot; its PUBACK acknowledges all of
/// them. A message of new readings that is not full may wait up to `batchWait` for more (count,
/// then bytes in the shell, then age close a batch); backlog never waits. When the link fails the window is forgotten (the readings are still stored) and the
/// next connection starts the backlog again from the oldest stored reading, so every
/// unacknowledged reading is re-sent in order with its original sequence number.
///
/// Failover: each attempt dials one broker of ``Configuration/brokers``. A failed attempt moves
/// straight on to the next broker (a dead one adds no delay before a healthy one is tried); only
/// when every broker of a round has failed does the session wait out the backoff, which then
/// grows. A lost connection moves to the next broker after the backoff's first step (reset by the
/// CONNACK), as a reconnect to one broker always did, so two brokers that accept and then drop
/// the connection are not dialled in a tight loop. The backlog a new broker receives is the same
/// replay from the oldest stored reading.
struct UplinkSession {
    /// What the session needs from the settings.
    struct Configuration: Sendable, Hashable {
        var inflightWindow: Int
        var readingsPerMessage: Int
        var replayRate: Int
        var reconnectInitial: Duration
        var reconnectMax: Duration
        var connectTimeout: Duration
        var drainTimeout: Duration
        /// How long new readings may wait for a full message (zero: send at once).
        var batchWait: Duration
        /// The brokers in the order tried, round robin (at least one).
        var brokers: [MQTTSettings.Broker]

        init(settings: MQTTSettings, readingsPerMessage: Int, drainTimeout: Duration) {
            inflightWindow = max(1, settings.inflightWindow)
            self.readingsPerMessage = max(1, readingsPerMessage)
            replayRate = max(1, settings.replayRate)
            reconnectInitial = settings.reconnectInitial
            reconnectMax = settings.reconnectMax
            connectTimeout = .seconds(max(10, settings.keepaliveSeconds))
            self.drainTimeout = drainTimeout
            batchWait = max(.zero, settings.batchWait)
            brokers = settings.brokers
        }
    }

    private enum Phase: Hashable {
        case idle
        case connecting
        case connected
        case waitingToReconnect
        case finished
    }

    private enum StatusStage: Hashable {
        case idle
        case reading
        case publishing(StatusRequest)
        case awaitingAcknowledgement(packetID: Int32, StatusRequest)
    }

    let configuration: Configuration
    /// Most readings asked of the outbox in one read (at least a full window's worth).
    static let readAhead = 1024
    /// What the session has done so far.
    private(set) var counters = UplinkCounters()
    /// Whether the moved-aside corrupt outbox (if any) has been reported upstream.
    private(set) var recoveryReported: Bool
    /// Messages published and not yet answered.
    private(set) var window: InflightWindow

    private var phase = Phase.idle
    private var generation = 0
    /// The broker of ``Configuration/brokers`` the current (or next) attempt dials.
    private(set) var brokerIndex = 0
    /// Attempts of this round that failed: when it reaches the number of brokers, the
    /// session waits out the backoff.
    private var failedInRound = 0
    private var backoff: ReconnectBackoff
    private var random: any RandomNumberGenerator
    private var bucket: TokenBucket
    private var timerTokens: [Timer: Int] = [:]
    private var nextTimerToken = 0

    // Per connection, reset when it ends.
    private var boundaryKnown = false
    /// Sequence numbers at or below this were stored before the connection came up.
    private var liveBoundary: UInt64 = 0
    private var liveCursor: UInt64 = 0
    private var backlogCursor: UInt64 = 0
    private var liveMayHaveMore = true
    private var readInFlight: ReadRequest?
    /// Read from the outbox, not yet published, oldest first from `unsentStart`. Up to
    /// ``readAhead`` readings are read at once, so the outbox is read once per many PUBACKs
    /// instead of once per freed window slot.
    private var unsent: [Reading] = []
    private var unsentStart = 0
    /// When the oldest unsent reading was read: a partial message waits until `batchWait` after
    /// it. Backlog counts as already waited.
    private var unsentSince: Duration?
    private var publishing = false
    /// The readings of the message being encoded and published: what it does not carry or skip
    /// (a format that carries one sensor per message, a batch split to fit the broker's
    /// maximum packet size) goes back to the front of `unsent`.
    private var publishingReadings: [Reading] = []
    private var status = StatusStage.idle
    private var statusWanted = false

    private var stopping = false
    private var stopDeadline: Duration?
    private var actions: [Action] = []

    /// A session before its first connection; `random` draws the reconnect jitter.
    init(configuration: Configuration, recoveryReported: Bool, random: some RandomNumberGenerator) {
        self.configuration = configuration
        self.recoveryReported = recoveryReported
        self.random = random
        window = InflightWindow(capacity: configuration.inflightWindow)
        backoff = ReconnectBackoff(initial: configuration.reconnectInitial, max: configuration.reconnectMax)
        bucket = TokenBucket(rate: configuration.replayRate, burst: 1, now: .zero)
    }

    /// Whether ``Action/finish`` has been issued.
    var isFinished: Bool { phase == .finished }

    /// Reacts to `event` at time `now`; returns what the shell must do, in order.
    mutating func handle(_ event: Event, now: Duration) -> [Action] {
        actions.removeAll(keepingCapacity: true)
        guard phase != .finished else { return [] }
        if stopping, let stopDeadline, now >= stopDeadline {
            finish()
            return actions
        }
        switch event {
        case .start:
            if phase == .idle { connect() }
        case .readingsStored:
            liveMayHaveMore = true
            fill(now: now)
        case .sendMessage(let message):
            // Replies answer what arrived on this connection; with none up there is no one to tell.
            if phase == .connected {
                actions.append(.publishMessage(message))
            } else {
                actions.append(.log(LogEntry(level: .warning, message: "not connected; a message is not sent",
                                             metadata: ["topic": message.topic])))
            }
        case .dropsChanged:
            requestStatus()
        case .stop:
            beginStop(now: now)
        case .timerFired(let timer, let token):
            guard timerTokens[timer] == token else { break }
            timerTokens[timer] = nil
            timerFired(timer, now: now)
        case .transport(let eventGeneration, let transportEvent):
            guard eventGeneration == generation, phase == .connecting || phase == .connected else { break }
            transportReported(transportEvent, now: now)
        case .transportSetupFailed(let eventGeneration, let reason):
            guard eventGeneration == generation, phase == .connecting else { break }
            log(.error, "cannot set up the MQTT client", ["error": reason])
            let failure = ConnectionFailure(.other, "cannot set up the MQTT client: \(reason)")
            counters.connectFailures[failure.kind, default: 0] += 1
            actions.append(.report(.couldNotConnect(failure)))
            scheduleReconnect()
        case .flowControlRead(let eventGeneration, let receiveMaximum, let queueAhead):
            guard eventGeneration == generation, phase == .connected, !boundaryKnown else { break }
            if let receiveMaximum { narrowWindow(to: receiveMaximum) }
            // Messages the transport queues are not on the wire: libmosquitto sends each from
            // its own thread when a PUBACK frees a place, so the next message does not wait
            // for a round through this session (docs/PERFORMANCE.md). Only for one reading per
            // message: there the round per message is the cost, and the queue's memory is a
            // window of small messages. Batched messages make that round a hundredth as often,
            // and can each be up to `bytes_per_message` (16 MiB), which queued a window deep
            // would double what a small board holds in memory for nothing.
            if configuration.readingsPerMessage == 1 { window.widen(by: queueAhead) }
        case .boundaryRead(let eventGeneration, let highest, let pending):
            guard eventGeneration == generation, phase == .connected, !boundaryKnown else { break }
            boundaryRead(highest: highest, pending: pending, now: now)
        case .readCompleted(let request, let readings):
            guard request == readInFlight, phase == .connected else { break }
            readInFlight = nil
            readCompleted(request, readings, now: now)
        case .readFailed(let request, let reason):
            guard request == readInFlight, phase == .connected else { break }
            readInFlight = nil
            log(.error, "cannot read the outbox", ["error": reason])
            startTimer(.tick, after: .seconds(1))
        case .publishCompleted(let eventGeneration, let outcome):
            guard eventGeneration == generation, phase == .connected, publishing else { break }
            publishing = false
            publishCompleted(outcome, now: now)
        case .dropStatusRead(let eventGeneration, let drops):
            guard eventGeneration == generation, phase == .connected, status == .reading else { break }
            dropStatusRead(drops)
        case .statusPublished(let eventGeneration, let packetID):
            guard eventGeneration == generation, case .publishing(let request) = status else { break }
            status = .awaitingAcknowledgement(packetID: packetID, request)
            log(.notice, "status reported", ["dropped_since_last_report": "\(request.sinceLastReport.total)"])
        case .statusPublishFailed(let eventGeneration, let reason):
            guard eventGeneration == generation, case .publishing = status else { break }
            status = .idle
            log(.warning, "cannot publish status", ["error": reason])
        }
        finishDrainIfDone()
        return actions
    }

    // MARK: Connection lifecycle

    private mutating func connect() {
        generation += 1
        phase = .connecting
        counters.connectionAttempts += 1
        log(.debug, "connecting", ["broker": "\(broker)"])
        actions.append(.connect(generation: generation, broker: brokerIndex))
        startTimer(.connectTimeout, after: configuration.connectTimeout)
    }

    private mutating func transportReported(_ event: MQTTTransportEvent, now: Duration) {
        switch event {
        case .connected:
            guard phase == .connecting else { return }
            phase = .connected
            counters.connections += 1
            backoff.reset()
            failedInRound = 0
            cancelTimer(.connectTimeout)
            // Births (subscriptions, discovery) go before any reading: performed in order.
            actions.append(.announce(generation: generation))
            actions.append(.readBoundary(generation: generation))
        case .message(let topic, let payload):
            guard phase == .connected else { return }
            actions.append(.answerCommand(generation: generation, topic: topic, payload: payload))
        case .published(let packetID, let reasonCode):
            guard phase == .connected else { return }
            answered(packetID: packetID, reasonCode: reasonCode, now: now)
        case .closed(let reason):
            if stopping {
                finish()
            } else if phase == .connecting {
                couldNotConnect(ConnectionFailure(.reset, "the broker closed the connection before CONNACK: \(reason)"))
            } else {
                connectionLost(reason)
            }
        case .connectFailed(let failure):
            if stopping {
                finish()
            } else if phase == .connecting {
                couldNotConnect(failure)
            } else {
                connectionLost(failure.detail)
            }
        }
    }

    /// A connection that had reached CONNACK ended.
    private mutating func connectionLost(_ reason: String) {
        counters.connectionsLost += 1
        log(.warning, "broker connection lost",
            ["broker": "\(broker)", "reason": reason, "unacknowledged": "\(window.sequences.count)"])
        actions.append(.report(.connectionLost(reason: reason)))
        scheduleReconnect(afterLoss: true)
    }

    /// An attempt ended before CONNACK: named, counted by kind, retried after the backoff.
    private mutating func couldNotConnect(_ failure: ConnectionFailure) {
        counters.connectFailures[failure.kind, default: 0] += 1
        log(.warning, "could not connect to broker",
            ["broker": "\(broker)", "kind": failure.kind.rawValue, "reason": failure.detail])
        actions.append(.report(.couldNotConnect(failure)))
        scheduleReconnect()
    }

    /// Forgets the connection (its readings are still stored) and moves to the next broker: at
    /// once after a failed attempt while the round has brokers left to try, else after the
    /// backoff (a lost connection, or a round in which every broker failed).
    private mutating func scheduleReconnect(afterLoss: Bool = false) {
        resetConnection()
        actions.append(.disconnect)
        let left = broker
        brokerIndex = (brokerIndex + 1) % configuration.brokers.count
        if afterLoss {
            failedInRound = 0
        } else {
            failedInRound += 1
            if failedInRound < configuration.brokers.count {
                log(.info, "trying the next broker", ["broker": "\(broker)", "after": "\(left)"])
                connect()
                return
            }
            failedInRound = 0
        }
        // 53 random bits as a fraction in 0..<1 (Double.random(in:using:) may draw again and
        // again from a generator that repeats itself; this never does).
        let fraction = Double(random.next() >> 11) / Double(UInt64(1) << 53)
        let delay = backoff.nextDelay(randomFraction: fraction)
        log(.info, "reconnecting", ["in": Self.secondsText(delay), "to": "\(broker)"])
        phase = .waitingToReconnect
        startTimer(.reconnect, after: delay)
    }

    private mutating func resetConnection() {
        cancelTimer(.connectTimeout)
        cancelTimer(.tick)
        // A new connection may have another broker's Receive Maximum.
        window = InflightWindow(capacity: configuration.inflightWindow)
        boundaryKnown = false
        readInFlight = nil
        unsent.removeAll()
        unsentStart = 0
        unsentSince = nil
        cancelTimer(.batchWait)
        publishing = false
        publishingReadings.removeAll()
        status = .idle
        statusWanted = false
    }

    private mutating func boundaryRead(highest: UInt64, pending: Int, now: Duration) {
        boundaryKnown = true
        liveBoundary = highest
        liveCursor = highest
        backlogCursor = 0
        liveMayHaveMore = true
        let burst = min(configuration.replayRate, window.capacity * configuration.readingsPerMessage)
        bucket = TokenBucket(rate: configuration.replayRate, burst: burst, now: now)
        log(.info, "connected to broker", ["broker": "\(broker)", "backlog": "\(pending)"])
        requestStatus()
        fill(now: now)
    }

    /// The broker accepts at most `receiveMaximum` unacknowledged QoS 1 messages (MQTT 5
    /// section 3.2.2.3.3); more would be a protocol error, so the window never exceeds it.
    private mutating func narrowWindow(to receiveMaximum: Int) {
        guard receiveMaximum < window.capacity else { return }
        window.narrow(to: receiveMaximum)
        log(.info, "the broker's receive maximum narrows the in-flight window",
            ["receive_maximum": "\(receiveMaximum)", "inflight_window": "\(configuration.inflightWindow)"])
    }

    private mutating func timerFired(_ timer: Timer, now: Duration) {
        switch timer {
        case .reconnect:
            if phase == .waitingToReconnect { connect() }
        case .connectTimeout:
            if phase == .connecting {
                let seconds = configuration.connectTimeout.components.seconds
                couldNotConnect(ConnectionFailure(.timedOut,
                    "no CONNACK from \(broker) within \(seconds) s; check that the broker is up and not overloaded"))
            }
        case .tick:
            fill(now: now)
        case .drainDeadline:
            if stopping { finish() }
        case .batchWait:
            if !sendNext(now: now) { fill(now: now) }
        }
    }

    // MARK: Keeping the window full

    /// Asks for the next readings: live ones first, then paced backlog; at most one read and
    /// one message on their way at a time, so results apply in order.
    private mutating func fill(now: Duration) {
        guard phase == .connected, boundaryKnown, readInFlight == nil, !publishing, !hasUnsent || isWaitingForBatch else { return }
        let freeSlots = window.freeSlots
        guard freeSlots > 0 else { return }
        let room = max(freeSlots * configuration.readingsPerMessage, Self.readAhead)
        if liveMayHaveMore {
            read(.live, after: liveCursor, through: UInt64(Int64.max), limit: room)
            return
        }
        guard backlogCursor < liveBoundary, !hasUnsent else { return }
        // Whole messages: a batching encoder waits for a message's worth of pace rather than
        // sending the backlog one reading per message as the tokens trickle in.
        let perMessage = configuration.readingsPerMessage
        let wanted = min(perMessage, bucket.burst)
        var allowance = min(room, bucket.available(now: now))
        if allowance >= perMessage { allowance -= allowance % perMessage }
        if allowance >= wanted {
            read(.backlog, after: backlogCursor, through: liveBoundary, limit: allowance)
        } else if timerTokens[.tick] == nil {
            startTimer(.tick, after: max(bucket.wait(for: wanted, now: now), .milliseconds(1)))
        }
    }

    private mutating func read(_ lane: Lane, after: UInt64, through: UInt64, limit: Int) {
        let request = ReadRequest(generation: generation, lane: lane, after: after, through: through, limit: limit)
        readInFlight = request
        actions.append(.read(request))
    }

    private mutating func readCompleted(_ request: ReadRequest, _ readings: [Reading], now: Duration) {
        switch request.lane {
        case .live:
            // Fewer than asked for: caught up until the next `.readingsStored`.
            if readings.count < request.limit { liveMayHaveMore = false }
            if let last = readings.last { liveCursor = last.sequence }
        case .backlog:
            if let last = readings.last {
                bucket.consume(readings.count, now: now)
                backlogCursor = last.sequence
            } else {
                backlogCursor = liveBoundary
                log(.info, "backlog replayed")
            }
        }
        if hasUnsent {
            unsent.append(contentsOf: readings)
        } else {
            unsent = readings
            unsentStart = 0
            if !readings.isEmpty { unsentSince = now }
        }
        // Backlog has waited long enough already.
        if request.lane == .backlog, !readings.isEmpty { unsentSince = now - configuration.batchWait }
        if !sendNext(now: now) { fill(now: now) }
    }

    private var hasUnsent: Bool { unsentStart < unsent.count }

    /// A partial message of new readings is waiting for more (and may read more to fill it).
    private var isWaitingForBatch: Bool {
        timerTokens[.batchWait] != nil && unsent.count - unsentStart < configuration.readingsPerMessage
    }

    /// Whether the unsent readings should go now: a full message's worth, waited long enough,
    /// or stopping.
    private mutating func batchIsDue(now: Duration) -> Bool {
        guard configuration.batchWait > .zero, !stopping,
              unsent.count - unsentStart < configuration.readingsPerMessage,
              let unsentSince else { return true }
        let due = unsentSince + configuration.batchWait
        guard now < due else { return true }
        if timerTokens[.batchWait] == nil { startTimer(.batchWait, after: due - now) }
        return false
    }

    /// Hands the next message (up to `readingsPerMessage` unsent readings) to the shell; false
    /// when there is none or no room.
    private mutating func sendNext(now: Duration) -> Bool {
        guard !publishing, hasUnsent, window.freeSlots > 0, batchIsDue(now: now) else { return false }
        cancelTimer(.batchWait)
        publishing = true
        let end = min(unsentStart + configuration.readingsPerMessage, unsent.count)
        publishingReadings = Array(unsent[unsentStart..<end])
        actions.append(.publish(generation: generation, readings: publishingReadings))
        unsentStart = end
        if unsentStart == unsent.count {
            unsent.removeAll(keepingCapacity: true)
            unsentStart = 0
            unsentSince = nil
        }
        return true
    }

    private mutating func publishCompleted(_ outcome: PublishOutcome, now: Duration) {
        let handedOver = publishingReadings
        publishingReadings.removeAll()
        switch outcome {
        case .sent(let packetID, let carried, let skipped):
            window.sent(sequences: carried, packetID: packetID)
            counters.published += 1
            skippedUnencodable(skipped)
            putBack(handedOver, except: carried + skipped)
        case .nothingEncodable(let skipped):
            skippedUnencodable(skipped)
            putBack(handedOver, except: skipped)
        case .tooLarge(let dropped, let limit):
            counters.tooLarge += dropped.count
            log(.error, "reading cannot fit the broker's maximum packet size; dropped",
                ["seq": dropped.map(String.init).joined(separator: ","), "maximum_packet_size": "\(limit)"])
            actions.append(.acknowledge(dropped))
            putBack(handedOver, except: dropped)
        case .failed(let reason):
            log(.warning, "publish failed; will retry after reconnect", ["error": reason])
            // The link is going down (or refuses everything): start over on a fresh one, where
            // every unacknowledged reading is sent again from the outbox.
            connectionLost("publish failed: \(reason)")
            return
        }
        if !sendNext(now: now) { fill(now: now) }
    }

    /// What a message did not take goes out next, in order, before anything read later.
    private mutating func putBack(_ handedOver: [Reading], except taken: [UInt64]) {
        let taken = Set(taken)
        let rest = handedOver.filter { !taken.contains($0.sequence) }
        // Nothing taken at all would loop forever; the encoder's contract rules it out, and
        // the readings then wait for the next connection instead.
        guard !rest.isEmpty, rest.count < handedOver.count else { return }
        if hasUnsent {
            unsent.insert(contentsOf: rest, at: unsentStart)
        } else {
            unsent = rest
            unsentStart = 0
        }
        // Cut from a message that was due: the rest is due too.
        unsentSince = nil
    }

    private mutating func skippedUnencodable(_ skipped: [UInt64]) {
        guard !skipped.isEmpty else { return }
        // Unencodable readings are refused before storage; one here means a damaged row: it is
        // skipped and counted, and never blocks the queue.
        counters.unencodable += skipped.count
        log(.error, "stored reading cannot be encoded; skipping", ["seq": skipped.map(String.init).joined(separator: ",")])
    }

    private mutating func answered(packetID: Int32, reasonCode: Int32, now: Duration) {
        if case .awaitingAcknowledgement(let statusPacketID, let request) = status, statusPacketID == packetID {
            status = .idle
            if reasonCode < 0x80 {
                actions.append(.markReported(request.totals))
                recoveryReported = true
            } else {
                log(.warning, "broker refused the status report", ["reason": "\(reasonCode)"])
            }
            if statusWanted { requestStatus() }
            return
        }
        guard let sequences = window.answered(packetID: packetID) else { return }
        // MQTT 5: reason codes of 0x80 and above are refusals (e.g. 0x87 not authorized).
        if reasonCode >= 0x80 {
            counters.refused += 1
            actions.append(.report(.publishRefused(reasonCode: reasonCode)))
            log(.error, "broker refused a reading; it stays stored and is sent again after reconnect",
                ["seq": sequences.map(String.init).joined(separator: ","), "reason": "\(reasonCode)"])
        } else {
            actions.append(.acknowledge(sequences))
            counters.acknowledged += sequences.count
        }
        if !sendNext(now: now) { fill(now: now) }
    }

    // MARK: Status reports

    private mutating func requestStatus() {
        guard phase == .connected, boundaryKnown, !stopping else { return }
        guard status == .idle else {
            statusWanted = true
            return
        }
        statusWanted = false
        status = .reading
        actions.append(.readDropStatus(generation: generation))
    }

    private mutating func dropStatusRead(_ drops: DropStatus) {
        guard drops.unreported.total > 0 || !recoveryReported else {
            status = .idle
            if statusWanted { requestStatus() }
            return
        }
        let request = StatusRequest(generation: generation, totals: drops.totals, sinceLastReport: drops.unreported,
                                    pending: drops.pending, reportsRecovery: !recoveryReported)
        status = .publishing(request)
        actions.append(.publishStatus(request))
    }

    // MARK: Stopping

    private mutating func beginStop(now: Duration) {
        guard !stopping else { return }
        guard phase == .connected else {
            finish()
            return
        }
        // The storage service's last flush happened just before: send it too, then wait
        // (bounded) for the acknowledgements of everything in flight.
        stopping = true
        stopDeadline = now + configuration.drainTimeout
        startTimer(.drainDeadline, after: configuration.drainTimeout)
        liveMayHaveMore = true
        fill(now: now)
    }

    /// Until the deadline, keeps sending what is stored (every reading delivered now is one less
    /// waiting for the next start); finishes once nothing is in flight.
    private mutating func finishDrainIfDone() {
        guard stopping, phase == .connected, boundaryKnown, readInFlight == nil, !publishing, !hasUnsent,
              window.isEmpty else { return }
        finish()
    }

    private mutating func finish() {
        if !window.isEmpty {
            log(.warning, "stopping with readings in flight; they stay stored and are sent after restart",
                ["in_flight": "\(window.sequences.count)"])
        }
        for timer in Timer.allCases { cancelTimer(timer) }
        if phase == .connected { actions.append(.publishWill) }
        actions.append(.disconnect)
        actions.append(.finish)
        phase = .finished
    }

    // MARK: Helpers

    /// The broker the current (or next) attempt dials.
    var broker: MQTTSettings.Broker { configuration.brokers[brokerIndex] }

    private mutating func startTimer(_ timer: Timer, after delay: Duration) {
        nextTimerToken += 1
        timerTokens[timer] = nextTimerToken
        actions.append(.startTimer(timer, token: nextTimerToken, after: delay))
    }

    private mutating func cancelTimer(_ timer: Timer) {
        if timerTokens.removeValue(forKey: timer) != nil {
            actions.append(.cancelTimer(timer))
        }
    }

    /// A delay for a log line, rounded to hundredths: `0.72s`.
    static func secondsText(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let hundredths = seconds * 100 + Int64((Double(attoseconds) / 1e16).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)s"
    }

    private mutating func log(_ level: LogLevel, _ message: String, _ metadata: [String: String] = [:]) {
        actions.append(.log(LogEntry(level: level, message: message, metadata: metadata)))
    }
}
