import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Registers and values restated from the Vishay VEML7700 datasheet 84286 (command codes,
// ALS_CONF_0 bits) and application note 84323 "Designing the VEML7700 Into an Application"
// (resolution table, non-linearity correction) so a wrong driver constant cannot pass its own test.
private let configRegister: UInt8 = 0x00
private let powerSavingRegister: UInt8 = 0x03
private let alsRegister: UInt8 = 0x04
private let idRegister: UInt8 = 0x07
private let address = I2CAddress(0x10)!

private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) < tolerance }

private func word(_ register: UInt8, _ reply: [UInt8]) -> ScriptedI2CBus.Expectation {
    .readRegisters(address, register, reply: reply)
}

@Suite("VEML7700 datasheet arithmetic")
struct VEML7700DatasheetTests {
    @Test("app note resolution table: lx per count by gain and integration time")
    func resolutionTable() {
        let table: [(VEML7700Gain, VEML7700IntegrationTime, Double)] = [
            (.two, .ms800, 0.0036), (.one, .ms800, 0.0072), (.quarter, .ms800, 0.0288), (.eighth, .ms800, 0.0576),
            (.two, .ms400, 0.0072), (.eighth, .ms400, 0.1152), (.two, .ms100, 0.0288), (.eighth, .ms100, 0.4608),
            (.two, .ms25, 0.1152), (.one, .ms25, 0.2304), (.quarter, .ms25, 0.9216), (.eighth, .ms25, 1.8432),
        ]
        for (gain, time, luxPerCount) in table {
            #expect(close(VEML7700Resolution(gain: gain, integrationTime: time).luxPerCount, luxPerCount), "\(gain) \(time)")
        }
        // The widest range: 65535 counts at 1.8432 lx, about 120 klx.
        #expect(close(VEML7700Resolution(gain: .eighth, integrationTime: .ms25).maximumLux, 120_794.112, 1e-6))
    }

    @Test("ALS_CONF_0: gain codes 00 ×1, 01 ×2, 10 ×1/8, 11 ×1/4 in 12:11; IT codes in 9:6; SD 0 = on")
    func configurationWords() {
        let bus = SimulatedI2CBus()
        func word(_ gain: VEML7700Gain, _ time: VEML7700IntegrationTime) -> UInt16 {
            VEML7700(bus: bus, address: address, resolution: VEML7700Resolution(gain: gain, integrationTime: time)).configuration
        }
        #expect(word(.eighth, .ms100) == 0x1000)
        #expect(word(.two, .ms800) == 0x08C0)
        #expect(word(.quarter, .ms25) == 0x1B00)
        #expect(word(.one, .ms50) == 0x0200)
        #expect(word(.one, .ms200) == 0x0040)
        #expect(word(.one, .ms400) == 0x0080)
    }

    @Test("the app note's correction polynomial: 1000 lx becomes 1074.997 lx; low light is almost unchanged")
    func correction() {
        // 6.0135e-13 · 1e12 − 9.3924e-9 · 1e9 + 8.1488e-5 · 1e6 + 1.0023 · 1e3
        #expect(close(VEML7700Resolution.corrected(1000), 0.60135 - 9.3924 + 81.488 + 1002.3, 1e-9))
        #expect(close(VEML7700Resolution.corrected(10), 10.031, 0.001))
        #expect(VEML7700Sample(count: 2170, resolution: VEML7700Resolution(gain: .eighth, integrationTime: .ms100),
                               corrected: true).illuminanceLux > 1070)
    }
}

@Suite("VEML7700 driver over a scripted bus", .scriptsMustFinish)
struct VEML7700ScriptedTests {
    @Test("start: id, ALS_CONF_0 and PSM (little-endian), wake-up and one integration; a sample is one read")
    func sequence() async throws {
        let clock = SimulatedClock()
        let script = [word(idRegister, [0x81, 0xC4]), .write(address, [configRegister, 0x00, 0x10]),
                      .write(address, [powerSavingRegister, 0x00, 0x00]), word(alsRegister, [0x34, 0x12])]
        let (sample, times) = try await ScriptedI2CBus.withScript(script) { scripted in
            let bus = TimestampingI2CBus(scripted, clock: clock)
            let sensor = VEML7700(bus: bus, address: address, clock: clock)
            try await sensor.start()
            return (try await sensor.measure(), bus.times)
        }
        #expect(sample.count == 0x1234)
        #expect(close(sample.illuminanceLux, 4660 * 0.4608))
        #expect(times[3] - times[2] >= .microseconds(102_500))
    }

    @Test("another id is .badData naming it")
    func wrongID() async throws {
        try await ScriptedI2CBus.withScript([word(idRegister, [0x50, 0x00])]) { bus in
            let error = await #expect(throws: HALError.self) {
                try await VEML7700(bus: bus, address: address, clock: SimulatedClock()).start()
            }
            #expect(error?.detail == "expected device id 0x81 (VEML7700), found 0x0050")
        }
    }

    @Test("a saturated count is .badData telling to lower gain or integration time")
    func saturated() async throws {
        try await ScriptedI2CBus.withScript([word(alsRegister, [0xFF, 0xFF])]) { bus in
            let error = await #expect(throws: HALError.self) {
                try await VEML7700(bus: bus, address: address, clock: SimulatedClock()).measure()
            }
            #expect(error?.kind == .badData)
            #expect(error?.detail?.contains("lower gain or integration_time") == true)
        }
    }
}

@Suite("VEML7700 driver over the simulated chip")
struct VEML7700SimulatedTests {
    @Test("every gain and integration time reads the light within one count: 3 transactions to start, 1 per sample")
    func endToEnd() async throws {
        for gain in VEML7700Gain.allCases {
            for time in VEML7700IntegrationTime.allCases {
                let clock = SimulatedClock()
                let bus = SimulatedI2CBus(clock: clock)
                let chip = SimulatedWordRegisterChip(SimulatedVEML7700(), byteOrder: .littleEndian, clock: clock)
                chip.update { $0.illuminanceLux = 50 }
                bus.attach(chip, at: address)
                let resolution = VEML7700Resolution(gain: gain, integrationTime: time)
                let sensor = VEML7700(bus: bus, address: address, resolution: resolution, clock: clock)
                try await sensor.start()
                #expect(bus.transactionCount == 3)
                bus.resetCounters()
                let sample = try await sensor.measure()
                #expect(bus.transactionCount == 1)
                #expect(abs(sample.illuminanceLux - 50) <= resolution.luxPerCount, "\(gain) \(time): \(sample.illuminanceLux)")
            }
        }
    }

    @Test("a read before the first integration is done reads 0; the driver waits it out")
    func firstIntegration() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedWordRegisterChip(SimulatedVEML7700(), byteOrder: .littleEndian, clock: clock)
        bus.attach(chip, at: address)
        try await bus.write(address: address, [configRegister, 0x00, 0x10])
        #expect(try await bus.readRegisters(address: address, register: alsRegister, count: 2) == [0x00, 0x00])
        let sensor = VEML7700(bus: bus, address: address, clock: clock)
        try await sensor.start()
        #expect(close(try await sensor.measure().illuminanceLux, 300, 0.4608))
    }

    @Test("fault sweep: any one failed transaction of start + measure is a typed error, never a reading")
    func faultSweep() async throws {
        for index in 0..<4 {
            for kind in HALError.Kind.allCases {
                let bus = SimulatedI2CBus()
                bus.attach(SimulatedWordRegisterChip(SimulatedVEML7700(), byteOrder: .littleEndian), at: address)
                let sensor = VEML7700(bus: FailOneTransactionBus(bus, failing: index, with: kind), address: address,
                                      clock: SimulatedClock())
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

@Suite("VEML7700 as a sensor kind")
struct VEML7700KindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    static func yaml(_ extra: [String]) -> String {
        (["gateway:", "  id: gw", "board: simulated", "sensors:", "  - id: l", "    type: veml7700",
          "    i2c: { bus: 1, address: 0x10 }"] + extra
            + ["storage:", "  path: outbox.sqlite", "mqtt:", "  host: localhost", "  tls: false", ""])
            .joined(separator: "\n")
    }

    static func parse(_ extra: String...) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: yaml(extra), file: "sensorgw.yaml", baseDirectory: "/tmp",
                                       kinds: SensorRegistry.builtIn.catalog)
    }

    /// The error a configuration with `extra` lines gets, or "parsed".
    static func error(_ extra: String...) -> String {
        do {
            _ = try GatewayConfiguration.parse(yaml: yaml(extra), file: "sensorgw.yaml", baseDirectory: "/tmp",
                                               kinds: SensorRegistry.builtIn.catalog)
            return "parsed"
        } catch {
            return error.description
        }
    }

    @Test("registered as veml7700 on I2C at 0x10 with illuminance in lx up to the full count")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "veml7700"))
        #expect(kind.buses == [.i2c])
        #expect(kind.defaultI2CAddress == I2CAddress(0x10))
        #expect(kind.quantities.map(\.unit.rawValue) == ["lx"])
        #expect(kind.quantities.first?.validRange == 0...(65_535 * 0.4608))
        let sample = VEML7700Sample(count: 100, resolution: VEML7700Resolution(gain: .eighth, integrationTime: .ms100))
        #expect(sample.readings(sensorID: "l", at: stamp).map(\.unit.rawValue) == ["lx"])
    }

    @Test("options decode; bad values name file, line and key")
    func options() throws {
        let parsed = try Self.parse("    gain: \"1/4\"", "    integration_time: 25ms", "    nonlinearity_correction: true")
        let expected = VEML7700Kind.Options(resolution: VEML7700Resolution(gain: .quarter, integrationTime: .ms25),
                                            nonlinearityCorrection: true)
        #expect(parsed.sensors[0].options.isEqual(to: expected))
        let rules = VEML7700Kind().quantities(for: expected)
        #expect(rules.first?.validRange == 0...VEML7700Resolution.corrected(65_535 * 0.9216))
        #expect(try Self.parse().sensors[0].options.isEqual(to: VEML7700Kind.Options()))
        #expect(Self.error("    gain: 4") == "sensorgw.yaml:8:11: sensors[0].gain: unknown value '4'; expected one of: 1/8, 1/4, 1, 2")
        #expect(Self.error("    integration_time: 30ms")
                == "sensorgw.yaml:8:23: sensors[0].integration_time: unknown value '30ms'; expected one of: 25ms, 50ms, 100ms, 200ms, 400ms, 800ms")
    }

    @Test("the simulated board hosts it and it follows the weather")
    func simulatedBoard() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(id: "l", kind: "veml7700", bus: .i2c(bus: 1, address: address))
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn)
        #expect(try await board.i2cBus(1).scan() == [address])
        let sensor = VEML7700Kind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        // The simulated light swings over 100...500 lx.
        #expect(readings[0].numberOrNaN >= 99 && readings[0].numberOrNaN <= 501, "\(readings[0])")
    }
}
