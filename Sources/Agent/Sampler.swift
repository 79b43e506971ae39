import HAL
import Logging
import Metrics
import Outbox
import Pipeline
import Synchronization

/// Runs every sensor on its own schedule and stores what they measure.
///
/// One task per sensor, so a slow or failing sensor never delays the others. A failure is
/// logged, counted and retried with a growing delay (up to ``maximumBackoff``); after
/// ``unhealthyAfter`` failures in a row the sensor is reported unhealthy, and it recovers by
/// itself when a measurement succeeds again.
public final class Sampler: Sendable {
    private let schedules: [SensorSchedule]
    private let store: @Sendable ([PendingReading]) async throws -> Void
    private let logger: Logger
    private let health: Mutex<[String: SensorHealth]>

    /// Failures in a row after which a sensor is reported unhealthy.
    public let unhealthyAfter = 3
    /// Longest delay between retries of a failing sensor.
    public let maximumBackoff: Duration = .seconds(300)

    /// Creates a sampler that hands each sample's valid readings to `store` (a
    /// ``ReadingBuffer`` in the agent).
    public init(schedules: [SensorSchedule], logger: Logger,
                store: @escaping @Sendable ([PendingReading]) async throws -> Void) {
        self.schedules = schedules
        self.logger = logger
        self.store = store
        health = Mutex(Dictionary(uniqueKeysWithValues: schedules.map { ($0.sensor.id, .starting) }))
    }

    /// Creates a sampler that commits every sample straight to `outbox` (no batching).
    public convenience init(schedules: [SensorSchedule], outbox: OutboxStore, logger: Logger,
                            onStored: @escaping @Sendable () -> Void) {
        self.init(schedules: schedules, logger: logger) { readings in
            _ = try await outbox.append(pending: readings)
            onStored()
        }
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
        let clock = ContinuousClock()
        var logger = self.logger
        logger[metadataKey: "sensor"] = "\(sensor.id)"
        let stored = Counter(label: "sensorgw_readings_stored_total", dimensions: [("sensor", sensor.id)])
        let rejected = Counter(label: "sensorgw_readings_rejected_total", dimensions: [("sensor", sensor.id)])
        let failures = Counter(label: "sensorgw_sensor_failures_total", dimensions: [("sensor", sensor.id)])
        let storageFailures = Counter(label: "sensorgw_storage_failures_total", dimensions: [("sensor", sensor.id)])

        var prepared = false
        var failuresInARow = 0
        var next = clock.now
        while !Task.isCancelled {
            do {
                try await clock.sleep(until: next)
            } catch {
                return
            }
            do {
                if !prepared {
                    try await sensor.prepare()
                    prepared = true
                }
                let readings = try await Self.measure(sensor, timeout: schedule.timeout)
                var valid: [Reading] = []
                for reading in readings {
                    if let rejection = reading.rejection() {
                        rejected.increment()
                        logger.warning("reading dropped", metadata: [
                            "quantity": "\(reading.quantity)", "value": "\(reading.value)", "why": "\(rejection.rawValue)",
                        ])
                    } else {
                        valid.append(reading)
                    }
                }
                do {
                    try await store(valid.map { PendingReading($0, priority: schedule.priority) })
                    stored.increment(by: valid.count)
                    logger.debug("readings stored", metadata: ["readings": "\(valid.map { "\($0.quantity)=\($0.value)" }.joined(separator: ","))"])
                } catch {
                    // The sensor is fine; the storage is not (disk full, card failing). Count
                    // the lost measurement and keep the schedule: the next one may fit.
                    storageFailures.increment()
                    logger.error("cannot store readings", metadata: ["error": "\(error)", "readings": "\(valid.count)"])
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
                // (another calibration): check it again before trusting its numbers. It costs three
                // short transfers per retry, and retries back off.
                prepared = false
                if failuresInARow == unhealthyAfter {
                    setHealth(.unhealthy, for: sensor.id)
                    logger.error("sensor unhealthy", metadata: ["error": "\(error)", "failures": "\(failuresInARow)"])
                } else {
                    logger.warning("measurement failed", metadata: ["error": "\(error)", "failures": "\(failuresInARow)"])
                }
                let delay = Self.retryDelay(interval: schedule.interval, failuresInARow: failuresInARow,
                                            maximum: maximumBackoff)
                next = clock.now + delay
            }
        }
    }

    /// One measurement, or a `.timeout` HALError when it takes longer than `timeout`.
    static func measure(_ sensor: any Sensor, timeout: Duration) async throws -> [Reading] {
        try await withThrowingTaskGroup(of: [Reading]?.self) { group in
            group.addTask { try await sensor.measure(at: SystemClock.now()) }
            group.addTask {
                try await Task.sleep(for: timeout)
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

    /// The next start on a fixed-rate schedule; after an overrun it restarts from now rather
    /// than firing a burst of catch-up measurements.
    static func nextStart(after previous: ContinuousClock.Instant, interval: Duration,
                          now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        let next = previous + interval
        return next < now ? now + interval : next
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
