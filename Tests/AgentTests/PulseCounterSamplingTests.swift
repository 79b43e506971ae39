import Configuration
import HAL
import HALSimulation
import Outbox
import Pipeline
import Sampling
import SensorKit
import Synchronization
import Testing
@testable import Drivers

/// A pulse counter under the real sampler, in virtual time: the samples run on a manual clock
/// 10 s apart while the pulses carry kernel timestamps of their own, and the rate follows the
/// timestamps, not the sampler's slots.
@Suite struct PulseCounterSamplingTests {
    @Test func eachSlotReportsTheRateOfItsPulsesByTheirTimestamps() async throws {
        let clock = ManualClock()
        let gpio = SimulatedGPIO()
        let line = GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("GPIO27"))
        let options = PulseCounterKind.Options(line: GPIOInputLineOptions(pin: GPIOPinSetting(line), bias: .pullUp),
                                               edges: .falling)
        let driver = PulseCounterSensor(controller: gpio, options: options, sensorID: "wind")
        let configuration = GatewayConfiguration.SensorConfiguration(id: "wind", kind: "pulse_counter", bus: .none,
                                                                     options: options)
        let schedule = SensorSchedule(sensor: LazySensor(id: "wind") { driver }, interval: .seconds(10),
                                      pipeline: PulseCounterKind().pipeline(for: configuration))
        let stored = Mutex<[Reading]>([])
        let sampler = Sampler(schedules: [schedule], clock: clock, timestamp: { SystemClock.now() },
                              logger: .init(label: "test")) { batch in stored.withLock { $0 += batch.map(\.reading) } }
        let task = Task(executorPreference: clock.executor) { await sampler.run() }
        defer { task.cancel() }
        // The sensor's actors run off the clock's executor: wait for the store, in real time.
        func waitForStored(_ count: Int) async throws {
            for _ in 0..<2000 where stored.withLock({ $0.count }) < count { try await Task.sleep(for: .milliseconds(1)) }
        }

        // Slot 0: the line is requested and nothing has been counted.
        try await waitForStored(1)
        #expect(stored.withLock { $0.map(\.quantity) } == ["count"])
        // Four falls 0.5 s apart by the kernel's clock (rises between them are not counted).
        for index in 0..<4 {
            let start = UInt64(100_000_000_000) + UInt64(index) * 500_000_000
            gpio.drive(line, to: false, timestampNanoseconds: start)
            gpio.drive(line, to: true, timestampNanoseconds: start + 100_000_000)
        }
        for _ in 0..<2000 where await driver.eventsRecorded < 4 { try await Task.sleep(for: .milliseconds(1)) }
        await clock.waitForSleepers(1)
        await clock.advance(by: .seconds(10))
        try await waitForStored(3)
        let slot1 = stored.withLock { Array($0.dropFirst()) }
        #expect(slot1.map(\.quantity) == ["count", "rate"])
        #expect(slot1.map(\.numberOrNaN) == [4, 2])  // 3 periods in 1.5 s, whatever the 10 s slot
        // Slot 2: no pulses, rate 0, the total stays.
        await clock.waitForSleepers(1)
        await clock.advance(by: .seconds(10))
        try await waitForStored(5)
        #expect(stored.withLock { $0.count } == 5)
        #expect(stored.withLock { $0.suffix(2).map(\.numberOrNaN) } == [4, 0])
    }
}

extension Reading {
    fileprivate var numberOrNaN: Double { number ?? .nan }
}
