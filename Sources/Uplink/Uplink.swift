import Logging
import Outbox
import Pipeline
import Synchronization

/// Forwards the outbox to the broker: QoS 1, a bounded in-flight window, delete on PUBACK,
/// reconnect with capped exponential backoff and jitter, paced replay of the backlog.
///
/// Life of a connection: connect; on CONNACK note the highest stored sequence number (the
/// boundary between backlog and live readings) and report drops if any are unreported; then keep
/// the window full from two lanes, each in sequence order: live readings (above the boundary) at
/// once, backlog (up to the boundary) at most `replayRate` per second. On each PUBACK the reading
/// is marked for deletion (deleted in batches); when the link fails, the window is forgotten
/// (the readings are still stored) and the next connection starts both lanes again from the
/// oldest stored reading. Duplicates are therefore possible only for readings that were sent and
/// not yet deleted, and they carry their original sequence numbers.
public final class Uplink: Sendable {
    private let settings: MQTTSettings
    private let outbox: OutboxStore
    private let encoder: SenMLEncoder
    private let gatewayID: String
    private let logger: Logger
    private let events: AsyncStream<Event>
    private let eventInput: AsyncStream<Event>.Continuation
    private let counters = Mutex(UplinkCounters())

    private enum Event: Sendable {
        case connection(generation: Int, ConnectionEvent)
        case readingsStored
        case dropsChanged
        case tick
        case stop
    }

    /// Creates an uplink; nothing happens until ``run(drainTimeout:)``.
    public init(settings: MQTTSettings, outbox: OutboxStore, encoder: SenMLEncoder, logger: Logger) {
        self.settings = settings
        self.outbox = outbox
        self.encoder = encoder
        self.gatewayID = encoder.gatewayID
        self.logger = logger
        (events, eventInput) = AsyncStream.makeStream(of: Event.self)
    }

    /// Tells the uplink that new readings are in the outbox.
    public func readingsStored() {
        eventInput.yield(.readingsStored)
    }

    /// Tells the uplink that the outbox dropped readings, so a status report is due.
    public func dropsChanged() {
        eventInput.yield(.dropsChanged)
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
        var backoff = ReconnectBackoff(initial: settings.reconnectInitial, max: settings.reconnectMax)
        var generation = 0
        var iterator = events.makeAsyncIterator()
        var recoveryReported = outbox.movedAsideCorruptDatabase == nil
        while !Task.isCancelled {
            generation += 1
            var session = Session(uplink: self, generation: generation, recoveryReported: recoveryReported)
            let outcome = await session.run(iterator: &iterator, drainTimeout: drainTimeout)
            recoveryReported = session.recoveryReported
            switch outcome {
            case .stopped:
                return
            case .failed(let wasConnected):
                if wasConnected { backoff.reset() }
                let delay = backoff.nextDelay()
                logger.info("reconnecting", metadata: ["in": "\(delay)"])
                if await waitForStop(iterator: &iterator, upTo: delay) { return }
            }
        }
    }

    private enum Outcome {
        case stopped
        case failed(wasConnected: Bool)
    }

    /// One connection's state and event loop.
    private struct Session {
        let uplink: Uplink
        let generation: Int
        var recoveryReported: Bool
        var window: InflightWindow
        var connection: MosquittoConnection?
        var connected = false
        var stopping = false
        var stopDeadline: ContinuousClock.Instant?
        /// Sequence numbers at or below this were stored before the connection came up.
        var liveBoundary: UInt64 = 0
        var liveCursor: UInt64 = 0
        var backlogCursor: UInt64 = 0
        var bucket: TokenBucket
        var statusInFlight: (packetID: Int32, totals: DropCounts)?
        var tickScheduled = false

        init(uplink: Uplink, generation: Int, recoveryReported: Bool) {
            self.uplink = uplink
            self.generation = generation
            self.recoveryReported = recoveryReported
            window = InflightWindow(capacity: uplink.settings.inflightWindow)
            bucket = TokenBucket(rate: uplink.settings.replayRate,
                                 burst: min(uplink.settings.replayRate, uplink.settings.inflightWindow), now: .now)
        }

        var settings: MQTTSettings { uplink.settings }
        var logger: Logger { uplink.logger }
        var outbox: OutboxStore { uplink.outbox }

        mutating func run(iterator: inout AsyncStream<Event>.Iterator, drainTimeout: Duration) async -> Outcome {
            let input = uplink.eventInput
            let generation = self.generation
            let connection: MosquittoConnection
            do {
                connection = try MosquittoConnection(settings: settings) { event in
                    input.yield(.connection(generation: generation, event))
                }
            } catch {
                logger.error("cannot set up the MQTT client", metadata: ["error": "\(error)"])
                return .failed(wasConnected: false)
            }
            self.connection = connection
            uplink.counters.withLock { $0.connectionAttempts += 1 }
            logger.debug("connecting", metadata: ["host": "\(settings.host)", "port": "\(settings.port)"])
            connection.start(host: settings.host, port: settings.port, keepaliveSeconds: settings.keepaliveSeconds)

            // A CONNACK that never comes (a black-holed SYN, a broker that hangs) must not hold us forever.
            let connectTimeout = Task { [input, settings] in
                try await Task.sleep(for: .seconds(max(10, settings.keepaliveSeconds)))
                input.yield(.connection(generation: generation, .closed(reason: "no CONNACK in time")))
            }
            defer { connectTimeout.cancel() }

            while let event = await iterator.next() {
                switch event {
                case .stop:
                    // The storage service's last flush happened just before: send it too, then
                    // wait (bounded) for the acknowledgements of everything in flight.
                    if connected { await fill(connection) }
                    if !connected || window.isEmpty {
                        await finish(connection)
                        return .stopped
                    }
                    stopping = true
                    stopDeadline = .now + drainTimeout
                    schedule(.tick, after: drainTimeout, evenIfOneIsPending: true)
                case .readingsStored, .tick, .dropsChanged:
                    if case .tick = event { tickScheduled = false }
                    if let stopDeadline, ContinuousClock.now >= stopDeadline {
                        logger.warning("stopping with readings in flight; they stay stored and are sent after restart",
                                       metadata: ["in_flight": "\(window.count)"])
                        await finish(connection)
                        return .stopped
                    }
                    if connected && !stopping {
                        if case .dropsChanged = event { await reportStatusIfDue(connection) }
                        await fill(connection)
                    }
                case .connection(let eventGeneration, let connectionEvent):
                    guard eventGeneration == generation else { continue }
                    switch connectionEvent {
                    case .connected:
                        connected = true
                        connectTimeout.cancel()
                        uplink.counters.withLock { $0.connections += 1 }
                        liveBoundary = (try? await outbox.highestSequence()) ?? 0
                        liveCursor = liveBoundary
                        let backlog = (try? await outbox.count()) ?? 0
                        logger.info("connected to broker", metadata: [
                            "host": "\(settings.host)", "backlog": "\(backlog)",
                        ])
                        await reportStatusIfDue(connection)
                        await fill(connection)
                    case .published(let packetID, let reasonCode):
                        await answered(packetID: packetID, reasonCode: reasonCode)
                        if stopping {
                            // Until the drain deadline, keep sending what is stored: every reading
                            // delivered now is one less waiting for the next start.
                            await fill(connection)
                            if window.isEmpty {
                                await finish(connection)
                                return .stopped
                            }
                        } else {
                            await fill(connection)
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
            await finish(connection)
            return .stopped
        }

        private func finish(_ connection: MosquittoConnection) async {
            await connection.stop()
        }

        /// Sends `event` to this loop after `delay`. Ticks are not stacked (one pending tick
        /// wakes the loop, which re-plans), except the drain deadline, which must fire on time.
        private mutating func schedule(_ event: Event, after delay: Duration, evenIfOneIsPending: Bool = false) {
            if case .tick = event, !evenIfOneIsPending {
                if tickScheduled { return }
                tickScheduled = true
            }
            let input = uplink.eventInput
            Task {
                try? await Task.sleep(for: delay)
                input.yield(event)
            }
        }

        /// Keeps the window full: live readings first, then paced backlog.
        private mutating func fill(_ connection: MosquittoConnection) async {
            // Live lane: everything stored since the connection came up, in order, unpaced.
            while window.freeSlots > 0 {
                guard let batch = await read(after: liveCursor, through: UInt64(Int64.max), limit: window.freeSlots),
                      !batch.isEmpty else { break }
                let result = publish(batch, on: connection, cursor: liveCursor)
                liveCursor = result.cursor
                guard result.published else { return }
            }
            // Backlog lane: what waited through the outage, in order, at most replayRate per second.
            guard backlogCursor < liveBoundary, window.freeSlots > 0 else { return }
            let allowance = min(window.freeSlots, bucket.available(now: .now))
            if allowance > 0 {
                guard let batch = await read(after: backlogCursor, through: liveBoundary, limit: allowance) else { return }
                if batch.isEmpty {
                    backlogCursor = liveBoundary
                    logger.info("backlog replayed")
                    return
                }
                bucket.consume(batch.count, now: .now)
                let result = publish(batch, on: connection, cursor: backlogCursor)
                backlogCursor = result.cursor
                guard result.published else { return }
            }
            if backlogCursor < liveBoundary {
                schedule(.tick, after: max(bucket.waitForNext(now: .now), .milliseconds(1)))
            }
        }

        private func read(after cursor: UInt64, through last: UInt64, limit: Int) async -> [Reading]? {
            do {
                return try await outbox.pending(after: cursor, through: last, limit: limit)
            } catch {
                logger.error("cannot read the outbox", metadata: ["error": "\(error)"])
                return nil
            }
        }

        /// Publishes readings in order; returns the lane's new cursor, and false when the
        /// connection refused (the cursor then stays before the reading that was not sent).
        private mutating func publish(_ batch: [Reading], on connection: MosquittoConnection,
                                      cursor start: UInt64) -> (cursor: UInt64, published: Bool) {
            var cursor = start
            for reading in batch {
                cursor = reading.sequence
                guard let payload = uplink.encoder.encode(reading) else {
                    // Unencodable rows are refused before storage; one here means a damaged
                    // database row: skip it, count it, and never block the queue on it.
                    logger.error("stored reading cannot be encoded; skipping", metadata: ["seq": "\(reading.sequence)"])
                    uplink.counters.withLock { $0.unencodable += 1 }
                    continue
                }
                do {
                    let packetID = try connection.publish(topic: settings.topic, payload: Array(payload.utf8))
                    window.sent(sequence: reading.sequence, packetID: packetID)
                    uplink.counters.withLock { $0.published += 1 }
                } catch {
                    // Not sent: step back so it goes out after the reconnect this error precedes.
                    cursor = reading.sequence - 1
                    logger.warning("publish failed; will retry after reconnect", metadata: ["error": "\(error)"])
                    return (cursor, false)
                }
            }
            return (cursor, true)
        }

        private mutating func answered(packetID: Int32, reasonCode: Int32) async {
            if let status = statusInFlight, status.packetID == packetID {
                statusInFlight = nil
                guard reasonCode < 0x80 else { return }
                try? await outbox.markReported(status.totals)
                recoveryReported = true
                return
            }
            guard let sequence = window.answered(packetID: packetID) else { return }
            // MQTT 5: reason codes of 0x80 and above are refusals (e.g. 0x87 not authorized).
            guard reasonCode < 0x80 else {
                uplink.counters.withLock { $0.refused += 1 }
                logger.error("broker refused a reading; it stays stored and is sent again after reconnect",
                             metadata: ["seq": "\(sequence)", "reason": "\(reasonCode)"])
                return
            }
            do {
                // In memory at once; the delete is committed in batches by the outbox.
                try await outbox.acknowledge([sequence])
                uplink.counters.withLock { $0.acknowledged += 1 }
            } catch {
                // It stays stored and is sent again later: a duplicate, never a loss.
                logger.error("cannot delete an acknowledged reading", metadata: ["seq": "\(sequence)", "error": "\(error)"])
            }
        }

        /// Publishes a status report when drops are unreported or a corrupt outbox was replaced.
        private mutating func reportStatusIfDue(_ connection: MosquittoConnection) async {
            guard statusInFlight == nil else { return }
            let totals = await outbox.droppedTotal
            let unreported = await outbox.unreportedDrops
            guard unreported.total > 0 || !recoveryReported else { return }
            let pending = (try? await outbox.count()) ?? 0
            let payload = StatusReport(gatewayID: uplink.gatewayID, totals: totals, sinceLastReport: unreported,
                                       pending: pending, recoveredFrom: recoveryReported ? nil : outbox.movedAsideCorruptDatabase,
                                       time: SystemClock.now().wallSeconds).json
            do {
                let packetID = try connection.publish(topic: settings.statusTopic, payload: Array(payload.utf8))
                statusInFlight = (packetID, totals)
                logger.notice("status reported", metadata: ["dropped_since_last_report": "\(unreported.total)"])
            } catch {
                logger.warning("cannot publish status", metadata: ["error": "\(error)"])
            }
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
