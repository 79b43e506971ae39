import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Registers and values restated from the ams TSL2591 datasheet (ams163.5 / v2-04: command
// register CMD bit 7, TRANSACTION 01 normal; ENABLE 0x00 PON/AEN, CONTROL 0x01 AGAIN 5:4 and
// ATIME 2:0, ID 0x12 = 0x50, STATUS 0x13 AVALID, C0DATAL...C1DATAH 0x14-0x17; MAX COUNT 37888
// at 100 ms, 65535 beyond) and the lux formula of Adafruit's TSL2591 library (CPL = ATIME_ms ×
// AGAIN / 408; lux = (CH0 − CH1)(1 − CH1/CH0) / CPL with gains 1, 25, 428, 9876), so a wrong
// driver constant cannot pass its own test.
private let address = I2CAddress(0x29)!

private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) < tolerance }

@Suite("TSL2591 datasheet arithmetic")
struct TSL2591DatasheetTests {
    @Test("CONTROL: AGAIN 00/01/10/11 in 5:4, ATIME (ms / 100 − 1) in 2:0")
    func controlWords() {
        #expect(TSL2591Settings(gain: .medium, integrationTime: .ms100).control == 0x10)
        #expect(TSL2591Settings(gain: .low, integrationTime: .ms200).control == 0x01)
        #expect(TSL2591Settings(gain: .high, integrationTime: .ms300).control == 0x22)
        #expect(TSL2591Settings(gain: .max, integrationTime: .ms600).control == 0x35)
    }

    @Test("lux: 1000 / 200 counts at 300 ms, 25× is 640 / (300 × 25 / 408) = 34.816 lx; dark is 0")
    func luxFormula() {
        let settings = TSL2591Settings(gain: .medium, integrationTime: .ms300)
        #expect(close(settings.countsPerLux, 7_500.0 / 408))
        #expect(close(settings.lux(fullSpectrum: 1_000, infrared: 200), 34.816, 1e-9))
        #expect(settings.lux(fullSpectrum: 0, infrared: 0) == 0)
        // Max gain, 600 ms: CPL = 600 × 9876 / 408.
        #expect(close(TSL2591Settings(gain: .max, integrationTime: .ms600).lux(fullSpectrum: 100, infrared: 0),
                      100 * 408 / (600.0 * 9_876)))
    }

    @Test("MAX COUNT: 37888 at 100 ms, 65535 at 200...600 ms")
    func maximumCounts() {
        #expect(TSL2591IntegrationTime.ms100.maximumCount == 37_888)
        for time in TSL2591IntegrationTime.allCases.dropFirst() { #expect(time.maximumCount == 65_535) }
    }
}

@Suite("TSL2591 driver over a scripted bus", .scriptsMustFinish)
struct TSL2591ScriptedTests {
    @Test("start: ID (0xB2), CONTROL (0xA1), ENABLE PON|AEN (0xA0), one integration; a sample is STATUS + 4 data bytes in one read")
    func sequence() async throws {
        let clock = SimulatedClock()
        let script: [ScriptedI2CBus.Expectation] = [
            .readRegisters(address, 0xB2, reply: [0x50]),
            .write(address, [0xA1, 0x10]),
            .write(address, [0xA0, 0x03]),
            .readRegisters(address, 0xB3, reply: [0x01, 0xE8, 0x03, 0xC8, 0x00]),
        ]
        let (sample, times) = try await ScriptedI2CBus.withScript(script) { scripted in
            let bus = TimestampingI2CBus(scripted, clock: clock)
            let sensor = TSL2591(bus: bus, address: address, clock: clock)
            try await sensor.start()
            return (try await sensor.measure(), bus.times)
        }
        #expect(sample.fullSpectrum == 1_000 && sample.infrared == 200)
        // 640 / (100 × 25 / 408).
        #expect(close(sample.illuminanceLux, 104.448, 1e-9))
        #expect(times[3] - times[2] >= .milliseconds(100))
    }

    @Test("another id is .badData naming it")
    func wrongID() async throws {
        try await ScriptedI2CBus.withScript([.readRegisters(address, 0xB2, reply: [0x0A])]) { bus in
            let error = await #expect(throws: HALError.self) {
                try await TSL2591(bus: bus, address: address, clock: SimulatedClock()).start()
            }
            #expect(error?.detail == "expected device id 0x50 (TSL2591), found 0x0A")
        }
    }

    @Test("AVALID clear, a saturated channel (naming the limit) and CH1 above CH0 are .badData")
    func badData() async throws {
        let cases: [(TSL2591IntegrationTime, [UInt8], String)] = [
            (.ms100, [0x00, 0xE8, 0x03, 0xC8, 0x00], "AVALID clear"),
            (.ms100, [0x01, 0x00, 0x94, 0x00, 0x10], "limit 37888 at 100ms"),     // CH0 = 0x9400 = 37888
            (.ms200, [0x11, 0xFF, 0xFF, 0x00, 0x10], "limit 65535 at 200ms"),
            (.ms100, [0x01, 0x10, 0x00, 0x20, 0x00], "CH1 (infrared) 32 above CH0 (full spectrum) 16"),
        ]
        for (time, reply, text) in cases {
            try await ScriptedI2CBus.withScript([.readRegisters(address, 0xB3, reply: reply)]) { bus in
                let sensor = TSL2591(bus: bus, address: address, settings: TSL2591Settings(integrationTime: time), clock: SimulatedClock())
                let error = await #expect(throws: HALError.self) { try await sensor.measure() }
                #expect(error?.kind == .badData)
                #expect(error?.detail?.contains(text) == true, "\(String(describing: error))")
            }
        }
        // 37887 at 100 ms is still a reading.
        let sample = try await ScriptedI2CBus.withScript([.readRegisters(address, 0xB3, reply: [0x01, 0xFF, 0x93, 0x00, 0x00])]) { bus in
            try await TSL2591(bus: bus, address: address, clock: SimulatedClock()).measure()
        }
        #expect(sample.fullSpectrum == 37_887)
    }
}

@Suite("TSL2591 driver over the simulated chip")
struct TSL2591SimulatedTests {
    @Test("every gain and integration time reads the light within 0.2 %: 3 transactions to start, 1 per sample")
    func endToEnd() async throws {
        for gain in TSL2591Gain.allCases {
            for time in TSL2591IntegrationTime.allCases {
                let settings = TSL2591Settings(gain: gain, integrationTime: time)
                // About 20000 counts on CH0 with infrared a quarter of it: (1 − 1/4)² of CH0 over CPL.
                let lux = 20_000 * 0.5625 / (Double(time.rawValue) * [1, 25, 428, 9_876][TSL2591Gain.allCases.firstIndex(of: gain) ?? 0] / 408)
                let clock = SimulatedClock()
                let bus = SimulatedI2CBus(clock: clock)
                let chip = SimulatedTSL2591(clock: clock)
                chip.setIlluminance(lux)
                bus.attach(chip, at: address)
                let sensor = TSL2591(bus: bus, address: address, settings: settings, clock: clock)
                try await sensor.start()
                #expect(bus.transactionCount == 3)
                #expect(chip.register(0x01) == settings.control && chip.register(0x00) == 0x03)
                bus.resetCounters()
                let sample = try await sensor.measure()
                #expect(bus.transactionCount == 1)
                #expect(abs(sample.illuminanceLux - lux) / lux < 0.002, "\(gain) \(time): \(sample.illuminanceLux) vs \(lux)")
            }
        }
    }

    @Test("before the first integration STATUS and data read 0; the driver waits it out; a write without CMD is refused")
    func firstIntegration() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedTSL2591(clock: clock)
        bus.attach(chip, at: address)
        try await bus.write(address: address, [0xA0, 0x03])
        #expect(try await bus.readRegisters(address: address, register: 0xB3, count: 5) == [0, 0, 0, 0, 0])
        await #expect(throws: HALError.self) { try await bus.write(address: address, [0x01, 0x10]) }
        let sensor = TSL2591(bus: bus, address: address, settings: TSL2591Settings(integrationTime: .ms600), clock: clock)
        try await sensor.start()
        #expect(try await sensor.measure().fullSpectrum > 0)
    }

    @Test("a saturating light on the simulated chip is .badData, not a reading")
    func saturation() async throws {
        let bus = SimulatedI2CBus()
        let chip = SimulatedTSL2591()
        chip.setIlluminance(100_000)
        bus.attach(chip, at: address)
        let sensor = TSL2591(bus: bus, address: address, settings: TSL2591Settings(gain: .high), clock: SimulatedClock())
        try await sensor.start()
        let error = await #expect(throws: HALError.self) { try await sensor.measure() }
        #expect(error?.detail?.contains("limit 37888") == true)
    }

    @Test("fault sweep: any one failed transaction of start + measure is a typed error, never a reading")
    func faultSweep() async throws {
        for index in 0..<4 {
            for kind in HALError.Kind.allCases {
                let bus = SimulatedI2CBus()
                bus.attach(SimulatedTSL2591(), at: address)
                let sensor = TSL2591(bus: FailOneTransactionBus(bus, failing: index, with: kind), address: address, clock: SimulatedClock())
                do {
                    try await sensor.start()
                    let sample = try await sensor.measure()
                    Issue.record("transaction \(index) \(kind) gave \(sample)")
                } catch let error as HALError {
                    #expect(error.kind == kind, "transaction \(index): \(error)")
                } catch {
                    Issue.record("transaction \(index) \(kind): untyped \(error)")
                }
            }
        }
    }
}

@Suite("TSL2591 as a sensor kind")
struct TSL2591KindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    static func yaml(_ extra: [String]) -> String {
        (["gateway:", "  id: gw", "board: simulated", "sensors:", "  - id: l", "    type: tsl2591",
          "    i2c: { bus: 1, address: 0x29 }"] + extra
            + ["storage:", "  path: outbox.sqlite", "mqtt:", "  host: localhost", "  tls: false", ""])
            .joined(separator: "\n")
    }

    static func parse(_ extra: String...) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: yaml(extra), file: "sensorgw.yaml", baseDirectory: "/tmp",
                                       kinds: SensorRegistry.builtIn.catalog)
    }

    static func error(_ extra: String...) -> String {
        do {
            _ = try GatewayConfiguration.parse(yaml: yaml(extra), file: "sensorgw.yaml", baseDirectory: "/tmp",
                                               kinds: SensorRegistry.builtIn.catalog)
            return "parsed"
        } catch {
            return error.description
        }
    }

    @Test("registered as tsl2591 on I2C at 0x29: lx, and the counts in `count` when asked")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "tsl2591"))
        #expect(kind.buses == [.i2c])
        #expect(kind.defaultI2CAddress == I2CAddress(0x29))
        #expect(kind.quantities.map(\.unit.rawValue) == ["lx"])
        // 37888 counts at 100 ms, 25×.
        #expect(kind.quantities.first?.validRange?.lowerBound == 0)
        #expect(close(kind.quantities.first?.validRange?.upperBound ?? 0, 37_888 * 408 / 2_500.0, 1e-6))
        let rules = TSL2591Kind().quantities(for: TSL2591Kind.Options(counts: true))
        #expect(rules.map(\.quantity) == ["illuminance", "full_spectrum", "infrared"])
        #expect(rules.map(\.unit.rawValue) == ["lx", "count", "count"])
        let sample = TSL2591Sample(fullSpectrum: 10, infrared: 1, settings: TSL2591Settings())
        #expect(sample.readings(sensorID: "l", at: stamp).map(\.unit.rawValue) == ["lx", "count", "count"])
    }

    @Test("validation keeps the largest unsaturated counts at every setting")
    func validation() {
        for gain in TSL2591Gain.allCases {
            for time in TSL2591IntegrationTime.allCases {
                let settings = TSL2591Settings(gain: gain, integrationTime: time)
                var pipeline = TSL2591Kind().pipeline(for: .init(id: "l", kind: "tsl2591", bus: .none,
                                                                 options: TSL2591Kind.Options(settings: settings, counts: true)))
                let readings = TSL2591Sample(fullSpectrum: time.maximumCount - 1, infrared: 0, settings: settings)
                    .readings(sensorID: "l", at: stamp)
                #expect(pipeline.process(readings).passed == readings, "\(gain) \(time)")
            }
        }
    }

    @Test("options decode; bad values name file, line and key")
    func options() throws {
        let parsed = try Self.parse("    gain: max", "    integration_time: 600ms", "    counts: true")
        let expected = TSL2591Kind.Options(settings: TSL2591Settings(gain: .max, integrationTime: .ms600), counts: true)
        #expect(parsed.sensors[0].options.isEqual(to: expected))
        #expect(try Self.parse().sensors[0].options.isEqual(to: TSL2591Kind.Options()))
        #expect(Self.error("    gain: 2x") == "sensorgw.yaml:8:11: sensors[0].gain: unknown value '2x'; expected one of: low, medium, high, max")
        #expect(Self.error("    integration_time: 150ms")
                == "sensorgw.yaml:8:23: sensors[0].integration_time: unknown value '150ms'; expected one of: 100ms, 200ms, 300ms, 400ms, 500ms, 600ms")
    }

    @Test("the simulated board hosts it and it follows the weather; counts only when asked")
    func simulatedBoard() async throws {
        for counts in [false, true] {
            let configuration = GatewayConfiguration.SensorConfiguration(id: "l", kind: "tsl2591", bus: .i2c(bus: 1, address: address),
                                                                         options: TSL2591Kind.Options(counts: counts))
            let board = SimulatedBoard(sensors: [configuration], registry: .builtIn)
            #expect(try await board.i2cBus(1).scan() == [address])
            let sensor = TSL2591Kind().makeSensor(configuration, board: board)
            try await sensor.prepare()
            let readings = try await sensor.measure(at: stamp)
            #expect(readings.map(\.quantity) == (counts ? ["illuminance", "full_spectrum", "infrared"] : ["illuminance"]))
            // The simulated light swings over 100...500 lx.
            #expect(readings[0].numberOrNaN >= 99 && readings[0].numberOrNaN <= 501, "\(readings[0])")
        }
    }
}
