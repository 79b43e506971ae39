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
    private let outbox: OutboxStore
    private let onStored: @Sendable () -> Void
    private let logger: Logger
    private let health: Mutex<[String: SensorHealth]>

    /// Failures in a row after which a sensor is reported unhealthy.
    public let unhealthyAfter = 3
    /// Longest delay between retries of a failing sensor.
    public let maximumBackoff: Duration = .seconds(300)

    /// Creates a sampler; `onStored` is called after each successful store (to wake the uplink).
    public init(schedules: [SensorSchedule], outbox: OutboxStore, logger: Logger,
                onStored: @escaping @Sendable () -> Void) {
        self.schedules = schedules
        self.outbox = outbox
        self.logger = logger
        self.onStored = onStored
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
                let readings = try await sensor.measure(at: SystemClock.now())
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
                    _ = try await outbox.append(valid)
                    stored.increment(by: valid.count)
                    logger.debug("readings stored", metadata: ["readings": "\(valid.map { "\($0.quantity)=\($0.value)" }.joined(separator: ","))"])
                    onStored()
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
                // After a loss of contact the chip may have been replaced or reset: check it again.
                if let halError = error as? HALError, [.addressNACK, .noSuchDevice, .badData].contains(halError.kind) {
                    prepared = false
                }
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
