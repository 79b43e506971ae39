import Logging
import Outbox
import Pipeline
import Synchronization

/// Forwards the outbox to the broker: QoS 1, a bounded in-flight window, delete on PUBACK,
/// reconnect with capped exponential backoff and jitter, paced replay of the backlog beside
/// unpaced live readings, drop reports, and a bounded drain on stop.
///
/// The logic is ``UplinkSession``, a pure state machine; this class is its thin shell: it feeds
/// the session events (requests from the agent, the transport's reports, timers) and performs
/// the actions it returns (outbox reads and acknowledgements, encoding, publishing, timers,
/// logs), feeding their results back in order before the next event.
public final class Uplink: Sendable {
    private let settings: MQTTSettings
    private let outbox: OutboxStore
    private let encoder: any ReadingEncoder
    private let logger: Logger
    private let transportFactory: MQTTTransportFactory
    private let events: AsyncStream<UplinkSession.Event>
    private let eventInput: AsyncStream<UplinkSession.Event>.Continuation
    private let counters = Mutex(UplinkCounters())
    private let onIncident: @Sendable (UplinkIncident) -> Void
    private let sessionStatePath: String?
    private let commands: UplinkCommands?

    /// Creates an uplink; nothing happens until ``run(drainTimeout:)``.
    ///
    /// Readings go to the topic the encoder names (`settings.topic` is not used for them);
    /// `transportFactory` makes one connection per attempt (libmosquitto unless a test scripts one);
    /// `onIncident` hears of every failed attempt and lost connection (the agent counts them);
    /// `sessionStatePath` is where the encoding's session state (Sparkplug B's `bdSeq`) is kept;
    /// `commands`, when given, is subscribed to and its messages handed over (docs/COMMANDS.md).
    public init(settings: MQTTSettings, outbox: OutboxStore, encoder: any ReadingEncoder, logger: Logger,
                transportFactory: @escaping MQTTTransportFactory = MosquittoTransport.factory,
                sessionStatePath: String? = nil, commands: UplinkCommands? = nil,
                onIncident: @escaping @Sendable (UplinkIncident) -> Void = { _ in }) {
        self.onIncident = onIncident
        self.commands = commands
        self.sessionStatePath = sessionStatePath
        self.settings = settings
        self.outbox = outbox
        self.encoder = encoder
        self.logger = logger
        self.transportFactory = transportFactory
        (events, eventInput) = AsyncStream.makeStream(of: UplinkSession.Event.self)
    }

    /// Tells the uplink that new readings are in the outbox.
    public func readingsStored() {
        eventInput.yield(.readingsStored)
    }

    /// Tells the uplink that the outbox dropped readings, so a status report is due.
    public func dropsChanged() {
        eventInput.yield(.dropsChanged)
    }

    /// Publishes `message` (QoS and retain as it says) on the current connection, after what is
    /// already queued; logged and dropped if no connection is up.
    public func send(_ message: SessionMessage) {
        eventInput.yield(.sendMessage(message))
    }

    /// Asks ``run(drainTimeout:)`` to finish: it stops publishing, waits up to `drainTimeout`
    /// for the acknowledgements of what is in flight, disconnects and returns.
    public func stop() {
        eventInput.yield(.stop)
    }

    /// What the uplink has done so far.
    public var statistics: UplinkCounters { counters.withLock { $0 } }

    /// Runs until ``stop()`` is called or the task is cancelled.
    public func run(drainTimeout: Duration = .seconds(5)) async {
        let configuration = UplinkSession.Configuration(settings: settings, readingsPerMessage: encoder.maxReadingsPerMessage,
                                                        drainTimeout: drainTimeout)
        var session = UplinkSession(configuration: configuration, recoveryReported: outbox.movedAsideCorruptDatabase == nil,
                                    random: SystemRandomNumberGenerator())
        var performer = UplinkActionPerformer(settings: settings, outbox: outbox, encoder: encoder, logger: logger,
                                              transportFactory: transportFactory, input: eventInput,
                                              sessionStatePath: sessionStatePath, commands: commands, onIncident: onIncident)
        var iterator = events.makeAsyncIterator()
        let clock = ContinuousClock()
        let origin = clock.now
        // Results of actions go before the next outside event, so the session sees them in order.
        // Taken by index, not removeFirst(), which moves every later element per event.
        var results: [UplinkSession.Event] = [.start]
        var nextResult = 0
        while !Task.isCancelled {
            let event: UplinkSession.Event
            if nextResult < results.count {
                event = results[nextResult]
                nextResult += 1
            } else {
                results.removeAll(keepingCapacity: true)
                nextResult = 0
                guard let next = await iterator.next() else { break }
                event = next
            }
            let actions = session.handle(event, now: clock.now - origin)
            counters.withLock { $0 = session.counters }
            for action in actions {
                if let result = await performer.perform(action) { results.append(result) }
            }
            if session.isFinished { break }
        }
        await performer.shutDown()
    }
}
