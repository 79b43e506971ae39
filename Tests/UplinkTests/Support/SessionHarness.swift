import Outbox
import Testing
import Pipeline
@testable import Uplink

/// Random draws that are always the same, so reconnect delays are known.
struct ConstantRandom: RandomNumberGenerator {
    var value: UInt64
    mutating func next() -> UInt64 { value }
}

/// Plays the shell for a bare ``UplinkSession`` in virtual time: an in-memory outbox, a
/// transport that hands out packet ids and answers only when the test says so, and timers that
/// fire when the test advances the clock. Records everything the session asked for.
struct SessionHarness {
    struct Publish: Equatable {
        var generation: Int
        var packetID: Int32
        var sequences: [UInt64]
        var at: Duration
    }

    private(set) var session: UplinkSession
    private(set) var now: Duration = .zero
    /// The outbox: readings stored and not acknowledged.
    private(set) var stored: [UInt64: Reading] = [:]
    private(set) var highest: UInt64 = 0
    private(set) var acknowledged: [UInt64] = []
    private(set) var published: [Publish] = []
    /// Messages the agent asked to send (``UplinkSession/Event/sendMessage(_:)``), in order.
    private(set) var sentMessages: [SessionMessage] = []
    private(set) var outstanding: [Int32: [UInt64]] = [:]
    private(set) var mostOutstanding = 0
    private(set) var generation = 0
    private(set) var connects = 0
    /// The broker index each `.connect` named, in order.
    private(set) var dialled: [Int] = []
    private(set) var transportOpen = false
    private(set) var timers: [UplinkSession.Timer: (token: Int, due: Duration)] = [:]
    private(set) var timerStarts: [(UplinkSession.Timer, Duration)] = []
    private(set) var logs: [UplinkSession.LogEntry] = []
    /// What the session reported for the agent's metrics.
    private(set) var incidents: [UplinkIncident] = []
    private(set) var finished = false
    /// Whether the will was published by hand, and with the transport still open.
    private(set) var willPublishedWhileOpen: Bool?
    /// Outbox reads the session asked for.
    private(set) var reads = 0
    private(set) var statusReports: [UplinkSession.StatusRequest] = []
    private(set) var markedReported: [DropCounts] = []
    private var nextPacketID: Int32 = 1
    /// Connections the session asked to announce (births) on, in order.
    private(set) var announcements: [Int] = []
    /// Commands handed to the shell.
    private(set) var commands: [ScriptedCommand] = []
    /// When set, the pretend encoder carries at most this many readings of a message (as a
    /// split to fit the maximum packet size does); the session must send the rest next.
    var carriesAtMost: Int?
    /// Sequence numbers the pretend shell reports as too large to send even alone.
    var tooLarge: Set<UInt64> = []
    /// The Receive Maximum the pretend broker's CONNACK names (nil: none, as MQTT 3.1.1).
    var receiveMaximum: Int?
    /// Messages the pretend transport queues beyond the wire window (``MQTTTransport/queueAhead``).
    var queueAhead = 0

    struct ScriptedCommand: Equatable {
        var topic: String
        var payload: [UInt8]
    }

    /// Readings per message the pretend encoder packs (the session is told the same number).
    let readingsPerMessage: Int
    /// Sequence numbers the pretend encoder refuses (as NaN would be).
    var unencodable: Set<UInt64> = []
    /// When set, the transport refuses to queue publishes.
    var publishFails = false
    /// What the outbox says about drops.
    var drops = UplinkSession.DropStatus(totals: DropCounts(), unreported: DropCounts(), pending: 0)

    init(window: Int = 5, readingsPerMessage: Int = 1, replayRate: Int = 1000, drainTimeout: Duration = .seconds(10),
         reconnectInitial: Duration = .seconds(1), reconnectMax: Duration = .seconds(8), recoveryReported: Bool = true,
         random: UInt64 = 0, batchWait: Duration = .zero, failover: [MQTTSettings.Broker] = []) {
        var settings = MQTTSettings(host: "broker.test", port: 8883, clientID: "c", topic: "t", statusTopic: "s",
                                    keepaliveSeconds: 30, inflightWindow: window, replayRate: replayRate,
                                    reconnectInitial: reconnectInitial, reconnectMax: reconnectMax, security: .plaintext)
        settings.batchWait = batchWait
        settings.failover = failover
        let configuration = UplinkSession.Configuration(settings: settings, readingsPerMessage: readingsPerMessage,
                                                        drainTimeout: drainTimeout)
        session = UplinkSession(configuration: configuration, recoveryReported: recoveryReported,
                                random: ConstantRandom(value: random))
        self.readingsPerMessage = readingsPerMessage
    }

    // MARK: What the test does

    /// Stores `count` new readings (numbers continue from the highest ever assigned).
    @discardableResult
    mutating func store(_ count: Int, tell: Bool = true) -> ClosedRange<UInt64> {
        let first = highest + 1
        for _ in 0..<count {
            highest += 1
            stored[highest] = Reading(sensorID: "air", quantity: "temperature", value: 20, unit: .celsius,
                                      timestamp: Timestamp(wallSeconds: 1, monotonicNanoseconds: 1, clockSynchronized: true),
                                      sequence: highest)
        }
        if tell { send(.readingsStored) }
        return first...highest
    }

    mutating func start() { send(.start) }
    mutating func connack() { send(.transport(generation: generation, .connected)) }
    mutating func command(topic: String, payload: [UInt8]) {
        send(.transport(generation: generation, .message(topic: topic, payload: payload)))
    }
    mutating func close(_ reason: String = "link down") { send(.transport(generation: generation, .closed(reason: reason))) }
    mutating func connectFailed(_ failure: ConnectionFailure) { send(.transport(generation: generation, .connectFailed(failure))) }
    mutating func stop() { send(.stop) }

    /// Answers the outstanding message with `packetID`.
    mutating func puback(_ packetID: Int32, reason: Int32 = 0) {
        outstanding[packetID] = nil
        send(.transport(generation: generation, .published(packetID: packetID, reasonCode: reason)))
    }

    /// Answers every outstanding message, oldest first, once.
    mutating func pubackAll(reason: Int32 = 0) {
        for packetID in outstanding.keys.sorted() { puback(packetID, reason: reason) }
    }

    /// Moves virtual time on by `duration`, firing the timers that fall due on the way.
    mutating func advance(by duration: Duration) {
        let target = now + duration
        while let (timer, entry) = timers.filter({ $0.value.due <= target }).min(by: { $0.value.due < $1.value.due }) {
            now = max(now, entry.due)
            timers[timer] = nil
            send(.timerFired(timer, token: entry.token))
        }
        now = target
    }

    /// Sequence numbers published, in order, on connection `generation` (all when nil).
    func sentSequences(generation: Int? = nil) -> [UInt64] {
        published.filter { generation == nil || $0.generation == generation }.flatMap(\.sequences)
    }

    func logged(_ message: String) -> Bool { logs.contains { $0.message == message } }

    // MARK: The pretend shell

    mutating func send(_ event: UplinkSession.Event) {
        var queue = [event]
        while !queue.isEmpty {
            let next = queue.removeFirst()
            for action in session.handle(next, now: now) {
                if let result = perform(action) { queue.append(result) }
            }
        }
    }

    private mutating func perform(_ action: UplinkSession.Action) -> UplinkSession.Event? {
        switch action {
        case .connect(let generation, let broker):
            self.generation = generation
            connects += 1
            dialled.append(broker)
            transportOpen = true
            outstanding.removeAll()  // a new connection: the old one's packet ids mean nothing
            return nil
        case .disconnect:
            transportOpen = false
            return nil
        case .publishWill:
            willPublishedWhileOpen = transportOpen
            return nil
        case .startTimer(let timer, let token, let delay):
            timers[timer] = (token, now + delay)
            timerStarts.append((timer, delay))
            return nil
        case .cancelTimer(let timer):
            timers[timer] = nil
            return nil
        case .announce(let generation):
            announcements.append(generation)
            return .flowControlRead(generation: generation, receiveMaximum: receiveMaximum, queueAhead: queueAhead)
        case .answerCommand(_, let topic, let payload):
            commands.append(ScriptedCommand(topic: topic, payload: payload))
            return nil
        case .publishMessage(let message):
            sentMessages.append(message)
            return nil
        case .readBoundary(let generation):
            return .boundaryRead(generation: generation, highest: highest, pending: stored.count)
        case .read(let request):
            reads += 1
            let readings = stored.keys.sorted().filter { $0 > request.after && $0 <= request.through }
                .prefix(request.limit).compactMap { stored[$0] }
            return .readCompleted(request, readings)
        case .publish(let generation, let readings):
            // The session must never hand the encoder more than one message may carry.
            #expect(readings.count >= 1 && readings.count <= readingsPerMessage)
            if let first = readings.first, tooLarge.contains(first.sequence) {
                return .publishCompleted(generation: generation, .tooLarge(dropped: [first.sequence], limit: 100))
            }
            let taken = readings.prefix(carriesAtMost ?? readings.count)
            let carried = taken.map(\.sequence).filter { !unencodable.contains($0) }
            let skipped = taken.map(\.sequence).filter { unencodable.contains($0) }
            guard !carried.isEmpty else { return .publishCompleted(generation: generation, .nothingEncodable(skipped: skipped)) }
            guard transportOpen, !publishFails else { return .publishCompleted(generation: generation, .failed(reason: "not connected")) }
            let packetID = nextPacketID
            nextPacketID = nextPacketID == Int32(UInt16.max) ? 1 : nextPacketID + 1
            published.append(Publish(generation: generation, packetID: packetID, sequences: carried, at: now))
            outstanding[packetID] = carried
            mostOutstanding = max(mostOutstanding, outstanding.count)
            return .publishCompleted(generation: generation, .sent(packetID: packetID, carried: carried, skipped: skipped))
        case .acknowledge(let sequences):
            acknowledged += sequences
            for sequence in sequences { stored[sequence] = nil }
            return nil
        case .readDropStatus(let generation):
            return .dropStatusRead(generation: generation, drops)
        case .publishStatus(let request):
            statusReports.append(request)
            let packetID = nextPacketID
            nextPacketID += 1
            outstanding[packetID] = []
            return .statusPublished(generation: request.generation, packetID: packetID)
        case .markReported(let totals):
            markedReported.append(totals)
            return nil
        case .log(let entry):
            logs.append(entry)
            return nil
        case .report(let incident):
            incidents.append(incident)
            return nil
        case .finish:
            finished = true
            return nil
        }
    }
}
