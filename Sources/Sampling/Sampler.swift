import HAL
import Logging
import Metrics
import Outbox
import Pipeline
import Synchronization

/// Runs every sensor on its own schedule, passes its readings through its pipeline, and hands
/// what passes to storage.
///
/// One task per sensor, so a slow or failing sensor never delays the others. A failure is
/// logged, counted and retried with a growing delay (up to ``maximumBackoff``); after
/// ``unhealthyAfter`` failures in a row the sensor is reported unhealthy, and it recovers by
/// itself when a measurement succeeds again.
///
/// Time comes from the injected clock: the agent uses `ContinuousClock`, tests a manual clock,
/// so schedules, timeouts and backoff are tested in virtual time.
public final class Sampler<C: Clock>: Sendable where C.Duration == Duration, C: Sendable {
    private let schedules: [SensorSchedule]
    private let clock: C
    private let timestamp: @Sendable () -> Timestamp
    private let store: @Sendable ([PendingReading]) async throws -> Void
    private let logger: Logger
    private let health: Mutex<[String: SensorHealth]>

    /// Failures in a row after which a sensor is reported unhealthy.
    public let unhealthyAfter = 3
    /// Longest delay between retries of a failing sensor.
    public let maximumBackoff: Duration = .seconds(300)

    /// Creates a sampler that hands each sample's readings that passed the pipeline to `store`
    /// (a ``ReadingBuffer`` in the agent).
    /// - Parameters:
    ///   - clock: Schedules, timeouts and backoff run on it.
    ///   - timestamp: Stamps each measurement (the board's wall and monotonic clocks).
    public init(schedules: [SensorSchedule], clock: C, timestamp: @escaping @Sendable () -> Timestamp,
                logger: Logger, store: @escaping @Sendable ([PendingReading]) async throws -> Void) {
        self.schedules = schedules
        self.clock = clock
        self.timestamp = timestamp
        self.logger = logger
        self.store = store
        health = Mutex(Dictionary(uniqueKeysWithValues: schedules.map { ($0.sensor.id, .starting) }))
    }

    /// Each sensor's health, by id.
    public var sensorHealth: [String: SensorHealth] { health.withLock { $0 } }

    /// Samples until the task is cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for schedule in schedules {
                group.addTask { await self.runSensor(schedule) }
            }
        }
    }

    private func runSensor(_ schedule: SensorSchedule) async {
        let sensor = schedule.sensor
        var pipeline = schedule.pipeline
        var logger = self.logger
        logger[metadataKey: "sensor"] = "\(sensor.id)"
        if let bus = schedule.bus { logger[metadataKey: "bus"] = "\(bus)" }
        let stored = Counter(label: "sensorgw_readings_stored_total", dimensions: [("sensor", sensor.id)])
        let failures = Counter(label: "sensorgw_sensor_failures_total", dimensions: [("sensor", sensor.id)])
        let storageFailures = Counter(label: "sensorgw_storage_failures_total", dimensions: [("sensor", sensor.id)])

        var prepared = false
        var failuresInARow = 0
        var next = clock.now
        while !Task.isCancelled {
            do {
                try await clock.sleep(until: next, tolerance: nil)
            } catch {
                return
            }
            do {
                if !prepared {
                    try await sensor.prepare()
                    prepared = true
                }
                let readings = try await measure(sensor, timeout: schedule.timeout)
                let (valid, dropped) = pipeline.process(readings)
                for drop in dropped {
                    Counter(label: "sensorgw_readings_rejected_total",
                            dimensions: [("sensor", sensor.id), ("reason", drop.reason)]).increment()
                    // A redaction is what the user asked for: counted, not a warning every sample.
                    logger.log(level: drop.reason == RedactionStage.reason ? .debug : .warning, "reading dropped", metadata: [
                        "quantity": "\(drop.reading.quantity)", "value": "\(drop.reading.value)",
                        "stage": "\(drop.stage)", "why": "\(drop.reason)",
                    ])
                }
                if !valid.isEmpty {
                    do {
                        try await store(valid.map { PendingReading($0, priority: schedule.priority) })
                        stored.increment(by: valid.count)
                        // quantity=value pairs: the QEMU stage reads them from the debug log. Metadata
                        // is an autoclosure, so nothing is formatted when debug is off.
                        logger.debug("readings stored", metadata: [
                            "readings": "\(valid.map { "\($0.quantity)=\($0.value)" }.joined(separator: ","))",
                        ])
                    } catch {
                        // The sensor is fine; the storage is not (disk full, card failing). Count
                        // the lost measurement and keep the schedule: the next one may fit.
                        storageFailures.increment()
                        logger.error("cannot store readings", metadata: ["error": "\(error)", "readings": "\(valid.count)"])
                    }
                }
                if failuresInARow > 0 {
                    logger.notice("sensor recovered", metadata: ["after_failures": "\(failuresInARow)"])
                }
                failuresInARow = 0
                setHealth(.healthy, for: sensor.id)
                next = Self.nextStart(after: next, interval: schedule.interval, now: clock.now)
            } catch {
                failuresInARow += 1
                failures.increment()
                // After any failure the chip may have been reset (its settings gone) or replaced
                // (another calibration): check it again before trusting its numbers. It costs a
                // few short transfers per retry, and retries back off.
                prepared = false
                var metadata: Logger.Metadata = ["error": "\(error)", "failures": "\(failuresInARow)"]
                if let errno = (error as? HALError)?.errno { metadata["errno"] = "\(errno)" }
                if failuresInARow == unhealthyAfter {
                    setHealth(.unhealthy, for: sensor.id)
                    logger.error("sensor unhealthy", metadata: metadata)
                } else {
                    logger.warning("measurement failed", metadata: metadata)
                }
                let delay = Self.retryDelay(interval: schedule.interval, failuresInARow: failuresInARow,
                                            maximum: maximumBackoff)
                next = clock.now.advanced(by: delay)
            }
        }
    }

    /// One measurement, or a `.timeout` HALError when it takes longer than `timeout` on the clock.
    func measure(_ sensor: any Sensor, timeout: Duration) async throws -> [Reading] {
        let clock = self.clock
        let timestamp = self.timestamp
        return try await withThrowingTaskGroup(of: [Reading]?.self) { group in
            group.addTask { try await sensor.measure(at: timestamp()) }
            group.addTask {
                try await clock.sleep(until: clock.now.advanced(by: timeout), tolerance: nil)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let readings = first else {
                throw HALError(.timeout, operation: "measure \(sensor.id)", detail: "no answer within \(timeout)")
            }
            return readings
        }
    }

    private func setHealth(_ value: SensorHealth, for id: String) {
        health.withLock { $0[id] = value }
    }

    /// The next start on a fixed-rate schedule (`previous + interval`, so starts never drift);
    /// after an overrun it restarts from now rather than firing a burst of catch-up measurements.
    static func nextStart(after previous: C.Instant, interval: Duration, now: C.Instant) -> C.Instant {
        let next = previous.advanced(by: interval)
        return next < now ? now.advanced(by: interval) : next
    }

    /// The interval for the first retry, then doubling per failure, capped at `maximum` (but
    /// never shorter than the interval itself).
    static func retryDelay(interval: Duration, failuresInARow: Int, maximum: Duration) -> Duration {
        var delay = interval
        for _ in 1..<max(1, failuresInARow) {
            delay = delay * 2
            if delay >= maximum { return max(maximum, interval) }
        }
        return delay
    }
}

extension Sampler where C == ContinuousClock {
    /// A sampler on the board's real clocks.
    public convenience init(schedules: [SensorSchedule], logger: Logger,
                            store: @escaping @Sendable ([PendingReading]) async throws -> Void) {
        self.init(schedules: schedules, clock: ContinuousClock(), timestamp: { SystemClock.now() },
                  logger: logger, store: store)
    }
}
