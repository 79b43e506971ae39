import Logging
import Outbox
import Pipeline
import Synchronization

/// Forwards the outbox to the broker: QoS 1, a bounded in-flight window, delete on PUBACK,
/// reconnect with capped exponential backoff and jitter.
///
/// Life of a connection: connect; on CONNACK, publish the oldest stored readings until the
/// window is full; on each PUBACK delete that reading and publish the next; when the link
/// fails, forget the window (the readings are still stored), wait, and start again from the
/// oldest stored reading. Duplicates are therefore possible only for readings that were sent
/// and not yet acknowledged, and they carry their original sequence numbers.
public final class Uplink: Sendable {
    private let settings: MQTTSettings
    private let outbox: OutboxStore
    private let encoder: SenMLEncoder
    private let logger: Logger
    private let events: AsyncStream<Event>
    private let eventInput: AsyncStream<Event>.Continuation
    private let counters = Mutex(UplinkCounters())

    private enum Event: Sendable {
        case connection(generation: Int, ConnectionEvent)
        case readingsStored
        case stop
    }

    /// Creates an uplink; nothing happens until ``run()``.
    public init(settings: MQTTSettings, outbox: OutboxStore, encoder: SenMLEncoder, logger: Logger) {
        self.settings = settings
        self.outbox = outbox
        self.encoder = encoder
        self.logger = logger
        (events, eventInput) = AsyncStream.makeStream(of: Event.self)
    }

    /// Tells the uplink that new readings are in the outbox.
    public func readingsStored() {
        eventInput.yield(.readingsStored)
    }

    /// Asks ``run()`` to finish: it stops publishing, waits up to `drainTimeout` for the
    /// acknowledgements of what is in flight, disconnects and returns.
    public func stop() {
        eventInput.yield(.stop)
    }

    /// What the uplink has done so far.
    public var statistics: UplinkCounters { counters.withLock { $0 } }

    /// Runs until ``stop()`` is called or the task is cancelled.
    public func run(drainTimeout: Duration = .seconds(5)) async {
        var backoff = ReconnectBackoff(initial: settings.reconnectInitial, max: settings.reconnectMax)
        var generation = 0
        var iterator = events.makeAsyncIterator()
        while !Task.isCancelled {
            generation += 1
            let outcome = await runConnection(generation: generation, iterator: &iterator, drainTimeout: drainTimeout)
            switch outcome {
            case .stopped:
                return
            case .failed(let wasConnected):
                if wasConnected { backoff.reset() }
                let delay = backoff.nextDelay()
                logger.info("reconnecting", metadata: ["in": "\(delay)"])
                // Wait for the delay, but stay responsive to stop requests meanwhile.
                if await waitForStop(iterator: &iterator, upTo: delay) { return }
            }
        }
    }

    private enum ConnectionOutcome {
        case stopped
        case failed(wasConnected: Bool)
    }

    private func runConnection(generation: Int, iterator: inout AsyncStream<Event>.Iterator,
                               drainTimeout: Duration) async -> ConnectionOutcome {
        let input = eventInput
        let connection: MosquittoConnection
        do {
            connection = try MosquittoConnection(settings: settings) { event in
                input.yield(.connection(generation: generation, event))
            }
        } catch {
            logger.error("cannot set up the MQTT client", metadata: ["error": "\(error)"])
            return .failed(wasConnected: false)
        }
        counters.withLock { $0.connectionAttempts += 1 }
        logger.debug("connecting", metadata: ["host": "\(settings.host)", "port": "\(settings.port)"])
        connection.start(host: settings.host, port: settings.port, keepaliveSeconds: settings.keepaliveSeconds)

        // A CONNACK that never comes (a black-holed SYN, a broker that hangs) must not hold us forever.
        let connectTimeout = Task { [input] in
            try await Task.sleep(for: .seconds(max(10, settings.keepaliveSeconds)))
            input.yield(.connection(generation: generation, .closed(reason: "no CONNACK in time")))
        }
        defer { connectTimeout.cancel() }

        var window = InflightWindow(capacity: settings.inflightWindow)
        var connected = false
        var stopping = false
        var stopDeadline: ContinuousClock.Instant?
        var drainTimer: Task<Void, any Error>?
        defer { drainTimer?.cancel() }

        while let event = await iterator.next() {
            switch event {
            case .stop:
                if !connected || window.isEmpty {
                    await connection.stop()
                    return .stopped
                }
                stopping = true
                stopDeadline = .now + drainTimeout
                drainTimer = Task { [input] in
                    try await Task.sleep(for: drainTimeout)
                    input.yield(.readingsStored)
                }
            case .readingsStored:
                if let stopDeadline, ContinuousClock.now >= stopDeadline {
                    logger.warning("stopping with readings in flight; they stay stored and are sent after restart",
                                   metadata: ["in_flight": "\(window.count)"])
                    await connection.stop()
                    return .stopped
                }
                if connected && !stopping { await fill(&window, connection) }
            case .connection(let eventGeneration, let connectionEvent):
                guard eventGeneration == generation else { continue }
                switch connectionEvent {
                case .connected:
                    connected = true
                    connectTimeout.cancel()
                    counters.withLock { $0.connections += 1 }
                    logger.info("connected to broker", metadata: ["host": "\(settings.host)"])
                    await fill(&window, connection)
                case .published(let packetID, let reasonCode):
                    await acknowledge(packetID: packetID, reasonCode: reasonCode, window: &window)
                    if stopping {
                        if window.isEmpty {
                            await connection.stop()
                            return .stopped
                        }
                    } else {
                        await fill(&window, connection)
                    }
                case .closed(let reason):
                    if stopping { return .stopped }
                    logger.warning("broker connection lost", metadata: [
                        "reason": "\(reason)", "unacknowledged": "\(window.count)",
                    ])
                    await connection.stop()
                    return .failed(wasConnected: connected)
                }
            }
        }
        await connection.stop()
        return .stopped
    }

    /// Publishes stored readings after the window's cursor until the window is full.
    private func fill(_ window: inout InflightWindow, _ connection: MosquittoConnection) async {
        while window.freeSlots > 0 {
            let batch: [Reading]
            do {
                batch = try await outbox.pending(after: window.cursor, limit: window.freeSlots)
            } catch {
                logger.error("cannot read the outbox", metadata: ["error": "\(error)"])
                return
            }
            if batch.isEmpty { return }
            for reading in batch {
                guard let payload = encoder.encode(reading) else {
                    // Unencodable rows are refused before storage; one here means a damaged
                    // database row: skip it, count it, and never block the queue on it.
                    logger.error("stored reading cannot be encoded; skipping", metadata: ["seq": "\(reading.sequence)"])
                    counters.withLock { $0.unencodable += 1 }
                    window.sent(sequence: reading.sequence, packetID: -1)
                    _ = window.acknowledged(packetID: -1)
                    continue
                }
                do {
                    let packetID = try connection.publish(topic: settings.topic, payload: Array(payload.utf8))
                    window.sent(sequence: reading.sequence, packetID: packetID)
                    counters.withLock { $0.published += 1 }
                } catch {
                    logger.warning("publish failed; will retry after reconnect", metadata: ["error": "\(error)"])
                    return
                }
            }
        }
    }

    private func acknowledge(packetID: Int32, reasonCode: Int32, window: inout InflightWindow) async {
        // MQTT 5: reason codes of 0x80 and above are refusals (e.g. 0x87 not authorized).
        guard reasonCode < 0x80 else {
            if let sequence = window.refused(packetID: packetID) {
                counters.withLock { $0.refused += 1 }
                logger.error("broker refused a reading; it stays stored", metadata: [
                    "seq": "\(sequence)", "reason": "\(reasonCode)",
                ])
            }
            return
        }
        guard let sequence = window.acknowledged(packetID: packetID) else { return }
        do {
            try await outbox.acknowledge([sequence])
            counters.withLock { $0.acknowledged += 1 }
        } catch {
            // The reading stays stored and is sent again later: a duplicate, never a loss.
            logger.error("cannot delete an acknowledged reading", metadata: ["seq": "\(sequence)", "error": "\(error)"])
        }
    }

    /// Waits `duration` or until a stop request; returns true when stop was requested.
    private func waitForStop(iterator: inout AsyncStream<Event>.Iterator, upTo duration: Duration) async -> Bool {
        let input = eventInput
        let wake = Task {
            try await Task.sleep(for: duration)
            input.yield(.connection(generation: -1, .closed(reason: "backoff elapsed")))
        }
        defer { wake.cancel() }
        while let event = await iterator.next() {
            switch event {
            case .stop: return true
            case .connection(generation: -1, _): return false
            default: continue
            }
        }
        return true
    }
}

/// Counts of what the uplink did, for logs, metrics and tests.
public struct UplinkCounters: Sendable, Hashable {
    /// Connection attempts started.
    public var connectionAttempts = 0
    /// Connections that reached CONNACK.
    public var connections = 0
    /// PUBLISH packets sent (re-sends included).
    public var published = 0
    /// Readings acknowledged and deleted.
    public var acknowledged = 0
    /// Publishes the broker refused with an MQTT 5 reason code.
    public var refused = 0
    /// Stored rows that could not be encoded.
    public var unencodable = 0
}
