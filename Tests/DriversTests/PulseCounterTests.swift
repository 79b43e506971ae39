import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

private let gauge = GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("GPIO27"))
private let second: UInt64 = 1_000_000_000

private func edge(_ seconds: Double, _ sequence: UInt64) -> GPIOEdgeEvent {
    GPIOEdgeEvent(edge: .falling, timestampNanoseconds: UInt64(seconds * 1e9), sequence: sequence)
}

@Suite("Pulse tally: count and rate from edge timestamps")
struct PulseTallyTests {
    @Test("n edges span n-1 periods at first; later windows count from the last edge before them")
    func rateFromTimestamps() {
        var tally = PulseTally()
        for (index, time) in [1.0, 1.5, 2.0].enumerated() { tally.record(edge(time, UInt64(index + 1))) }
        #expect(tally.closeWindow() == 2)          // 2 periods in 1.0 s
        for (index, time) in [2.25, 2.5, 2.75, 3.0].enumerated() { tally.record(edge(time, UInt64(index + 4))) }
        #expect(tally.closeWindow() == 4)          // 4 pulses from 2.0 s to 3.0 s
        #expect(tally.total == 7)
        #expect(tally.closeWindow() == 0)          // no edge: stopped
    }

    @Test("One edge gives no rate yet; none at all gives none")
    func tooFewEdges() {
        var tally = PulseTally()
        #expect(tally.closeWindow() == nil)
        tally.record(edge(5, 1))
        #expect(tally.closeWindow() == nil)
        tally.record(edge(15, 2))
        #expect(tally.closeWindow() == 0.1)        // one pulse in the 10 s since the last
    }

    @Test("A gap in the kernel's sequence numbers is pulses lost: counted in the total, not in the rate")
    func lostEvents() {
        var tally = PulseTally()
        tally.record(edge(1, 1))
        tally.record(edge(2, 2))
        tally.record(edge(3, 5))
        #expect(tally.total == 5)
        #expect(tally.lost == 2)
        #expect(tally.closeWindow() == 1)          // 2 periods over the 2 s the timestamps span
    }
}

@Suite("pulse_counter on the simulated GPIO")
struct PulseCounterTests {
    /// Drives `level` changes at the given kernel timestamps (seconds).
    private func drive(_ gpio: SimulatedGPIO, _ changes: [(Bool, Double)]) {
        for (level, time) in changes { gpio.drive(gauge, to: level, timestampNanoseconds: UInt64(time * 1e9)) }
    }

    private func waitForEvents(_ driver: PulseCounterSensor, _ count: UInt64) async throws {
        for _ in 0..<2000 where await driver.eventsRecorded < count {
            try await Task.sleep(for: .milliseconds(1))
        }
        #expect(await driver.eventsRecorded == count)
    }

    @Test("Rain gauge, 0.2794 mm per tip (weather meter datasheet): falling edges only, rate from their timestamps")
    func rainGauge() async throws {
        let gpio = SimulatedGPIO()
        let options = PulseCounterKind.Options(line: GPIOInputLineOptions(pin: GPIOPinSetting(gauge), bias: .pullUp),
                                               edges: .falling, scale: 0.0002794, unit: SenMLUnit(rawValue: "m"))
        let driver = PulseCounterSensor(controller: gpio, options: options, sensorID: "rain")
        try await driver.prepareForSampling()
        // The pull-up holds the line high; each tip closes the reed switch for a moment:
        // three falls (10 s, 20 s, 30 s) and the rises between them, which are not counted.
        drive(gpio, [(false, 10), (true, 10.1), (false, 20), (true, 20.1), (false, 30), (true, 30.1)])
        try await waitForEvents(driver, 3)
        // The samples run now, milliseconds apart in wall time; the rate comes from the edges.
        let readings = try await driver.sample(sensorID: "rain", at: SystemClock.now())
        #expect(readings.map(\.quantity) == ["count", "rate"])
        #expect(readings.map(\.unit.rawValue) == ["m", "m/s"])
        #expect(abs(readings[0].numberOrNaN - 3 * 0.0002794) < 1e-12)
        #expect(abs(readings[1].numberOrNaN - 0.1 * 0.0002794) < 1e-12)  // 2 periods in 20 s
        let later = try await driver.sample(sensorID: "rain", at: SystemClock.now())
        #expect(later.map(\.numberOrNaN).last == 0)
        #expect(abs(later[0].numberOrNaN - 3 * 0.0002794) < 1e-12)  // the total stays
    }

    @Test("Anemometer: one closure per second is 2.4 km/h (weather meter datasheet), scale 0.6667 m per pulse")
    func anemometerBothEdges() async throws {
        let gpio = SimulatedGPIO()
        let perPulse = 2.4 / 3.6  // m of wind run per pulse at 1 pulse/s
        let options = PulseCounterKind.Options(line: GPIOInputLineOptions(pin: GPIOPinSetting(gauge), bias: .pullDown),
                                               edges: .rising, scale: perPulse, unit: SenMLUnit(rawValue: "m"))
        let driver = PulseCounterSensor(controller: gpio, options: options, sensorID: "wind")
        try await driver.prepareForSampling()
        drive(gpio, (0..<5).flatMap { [(true, Double($0) + 1), (false, Double($0) + 1.5)] })
        try await waitForEvents(driver, 5)
        let readings = try await driver.sample(sensorID: "wind", at: SystemClock.now())
        #expect(abs(readings[1].numberOrNaN - perPulse) < 1e-9)  // 1 pulse/s → 2.4 km/h in m/s
    }

    @Test("Counting both edges doubles the count; count alone in counts and 1/s by default")
    func bothEdgesDefaultUnit() async throws {
        let gpio = SimulatedGPIO()
        let options = PulseCounterKind.Options(line: GPIOInputLineOptions(pin: GPIOPinSetting(gauge), bias: .pullDown),
                                               edges: .both)
        let driver = PulseCounterSensor(controller: gpio, options: options, sensorID: "flow")
        try await driver.prepareForSampling()
        drive(gpio, [(true, 1), (false, 2), (true, 3), (false, 4)])
        try await waitForEvents(driver, 4)
        let readings = try await driver.sample(sensorID: "flow", at: SystemClock.now())
        #expect(readings.map(\.numberOrNaN) == [4, 1])
        #expect(readings.map(\.unit.rawValue) == ["count", "1/s"])
    }

    @Test("Readings pass the kind's own validation (declared quantities and units)")
    func validation() async throws {
        let kind = PulseCounterKind()
        let options = PulseCounterKind.Options(line: GPIOInputLineOptions(pin: GPIOPinSetting(gauge)),
                                               scale: 0.5, unit: SenMLUnit(rawValue: "l"))
        let sensor = GatewayConfiguration.SensorConfiguration(id: "flow", kind: kind.name, bus: .none, options: options)
        let board = SimulatedBoard(sensors: [sensor], registry: .builtIn)
        let sampler = kind.makeSensor(sensor, board: board)
        try await sampler.prepare()
        board.gpio.drive(gauge, to: true, timestampNanoseconds: 1 * second)
        board.gpio.drive(gauge, to: false, timestampNanoseconds: 2 * second)
        board.gpio.drive(gauge, to: true, timestampNanoseconds: 3 * second)
        board.gpio.drive(gauge, to: false, timestampNanoseconds: 4 * second)
        var readings: [Reading] = []
        for _ in 0..<2000 {
            readings = try await sampler.measure(at: SystemClock.now())
            if readings.count == 2 { break }
            try await Task.sleep(for: .milliseconds(1))
        }
        var pipeline = kind.pipeline(for: sensor)
        let result = pipeline.process(readings)
        #expect(result.dropped.isEmpty)
        #expect(result.passed.map(\.unit.rawValue) == ["l", "l/s"])
    }

    @Test("On the simulated board the line carries a 2 Hz pulse train: the count grows and the rate is about 2/s × scale")
    func simulatedBoardSignal() async throws {
        let kind = PulseCounterKind()
        let options = PulseCounterKind.Options(line: GPIOInputLineOptions(pin: GPIOPinSetting(gauge)),
                                               scale: 0.5, unit: SenMLUnit(rawValue: "l"))
        let sensor = GatewayConfiguration.SensorConfiguration(id: "flow", kind: kind.name, bus: .none, options: options)
        let board = SimulatedBoard(sensors: [sensor], registry: .builtIn)
        let sampler = kind.makeSensor(sensor, board: board)
        try await sampler.prepare()
        // Falling edges every 500 ms: wait for three (up to 5 s on a loaded machine).
        var readings: [Reading] = []
        for _ in 0..<500 {
            try await Task.sleep(for: .milliseconds(10))
            readings = try await sampler.measure(at: SystemClock.now())
            if let count = readings.first(where: { $0.quantity == "count" })?.value.number, count >= 1.5 { break }
        }
        let count = readings.first { $0.quantity == "count" }?.value.number ?? 0
        #expect(count >= 1.5, "three pulses of 0.5 l: \(readings)")
        // The rate comes from the edges' own timestamps, 500 ms apart give or take scheduling.
        let rate = readings.first { $0.quantity == "rate" }?.value.number ?? 0
        #expect(rate > 0.5 && rate < 2, "2 pulses/s × 0.5 l ≈ 1 l/s, found \(rate)")
    }

    @Test("A line on a chip the board lacks is a typed noSuchDevice error")
    func faults() async throws {
        let gpio = SimulatedGPIO(chips: ["pinctrl-rp1"])
        let options = PulseCounterKind.Options(line: GPIOInputLineOptions(pin: GPIOPinSetting(gauge)))
        let missing = PulseCounterSensor(controller: gpio, options: options, sensorID: "x")
        do {
            try await missing.prepareForSampling()
            Issue.record("a line on a missing chip was requested")
        } catch let error as HALError {
            #expect(error.kind == .noSuchDevice)
        }
    }
}
