import HAL
import HALSimulation
import Logging
import Outbox
import Pipeline
import Synchronization
import Testing
@testable import Sampling

/// A sensor whose behaviour the test sets: answer at once, take `delay` of virtual time, or fail.
private actor ScriptedSensor: Sensor {
    enum Behaviour { case answer, fail, take(Duration) }
    nonisolated let id: String
    private let clock: ManualClock
    private var behaviour: Behaviour
    /// Virtual times at which a measurement started.
    private(set) var starts: [Duration] = []
    private(set) var prepares = 0

    init(id: String, clock: ManualClock, behaviour: Behaviour = .answer) {
        self.id = id
        self.clock = clock
        self.behaviour = behaviour
    }

    func set(_ behaviour: Behaviour) { self.behaviour = behaviour }
    func prepare() async throws { prepares += 1 }

    func measure(at timestamp: Timestamp) async throws -> [Reading] {
        starts.append(clock.now.offset)
        switch behaviour {
        case .answer: break
        case .fail: throw HALError(.addressNACK, errno: 6, operation: "i2c transaction @0x76")
        case .take(let delay): try await clock.sleep(until: clock.now.advanced(by: delay))
        }
        return [Reading(sensorID: id, quantity: "temperature", value: 20, unit: .celsius, timestamp: timestamp)]
    }
}

/// What the sampler handed to storage.
private final class Stored: Sendable {
    private let readings = Mutex<[PendingReading]>([])
    func add(_ batch: [PendingReading]) { readings.withLock { $0 += batch } }
    var all: [PendingReading] { readings.withLock { $0 } }
}

private let stamp = Timestamp(wallSeconds: 1_800_000_000, monotonicNanoseconds: 1, clockSynchronized: true)

/// A sampler on a manual clock; returns it with the task running it (cancel to stop).
private func start(_ schedules: [SensorSchedule], clock: ManualClock, stored: Stored) async -> (Sampler<ManualClock>, Task<Void, Never>) {
    let sampler = Sampler(schedules: schedules, clock: clock, timestamp: { stamp }, logger: .init(label: "test")) {
        stored.add($0)
    }
    let task = Task(executorPreference: clock.executor) { await sampler.run() }
    // Every sensor measured at time zero and waits for its next slot (or for its measurement).
    await clock.waitForSleepers(schedules.count)
    return (sampler, task)
}

/// Keeps every log record's level, message and metadata (the logger's and the call's).
private final class LogRecorder: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }
    private let records = Mutex<[Record]>([])
    var all: [Record] { records.withLock { $0 } }

    var logger: Logger {
        Logger(label: "test") { _ in Handler(recorder: self) }
    }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, call in call }
            recorder.records.withLock { $0.append(Record(level: event.level, message: "\(event.message)", metadata: merged)) }
        }
    }
}

@Suite(.serialized) struct SamplerTests {
    @Test func schedulesAreFixedRateAndDoNotDriftWhenMeasuringTakesTime() async throws {
        let clock = ManualClock()
        let stored = Stored()
        // Each measurement takes 300 ms of the 1 s interval: starts stay on whole seconds.
        let slowish = ScriptedSensor(id: "a", clock: clock, behaviour: .take(.milliseconds(300)))
        let fast = ScriptedSensor(id: "b", clock: clock)
        let (_, task) = await start([SensorSchedule(sensor: slowish, interval: .seconds(1)),
                                     SensorSchedule(sensor: fast, interval: .milliseconds(2500))],
                                    clock: clock, stored: stored)
        await clock.advance(by: .seconds(10))
        task.cancel()
        #expect(await slowish.starts == (0...10).map { Duration.seconds($0) })
        #expect(await fast.starts == [.zero, .milliseconds(2500), .seconds(5), .milliseconds(7500), .seconds(10)])
        #expect(stored.all.filter { $0.reading.sensorID == "a" }.count == 10)  // the 11th is still measuring
    }

    @Test func aHungSensorTimesOutAndNeverDelaysAnother() async throws {
        let clock = ManualClock()
        let stored = Stored()
        let hung = ScriptedSensor(id: "hung", clock: clock, behaviour: .take(.seconds(3600)))
        let good = ScriptedSensor(id: "good", clock: clock)
        let (sampler, task) = await start(
            [SensorSchedule(sensor: hung, interval: .seconds(1), timeout: .seconds(2)),
             SensorSchedule(sensor: good, interval: .seconds(1))], clock: clock, stored: stored)
        await clock.advance(by: .seconds(20))
        task.cancel()
        // The good sensor kept every slot while the hung one held none longer than its timeout.
        #expect(await good.starts == (0...20).map { Duration.seconds($0) })
        #expect(stored.all.allSatisfy { $0.reading.sensorID == "good" })
        // Timeouts are failures: starts at 0, then 2 s timeout + 1 s retry = 3, then +2+2 = 7,
        // then +2+4 = 13 (unhealthy after the third failure).
        #expect(await hung.starts == [.zero, .seconds(3), .seconds(7), .seconds(13)])
        #expect(sampler.sensorHealth["hung"] == .unhealthy)
        #expect(sampler.sensorHealth["good"] == .healthy)
    }

    @Test func aFailingSensorBacksOffIsReportedUnhealthyAndRecoversByItself() async throws {
        let clock = ManualClock()
        let stored = Stored()
        let flaky = ScriptedSensor(id: "flaky", clock: clock, behaviour: .fail)
        let (sampler, task) = await start([SensorSchedule(sensor: flaky, interval: .seconds(1))],
                                          clock: clock, stored: stored)
        #expect(sampler.sensorHealth["flaky"] == .starting)  // one failure is not yet unhealthy
        await clock.advance(by: .seconds(30))
        // Retries at +1, +2, +4, +8, +16 s after each failure: 0, 1, 3, 7, 15.
        #expect(await flaky.starts == [.zero, .seconds(1), .seconds(3), .seconds(7), .seconds(15)])
        #expect(sampler.sensorHealth["flaky"] == .unhealthy)
        // Each failure re-checks the chip before the next measurement.
        #expect(await flaky.prepares == 5)

        await flaky.set(.answer)
        await clock.advance(by: .seconds(16))  // the retry due at 31 s succeeds
        #expect(sampler.sensorHealth["flaky"] == .healthy)
        let afterRecovery = await flaky.starts.filter { $0 > .seconds(15) }
        #expect(afterRecovery.first == .seconds(31))
        // Back on its 1 s schedule from the successful start.
        #expect(afterRecovery == (31...46).map { Duration.seconds($0) })
        task.cancel()
        #expect(stored.all.count == afterRecovery.count)
    }

    @Test func failureLogsNameTheSensorItsBusAndTheErrno() async throws {
        // journald's SENSOR=, BUS= and ERRNO= come from these metadata keys (AgentLogHandler).
        let clock = ManualClock()
        let recorder = LogRecorder()
        let flaky = ScriptedSensor(id: "flaky", clock: clock, behaviour: .fail)
        let sampler = Sampler(schedules: [SensorSchedule(sensor: flaky, interval: .seconds(1), bus: "i2c-1")],
                              clock: clock, timestamp: { stamp }, logger: recorder.logger) { _ in }
        let task = Task(executorPreference: clock.executor) { await sampler.run() }
        await clock.waitForSleepers(1)
        await clock.advance(by: .seconds(4))  // failures at 0, 1 and 3 s: the third is unhealthy
        task.cancel()
        let failures = recorder.all.filter { $0.message == "measurement failed" || $0.message == "sensor unhealthy" }
        #expect(failures.map(\.message) == ["measurement failed", "measurement failed", "sensor unhealthy"])
        for record in failures {
            #expect(record.metadata["sensor"] == "flaky")
            #expect(record.metadata["bus"] == "i2c-1")
            #expect(record.metadata["errno"] == "6", "ScriptedSensor fails with HALError errno 6 (ENXIO)")
        }
        #expect(failures.last?.level == .error)
    }

    @Test func readingsPassThePipelineAndDropsNeverReachStorage() async throws {
        struct HotSensor: Sensor {
            let id = "hot"
            func prepare() async throws {}
            func measure(at timestamp: Timestamp) async throws -> [Reading] {
                [Reading(sensorID: id, quantity: "temperature", value: 300, unit: .celsius, timestamp: timestamp),
                 Reading(sensorID: id, quantity: "humidity", value: 50, unit: .relativeHumidity, timestamp: timestamp)]
            }
        }
        let clock = ManualClock()
        let stored = Stored()
        let pipeline = ReadingPipeline([ValidationStage(rules: [
            QuantityRule("temperature", unit: .celsius, validRange: -40...85),
            QuantityRule("humidity", unit: .relativeHumidity, validRange: 0...100),
        ])])
        let (_, task) = await start([SensorSchedule(sensor: HotSensor(), interval: .seconds(1), priority: .critical,
                                                    pipeline: pipeline)], clock: clock, stored: stored)
        await clock.advance(by: .seconds(2))
        task.cancel()
        #expect(stored.all.map(\.reading.quantity) == ["humidity", "humidity", "humidity"])
        #expect(stored.all.allSatisfy { $0.priority == .critical && $0.reading.timestamp == stamp })
    }

    @Test func nextStartSkipsMissedSlotsInsteadOfBursting() {
        typealias I = ManualClock.Instant
        let start = I(offset: .seconds(10))
        #expect(Sampler<ManualClock>.nextStart(after: start, interval: .seconds(1), now: I(offset: .milliseconds(10_500)))
            == I(offset: .seconds(11)))
        // Overran by 3.5 intervals: the next start is one interval from now, not three catch-ups.
        #expect(Sampler<ManualClock>.nextStart(after: start, interval: .seconds(1), now: I(offset: .milliseconds(14_500)))
            == I(offset: .milliseconds(15_500)))
    }

    @Test func retryDelayDoublesFromTheIntervalUpToTheCap() {
        typealias S = Sampler<ManualClock>
        #expect(S.retryDelay(interval: .seconds(1), failuresInARow: 1, maximum: .seconds(300)) == .seconds(1))
        #expect(S.retryDelay(interval: .seconds(1), failuresInARow: 4, maximum: .seconds(300)) == .seconds(8))
        #expect(S.retryDelay(interval: .seconds(1), failuresInARow: 40, maximum: .seconds(300)) == .seconds(300))
        // Never retry faster than the sensor's own schedule.
        #expect(S.retryDelay(interval: .seconds(600), failuresInARow: 3, maximum: .seconds(300)) == .seconds(600))
    }
}
