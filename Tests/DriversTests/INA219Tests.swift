import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Registers and values restated from the TI INA219 datasheet SBOS448 (8.5.1 equations 1 to 5,
// table 3 "Configure/Measure/Calculate Example", 8.6 register maps) so a wrong driver constant
// cannot pass its own test.
private let configRegister: UInt8 = 0x00
private let shuntRegister: UInt8 = 0x01
private let busRegister: UInt8 = 0x02
private let powerRegister: UInt8 = 0x03
private let currentRegister: UInt8 = 0x04
private let calibrationRegister: UInt8 = 0x05
private let address = I2CAddress(0x40)!

/// Table 3's conditions: R_SHUNT = 2 mΩ and Current_LSB = 1 mA (a maximum of 32.768 A / 2^15).
private let table3 = CurrentShuntCalibration(shuntOhms: 0.002, maximumCurrent: 32.768, family: .ina219)!

private func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-9 }

private func word(_ register: UInt8, _ reply: [UInt8]) -> ScriptedI2CBus.Expectation {
    .readRegisters(address, register, reply: reply)
}

private func startScript() -> [ScriptedI2CBus.Expectation] {
    [.write(address, [configRegister, 0x39, 0x9F]), .write(address, [calibrationRegister, 0x50, 0x00]),
     word(configRegister, [0x39, 0x9F])]
}

/// Table 3 steps 2, 3, 5 and 6, in the driver's read order (bus first, for OVF).
private let table3Reads = [word(busRegister, [0x5D, 0x98]), word(shuntRegister, [0x07, 0xD0]),
                           word(currentRegister, [0x27, 0x10]), word(powerRegister, [0x17, 0x66])]

@Suite("INA219 datasheet arithmetic")
struct INA219DatasheetTests {
    @Test("calibration (equations 1 to 3): 2 mΩ at 1 mA per count is Cal 20480 = 0x5000, Power_LSB 20 mW")
    func calibration() {
        #expect(table3.register == 0x5000)
        #expect(close(table3.currentLSB, 0.001))
        #expect(close(table3.powerLSB, 0.020))
        // Equation 4: Current = Shunt × Cal / 4096; step 5's 0x2710 from step 2's 2000.
        #expect(table3.currentRegister(forShunt: 2000) == 0x2710)
        // A 0.1 Ω breakout at 3.2 A: LSB 97.66 µA, Cal trunc(4194.3) = 4194.
        #expect(CurrentShuntCalibration(shuntOhms: 0.1, maximumCurrent: 3.2, family: .ina219)?.register == 4194)
        // Too fine a current on too small a shunt does not fit the 16-bit register.
        #expect(CurrentShuntCalibration(shuntOhms: 0.001, maximumCurrent: 0.01, family: .ina219) == nil)
    }

    @Test("table 3 registers: shunt 0x07D0 = 20 mV, bus 0x5D98 = 11.98 V, current 0x2710 = 10 A, power 0x1766 = 119.8 W")
    func registers() {
        #expect(close(INA219.shuntVolts(0x07D0), 0.020))
        #expect(close(INA219.shuntVolts(-4000), -0.040))
        #expect(close(INA219.busVolts(0x5D98), 11.98))
        #expect(close(table3.amperes(0x2710), 10))
        #expect(close(table3.watts(0x1766), 119.8))
    }

    @Test("configuration words: reset 0x399F; table 3 step 1 (16 V, ±40 mV) 0x019F; 128 samples 0x3FFF")
    func configurationWords() throws {
        let bus = SimulatedI2CBus()
        let reset = INA219(bus: bus, address: address, calibration: table3)
        #expect(reset.configuration == 0x399F)
        let step1 = INA219(bus: bus, address: address, calibration: table3, busRange: .sixteenVolts, shuntRange: .millivolts40)
        #expect(step1.configuration == 0x019F)
        let averaged = INA219(bus: bus, address: address, calibration: table3, averaging: try #require(INA219Averaging(samples: 128)))
        #expect(averaged.configuration == 0x3FFF)
        #expect(INA219Averaging(samples: 3) == nil)
    }

    @Test("the model restates table 3: 10 A through 2 mΩ at 11.98 V, Cal 0x5000")
    func modelMatchesTable3() async throws {
        let bus = SimulatedI2CBus()
        var model = SimulatedINA219()
        (model.loadAmperes, model.shuntOhms, model.busVolts) = (10, 0.002, 11.98)
        bus.attach(SimulatedWordRegisterChip(model), at: address)
        try await bus.write(address: address, [calibrationRegister, 0x50, 0x00])
        for (register, expected) in [(shuntRegister, [0x07, 0xD0]), (busRegister, [0x5D, 0x98]),
                                     (currentRegister, [0x27, 0x10]), (powerRegister, [0x17, 0x66])] as [(UInt8, [UInt8])] {
            #expect(try await bus.readRegisters(address: address, register: register, count: 2) == expected, "register \(register)")
        }
    }
}

@Suite("INA219 driver over a scripted bus", .scriptsMustFinish)
struct INA219ScriptedTests {
    @Test("start: configuration, calibration, read-back, one shunt and one bus conversion; a sample is four reads")
    func sequence() async throws {
        let clock = SimulatedClock()
        let (sample, times) = try await ScriptedI2CBus.withScript(startScript() + table3Reads) { scripted in
            let bus = TimestampingI2CBus(scripted, clock: clock)
            let sensor = INA219(bus: bus, address: address, calibration: table3, clock: clock)
            try await sensor.start()
            return (try await sensor.measure(), bus.times)
        }
        // 586 µs maximum per 12-bit conversion, shunt then bus.
        #expect(times[3] - times[2] >= .microseconds(1_172))
        let readings = sample.readings(sensorID: "p", at: Timestamp(wallSeconds: 1, monotonicNanoseconds: 1, clockSynchronized: true))
        #expect(readings.map(\.quantity) == ["shunt_voltage", "bus_voltage", "current", "power"])
        #expect(readings.map(\.unit.rawValue) == ["V", "V", "A", "W"])
        let values = readings.map(\.numberOrNaN)
        #expect(close(values[0], 0.020) && close(values[1], 11.98) && close(values[2], 10) && close(values[3], 119.8), "\(values)")
    }

    @Test("OVF (bus register bit 0) is .badData, and nothing more is read")
    func overflow() async throws {
        try await ScriptedI2CBus.withScript([word(busRegister, [0x5D, 0x99])]) { bus in
            let error = await #expect(throws: HALError.self) {
                try await INA219(bus: bus, address: address, calibration: table3, clock: SimulatedClock()).measure()
            }
            #expect(error?.kind == .badData)
            #expect(error?.detail?.contains("OVF") == true)
        }
    }

    @Test("a configuration read-back that differs is .badData naming both words")
    func wrongChip() async throws {
        let script = Array(startScript().dropLast()) + [word(configRegister, [0x00, 0x00])]
        try await ScriptedI2CBus.withScript(script) { bus in
            let error = await #expect(throws: HALError.self) {
                try await INA219(bus: bus, address: address, calibration: table3, clock: SimulatedClock()).start()
            }
            #expect(error?.detail == "wrote 0x399F, read back 0x0000 (not an INA219?)")
        }
    }
}

@Suite("INA219 driver over the simulated chip")
struct INA219SimulatedTests {
    static func chip(amperes: Double = 1.5, volts: Double = 12) -> SimulatedWordRegisterChip<SimulatedINA219> {
        var model = SimulatedINA219()
        (model.loadAmperes, model.busVolts, model.shuntOhms) = (amperes, volts, 0.1)
        return SimulatedWordRegisterChip(model)
    }

    @Test("the load reads back within one LSB: 3 transactions to start, 4 per sample")
    func endToEnd() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(Self.chip(), at: address)
        let calibration = try #require(CurrentShuntCalibration(shuntOhms: 0.1, maximumCurrent: 3.2, family: .ina219))
        let sensor = INA219(bus: bus, address: address, calibration: calibration, clock: SimulatedClock())
        try await sensor.start()
        #expect(bus.transactionCount == 3)
        bus.resetCounters()
        let sample = try await sensor.measure()
        #expect(bus.transactionCount == 4)
        #expect(close(sample.shuntVolts, 0.15))
        #expect(close(sample.busVolts, 12))
        // 1.5 A × 0.1 Ω = 15 mV = 15000 counts; equation 4: trunc(15000 × 4194 / 4096) = 15358, and
        // equation 5: trunc(15358 × 3000 / 5000) = 9214 (12 V = 3000 counts of 4 mV).
        #expect(sample.current == 15358)
        #expect(sample.power == 9214)
        #expect(abs(sample.amperes - 1.5) < 0.001)
        #expect(abs(sample.watts - 18) < 0.02)
    }

    @Test("a chip reset after start (calibration back to 0) is .badData; preparing again recovers")
    func calibrationLost() async throws {
        let bus = SimulatedI2CBus()
        let chip = Self.chip()
        bus.attach(chip, at: address)
        let calibration = try #require(CurrentShuntCalibration(shuntOhms: 0.1, maximumCurrent: 3.2, family: .ina219))
        let sensor = INA219(bus: bus, address: address, calibration: calibration, clock: SimulatedClock())
        try await sensor.start()
        chip.update { $0.reset() }
        let error = await #expect(throws: HALError.self) { try await sensor.measure() }
        #expect(error?.kind == .badData)
        try await sensor.start()
        #expect(try await sensor.measure().amperes > 1.4)
    }

    @Test("a current beyond the calibration sets OVF: .badData")
    func overflowFromTheModel() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(Self.chip(amperes: 3.0), at: address)
        // 1 A expected through 0.1 Ω: 3 A overflows the Current register.
        let calibration = try #require(CurrentShuntCalibration(shuntOhms: 0.1, maximumCurrent: 1, family: .ina219))
        let sensor = INA219(bus: bus, address: address, calibration: calibration, clock: SimulatedClock())
        try await sensor.start()
        let error = await #expect(throws: HALError.self) { try await sensor.measure() }
        #expect(error?.detail?.contains("OVF") == true)
    }

    @Test("fault sweep: any one failed transaction of start + measure is a typed error, never a reading")
    func faultSweep() async throws {
        for index in 0..<7 {
            for kind in HALError.Kind.allCases {
                let bus = SimulatedI2CBus()
                bus.attach(Self.chip(amperes: 0.01), at: address)
                let sensor = INA219(bus: FailOneTransactionBus(bus, failing: index, with: kind), address: address,
                                    calibration: table3, clock: SimulatedClock())
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

@Suite("INA219 as a sensor kind")
struct INA219KindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    static func yaml(_ extra: String...) -> String { yaml(lines: extra) }

    static func yaml(lines extra: [String]) -> String {
        (["gateway:", "  id: gw", "board: simulated", "sensors:", "  - id: p", "    type: ina219",
          "    i2c: { bus: 1, address: 0x40 }"] + extra
            + ["storage:", "  path: outbox.sqlite", "mqtt:", "  host: localhost", "  tls: false", ""])
            .joined(separator: "\n")
    }

    static func parse(_ yaml: String) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: yaml, file: "sensorgw.yaml", baseDirectory: "/tmp",
                                       kinds: SensorRegistry.builtIn.catalog)
    }

    /// The error a configuration with `extra` lines gets, or "parsed".
    static func error(_ extra: String...) -> String {
        do {
            _ = try parse(yaml(lines: extra))
            return "parsed"
        } catch {
            return error.description
        }
    }

    @Test("registered as ina219 on I2C at 0x40: shunt and bus voltage in V, current in A, power in W")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "ina219"))
        #expect(kind.buses == [.i2c])
        #expect(kind.defaultI2CAddress == I2CAddress(0x40))
        #expect(kind.quantities.map(\.quantity) == ["shunt_voltage", "bus_voltage", "current", "power"])
        #expect(kind.quantities.map(\.unit.rawValue) == ["V", "V", "A", "W"])
        #expect(kind.quantities[0].validRange == -0.32...0.32)
        #expect(kind.quantities[1].validRange == 0...32)
    }

    @Test("options decode; ranges follow them; bad values name file, line and key")
    func options() throws {
        let parsed = try Self.parse(Self.yaml("    shunt_ohms: 0.002", "    max_current: 32.768", "    bus_range: 16",
                                              "    shunt_range: 0.04", "    averaging: 8"))
        let expected = INA219Kind.Options(shuntOhms: 0.002, maxCurrent: 32.768, busRange: .sixteenVolts,
                                          shuntRange: .millivolts40, averaging: try #require(INA219Averaging(samples: 8)))
        #expect(parsed.sensors[0].options.isEqual(to: expected))
        let rules = INA219Kind().quantities(for: expected)
        #expect(rules[0].validRange == -0.04...0.04)
        #expect(rules[1].validRange == 0...16)
        #expect(try Self.parse(Self.yaml()).sensors[0].options.isEqual(to: INA219Kind.Options()))
        #expect(Self.error("    shunt_ohms: 0") == "sensorgw.yaml:8:17: sensors[0].shunt_ohms: expected a resistance above 0 Ω")
        #expect(Self.error("    shunt_range: 0.1") == "sensorgw.yaml:8:18: sensors[0].shunt_range: expected 0.04, 0.08, 0.16 or 0.32 (V)")
        #expect(Self.error("    averaging: 3") == "sensorgw.yaml:8:16: sensors[0].averaging: expected 1, 2, 4, 8, 16, 32, 64 or 128 samples")
        #expect(Self.error("    shunt_ohms: 0.001", "    max_current: 0.01")
                .hasPrefix("sensorgw.yaml:9:18: sensors[0].max_current: shunt_ohms 0.001 and max_current 0.01 give a calibration outside 1...65534"))
    }

    @Test("the simulated board hosts it and its load follows the daylight")
    func simulatedBoard() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(id: "p", kind: "ina219", bus: .i2c(bus: 1, address: address),
                                                                     options: INA219Kind.Options())
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn)
        #expect(try await board.i2cBus(1).scan() == [address])
        let sensor = INA219Kind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        #expect(readings.map(\.unit.rawValue) == ["V", "V", "A", "W"])
        // 0.2 × 3.2 A × (100...500 lx) / 300.
        #expect(readings[2].numberOrNaN >= 0.2 && readings[2].numberOrNaN <= 1.1, "\(readings[2])")
    }
}
