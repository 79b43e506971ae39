import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

private let trigger = GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("GPIO23"))
private let echo = GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("GPIO24"))
private let options = HCSR04Kind.Options(trigger: GPIOPinSetting(trigger), echo: GPIOPinSetting(echo))

@Suite("HC-SR04 datasheet arithmetic")
struct HCSR04EchoTests {
    @Test("Range = high time × sound speed / 2: 5831 µs of echo is 1 m at 343 m/s (datasheet: µs / 58 = cm at 340 m/s)")
    func distance() throws {
        let metres = try #require(HCSR04Echo.distanceMetres(riseNanoseconds: 2_000_000_000, fallNanoseconds: 2_005_831_000))
        #expect(abs(metres - 1.0) < 1e-4)
        // The datasheet's own rule of thumb agrees within the speed-of-sound difference (1 %).
        #expect(abs(metres * 100 - 5831.0 / 58) / (5831.0 / 58) < 0.01)
        #expect(HCSR04Echo.distanceMetres(riseNanoseconds: 5, fallNanoseconds: 5) == nil)
    }

    @Test("The echo is the first rise and the fall after it; a fall before the rise is ignored")
    func pairing() {
        let events = [GPIOEdgeEvent(edge: .falling, timestampNanoseconds: 1, sequence: 1),
                      GPIOEdgeEvent(edge: .rising, timestampNanoseconds: 10, sequence: 2),
                      GPIOEdgeEvent(edge: .falling, timestampNanoseconds: 30, sequence: 3)]
        #expect(HCSR04Echo.echoPair(events).map { [$0.rise, $0.fall] } == [10, 30])
        #expect(HCSR04Echo.echoPair(Array(events.prefix(2))) == nil)
    }
}

@Suite("hcsr04 on the simulated GPIO")
struct HCSR04Tests {
    /// Waits until the trigger has been pulsed once (initial low, high, low).
    private func waitForPulse(_ gpio: SimulatedGPIO) async throws {
        for _ in 0..<2000 where gpio.outputHistory(trigger) != [false, true, false] {
            try await Task.sleep(for: .milliseconds(1))
        }
        #expect(gpio.outputHistory(trigger) == [false, true, false])
    }

    @Test("A trigger pulse, then an echo of 5831 µs by the kernel's timestamps: 1 m")
    func ranging() async throws {
        let gpio = SimulatedGPIO()
        let driver = HCSR04(controller: gpio, options: options, sensorID: "tank", clock: ContinuousClock())
        try await driver.prepareForSampling()
        let sample = Task { try await driver.sample(sensorID: "tank", at: SystemClock.now()) }
        try await waitForPulse(gpio)
        gpio.drive(echo, to: true, timestampNanoseconds: 7_000_000_000)
        gpio.drive(echo, to: false, timestampNanoseconds: 7_005_831_000)
        let readings = try await sample.value
        #expect(readings.map(\.quantity) == ["distance"])
        #expect(readings.map(\.unit.rawValue) == ["m"])
        #expect(abs(readings[0].numberOrNaN - 1.0) < 1e-4)
    }

    @Test("No echo: a typed timeout after 60 ms of the board's clock (virtual here)")
    func timeout() async throws {
        let gpio = SimulatedGPIO()
        let clock = ManualClock()
        let driver = HCSR04(controller: gpio, options: options, sensorID: "tank", clock: clock)
        try await driver.prepareForSampling()
        let sample = Task { try await driver.sample(sensorID: "tank", at: SystemClock.now()) }
        await clock.waitForSleepers(1)            // the 10 µs trigger pulse
        await clock.advance(by: .microseconds(10))
        await clock.waitForSleepers(1)            // the echo's deadline
        await clock.advance(by: .milliseconds(60))
        do {
            _ = try await sample.value
            Issue.record("no echo gave a reading")
        } catch let error as HALError {
            #expect(error.kind == .timeout)
        }
    }

    @Test("An echo beyond the module's 4 m is badData, not a reading")
    func outOfRange() async throws {
        let gpio = SimulatedGPIO()
        let driver = HCSR04(controller: gpio, options: options, sensorID: "tank", clock: ContinuousClock())
        try await driver.prepareForSampling()
        let sample = Task { try await driver.sample(sensorID: "tank", at: SystemClock.now()) }
        try await waitForPulse(gpio)
        gpio.drive(echo, to: true, timestampNanoseconds: 1_000_000_000)
        gpio.drive(echo, to: false, timestampNanoseconds: 1_038_000_000)  // 38 ms: nothing in range
        do {
            _ = try await sample.value
            Issue.record("a 6.5 m echo gave a reading")
        } catch let error as HALError {
            #expect(error.kind == .badData)
        }
    }
}
