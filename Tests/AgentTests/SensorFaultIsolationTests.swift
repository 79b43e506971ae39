import Testing
import Configuration
import HAL
import HALSimulation
import Outbox
import Synchronization
import Pipeline
import Drivers
import Sampling
import SensorKit
@testable import Agent

/// Two buses with one simulated BME280 each; the tests break one and watch the other. Buses,
/// driver waits and the sampler all run on one manual clock, so the tests run in virtual time.
final class TwoBusBoard: Board {
    let manualClock = ManualClock()
    let faulty: SimulatedI2CBus
    let healthy: SimulatedI2CBus
    let faultyChip = SimulatedBME280()
    let healthyChip = SimulatedBME280()
    static let address = I2CAddress(UInt8(0x76))!  // a constant, not input

    init() {
        faulty = SimulatedI2CBus(clock: manualClock)
        healthy = SimulatedI2CBus(clock: manualClock)
        faultyChip.statusReadsWhileMeasuring = 0
        healthyChip.statusReadsWhileMeasuring = 0
        faulty.attach(faultyChip, at: Self.address)
        healthy.attach(healthyChip, at: Self.address)
    }

    var clock: any Clock<Duration> { manualClock }
    func i2cBus(_ number: Int) async throws -> any I2CBus { number == 1 ? faulty : healthy }
    func spiDevice(_ path: String, configuration: SPIConfiguration) async throws -> any SPIDevice {
        throw HALError(.noSuchDevice, operation: "open \(path)")
    }
}

/// What the sampler stored, by sensor.
private final class StoredReadings: Sendable {
    private let readings = Mutex<[PendingReading]>([])
    func add(_ batch: [PendingReading]) { readings.withLock { $0 += batch } }
    func count(_ id: String) -> Int { readings.withLock { $0.filter { $0.reading.sensorID == id }.count } }
}

/// The real sampler and BME280 driver against bus faults on the simulated bus: the faulty sensor
/// backs off and is reported unhealthy, the other keeps its schedule, and the faulty one
/// recovers by itself when the fault clears. All in virtual time: 50 ms slots, exact counts.
@Suite(.serialized) struct SensorFaultIsolationTests {
    func run(fault name: String, inject: (TwoBusBoard) -> Void, clear: (TwoBusBoard) -> Void,
             timeout: Duration = .seconds(2)) async throws {
        let board = TwoBusBoard()
        let clock = board.manualClock
        let stored = StoredReadings()
        func sensor(_ id: String, bus: Int) -> SensorSchedule {
            let configuration = GatewayConfiguration.SensorConfiguration(
                id: id, kind: "bme280", bus: .i2c(bus: bus, address: TwoBusBoard.address))
            return SensorSchedule(sensor: BME280Kind().makeSensor(configuration, board: board),
                                  interval: .milliseconds(50), timeout: timeout)
        }
        let sampler = Sampler(schedules: [sensor("faulty", bus: 1), sensor("healthy", bus: 2)], clock: clock,
                              timestamp: { SystemClock.now() }, logger: .init(label: "test")) { stored.add($0) }
        let task = Task(executorPreference: clock.executor) { await sampler.run() }
        defer { task.cancel() }
        await clock.waitForSleepers(2)
        /// Advances in 50 ms steps until `condition` holds, at most `limit` of virtual time;
        /// returns the virtual time it took.
        func advance(until condition: () -> Bool, limit: Duration) async -> Duration? {
            var elapsed = Duration.zero
            while elapsed < limit {
                if condition() { return elapsed }
                await clock.advance(by: .milliseconds(50))
                elapsed += .milliseconds(50)
            }
            return condition() ? elapsed : nil
        }

        await clock.advance(by: .milliseconds(500))
        #expect(stored.count("faulty") >= 9 * 3, "\(name): before the fault")
        inject(board)
        let unhealthyAfter = await advance(until: { sampler.sensorHealth["faulty"] == .unhealthy }, limit: .seconds(30))
        #expect(unhealthyAfter != nil, "\(name): never reported unhealthy")
        let faultyAtFault = stored.count("faulty")
        let healthyAtFault = stored.count("healthy")
        await clock.advance(by: .seconds(1))
        // During the fault: the healthy sensor kept its 50 ms schedule (20 slots, 3 readings
        // each; one slot of slack for the instant the second starts); the faulty one stored nothing.
        let healthyDuring = stored.count("healthy") - healthyAtFault
        #expect(healthyDuring >= 19 * 3, "\(name): healthy sensor stored \(healthyDuring) readings in 1 s")
        #expect(stored.count("faulty") == faultyAtFault)
        #expect(sampler.sensorHealth["healthy"] == .healthy)

        clear(board)
        // Backoff is capped at 300 s: recovery comes within one capped retry.
        let recoveredAfter = await advance(until: { sampler.sensorHealth["faulty"] == .healthy }, limit: .seconds(310))
        #expect(recoveredAfter != nil, "\(name): never recovered")
        await clock.advance(by: .milliseconds(100))
        #expect(stored.count("faulty") > faultyAtFault)
        print("figures: \(name): unhealthy after \(unhealthyAfter.map { "\($0)" } ?? "never") (virtual), healthy sensor "
              + "stored \(healthyDuring) readings during 1 s of fault, faulty sensor 0; recovered "
              + "\(recoveredAfter.map { "\($0)" } ?? "never") after the fault cleared")
    }

    @Test func nackStorm() async throws {
        // The chip stops answering its address (a loose wire): every transfer is an address NACK.
        try await run(fault: "NACK storm", inject: { $0.faulty.detach(at: TwoBusBoard.address) },
                      clear: { $0.faulty.attach($0.faultyChip, at: TwoBusBoard.address) })
    }

    @Test func stuckBus() async throws {
        // SDA held low by a confused slave: every transfer on that bus fails with a bus error.
        try await run(fault: "stuck bus", inject: { $0.faulty.isStuck = true }, clear: { $0.faulty.isStuck = false })
    }

    @Test func corruptData() async throws {
        // The chip answers, but with garbage (the BME280 has no CRC; a CRC mismatch on a sensor
        // that has one takes the same path: HALError.badData). A wrong chip id after a glitch:
        // the driver re-checks the chip after a failure and refuses it.
        try await run(fault: "corrupt data",
                      inject: { board in
                          board.faulty.failNext(1, with: .busError)   // forces a re-check of the chip
                          board.faultyChip.withRegisters { $0[0xD0] = 0x58 }  // a BMP280's id, not a BME280's
                      },
                      clear: { board in board.faultyChip.withRegisters { $0[0xD0] = 0x60 } })
    }

    @Test func slowSensor() async throws {
        // Each transfer takes 400 ms (clock stretching): a measurement needs several, more than
        // its 300 ms budget.
        try await run(fault: "slow sensor", inject: { $0.faulty.clockStretch = .milliseconds(400) },
                      clear: { $0.faulty.clockStretch = nil }, timeout: .milliseconds(300))
    }
}
