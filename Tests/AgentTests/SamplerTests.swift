import Testing
import Configuration
import HAL
import HALSimulation
import Outbox
import Pipeline
@testable import Agent
#if canImport(Glibc)
import Glibc
#endif

/// A sensor over a simulated bus whose faults the test controls.
private actor FlakySensor: Sensor {
    nonisolated let id: String
    var failing: Bool
    private(set) var attempts = 0

    init(id: String, failing: Bool) {
        self.id = id
        self.failing = failing
    }

    func setFailing(_ value: Bool) { failing = value }
    func prepare() async throws {}

    func measure(at timestamp: Timestamp) async throws -> [Reading] {
        attempts += 1
        if failing { throw HALError(.addressNACK, errno: 6, operation: "i2c transaction @0x76") }
        return [Reading(sensorID: id, quantity: "temperature", value: 20, unit: .celsius, timestamp: timestamp)]
    }
}

private func temporaryPath() -> String {
    "/tmp/sensorgw-sampler-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sqlite"
}

@Suite struct SamplerTests {
    @Test func aFailingSensorIsReportedUnhealthyWhileTheOthersKeepTheirScheduleAndItRecovers() async throws {
        let outbox = try OutboxStore(path: temporaryPath())
        let good = FlakySensor(id: "good", failing: false)
        let bad = FlakySensor(id: "bad", failing: true)
        let sampler = Sampler(
            schedules: [SensorSchedule(sensor: good, interval: .milliseconds(20)),
                        SensorSchedule(sensor: bad, interval: .milliseconds(20))],
            outbox: outbox, logger: .init(label: "test")) {}
        let task = Task { await sampler.run() }
        defer { task.cancel() }

        try await waitFor { sampler.sensorHealth["bad"] == .unhealthy }
        #expect(sampler.sensorHealth["good"] == .healthy)
        // The bad sensor backs off (20, 40, 80 ms ...) and never blocks the good one.
        try await waitFor { try await outbox.count() >= 10 }
        let stored = try await outbox.pending(after: 0, limit: 1_000)
        #expect(stored.allSatisfy { $0.sensorID == "good" })

        await bad.setFailing(false)
        try await waitFor { sampler.sensorHealth["bad"] == .healthy }
        try await waitFor { try await outbox.pending(after: 0, limit: 10_000).contains { $0.sensorID == "bad" } }
    }

    @Test func outOfRangeReadingsAreDroppedNotStored() async throws {
        struct HotSensor: Sensor {
            let id = "hot"
            func prepare() async throws {}
            func measure(at timestamp: Timestamp) async throws -> [Reading] {
                [Reading(sensorID: id, quantity: "temperature", value: 300, unit: .celsius, timestamp: timestamp),
                 Reading(sensorID: id, quantity: "humidity", value: 50, unit: .relativeHumidity, timestamp: timestamp)]
            }
        }
        let outbox = try OutboxStore(path: temporaryPath())
        let sampler = Sampler(schedules: [SensorSchedule(sensor: HotSensor(), interval: .milliseconds(20))],
                              outbox: outbox, logger: .init(label: "test")) {}
        let task = Task { await sampler.run() }
        defer { task.cancel() }
        try await waitFor { try await outbox.count() >= 3 }
        #expect(try await outbox.pending(after: 0, limit: 100).allSatisfy { $0.quantity == "humidity" })
    }

    @Test func retryDelayDoublesFromTheIntervalUpToTheCap() {
        #expect(Sampler.retryDelay(interval: .seconds(1), failuresInARow: 1, maximum: .seconds(300)) == .seconds(1))
        #expect(Sampler.retryDelay(interval: .seconds(1), failuresInARow: 4, maximum: .seconds(300)) == .seconds(8))
        #expect(Sampler.retryDelay(interval: .seconds(1), failuresInARow: 40, maximum: .seconds(300)) == .seconds(300))
        // Never retry faster than the sensor's own schedule.
        #expect(Sampler.retryDelay(interval: .seconds(600), failuresInARow: 3, maximum: .seconds(300)) == .seconds(600))
    }

    @Test func aSimulatedBoardServesTheConfiguredChips() async throws {
        let address = try #require(I2CAddress(0x77))
        let board = SimulatedBoard(sensors: [.init(id: "a", type: .bme280, bus: .i2c(bus: 3, address: address))])
        #expect(try await Probes.scanI2C(board: board, bus: 3) == [address])
        #expect(try await Probes.scanI2C(board: board, bus: 1) == [])
        let readings = try await Probes.readBME280(board: board, at: .i2c(bus: 3, address: address))
        #expect(readings.map(\.unit) == [.celsius, .pascal, .relativeHumidity])
        // The demo weather swings 21.5 ± 2 °C.
        #expect(readings[0].value >= 19.4 && readings[0].value <= 23.6)
    }
}

/// Polls until `condition` holds, for at most 10 s.
func waitFor(_ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("condition not met within 10 s")
}
