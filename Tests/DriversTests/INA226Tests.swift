import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Registers and values restated from the TI INA226 datasheet SBOS547 (7.5 equations 1 to 4,
// table 1 "Configure/Measure/Calculate Example", 7.6 register maps, tables 7-4 and 7-5) so a
// wrong driver constant cannot pass its own test.
private let configRegister: UInt8 = 0x00
private let shuntRegister: UInt8 = 0x01
private let busRegister: UInt8 = 0x02
private let powerRegister: UInt8 = 0x03
private let currentRegister: UInt8 = 0x04
private let calibrationRegister: UInt8 = 0x05
private let manufacturerRegister: UInt8 = 0xFE
private let dieRegister: UInt8 = 0xFF
private let address = I2CAddress(0x45)!

/// Table 1's conditions: R_SHUNT = 2 mΩ and Current_LSB = 1 mA (a maximum of 32.768 A / 2^15).
private let table1 = CurrentShuntCalibration(shuntOhms: 0.002, maximumCurrent: 32.768, family: .ina226)!

private func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-9 }

private func word(_ register: UInt8, _ reply: [UInt8]) -> ScriptedI2CBus.Expectation {
    .readRegisters(address, register, reply: reply)
}

private func startScript(die: [UInt8] = [0x22, 0x60]) -> [ScriptedI2CBus.Expectation] {
    [word(manufacturerRegister, [0x54, 0x49]), word(dieRegister, die),
     .write(address, [configRegister, 0x41, 0x27]), .write(address, [calibrationRegister, 0x0A, 0x00])]
}

@Suite("INA226 datasheet arithmetic")
struct INA226DatasheetTests {
    @Test("calibration (equations 1, 2): 2 mΩ at 1 mA per count is Cal 2560 = 0xA00; 15 A gives 457.7 µA per count")
    func calibration() {
        #expect(table1.register == 0x0A00)
        #expect(close(table1.powerLSB, 0.025))
        // Equation 3: Current = Shunt × Cal / 2048; step 5's 10000 from step 2's 8000.
        #expect(table1.currentRegister(forShunt: 8000) == 10000)
        let fifteen = CurrentShuntCalibration(shuntOhms: 0.002, maximumCurrent: 15, family: .ina226)
        #expect(abs((fifteen?.currentLSB ?? 0) - 457.7e-6) < 0.1e-6)   // 457.76 µA, printed truncated
        // Bit 15 is reserved: a value above 0x7FFF does not fit.
        #expect(CurrentShuntCalibration(shuntOhms: 0.001, maximumCurrent: 0.005, family: .ina226) == nil)
    }

    @Test("table 1 registers: shunt 0x1F40 = 20 mV, bus 0x2570 = 11.98 V, current 0x2710 = 10 A, power 0x12B8 = 119.8 W")
    func registers() {
        #expect(close(INA226.shuntVolts(0x1F40), 0.020))
        #expect(close(INA226.busVolts(0x2570), 11.98))
        #expect(close(table1.amperes(0x2710), 10))
        #expect(close(table1.watts(0x12B8), 119.8))
    }

    @Test("configuration words: reset 0x4127 (1 sample, 1.1 ms, continuous); 1024 samples at 8.244 ms 0x4FFF")
    func configurationWords() {
        let bus = SimulatedI2CBus()
        let reset = INA226(bus: bus, address: address, calibration: table1)
        #expect(reset.configuration == 0x4127)
        // One bus and one shunt conversion of 1.1 ms, +10 %.
        #expect(reset.resultTime == .microseconds(2_420))
        let slowest = INA226(bus: bus, address: address, calibration: table1, averaging: .oneThousandTwentyFour,
                             conversionTime: .us8244)
        #expect(slowest.configuration == 0x4FFF)
        #expect(INA226Averaging.allCases.map(\.rawValue) == [1, 4, 16, 64, 128, 256, 512, 1024])
        #expect(INA226ConversionTime.allCases.map(\.name) == ["140us", "204us", "332us", "588us", "1.1ms", "2.116ms", "4.156ms", "8.244ms"])
    }

    @Test("the model restates table 1: 10 A through 2 mΩ at 11.98 V, Cal 0xA00")
    func modelMatchesTable1() async throws {
        let bus = SimulatedI2CBus()
        var model = SimulatedINA226()
        (model.loadAmperes, model.shuntOhms, model.busVolts) = (10, 0.002, 11.98)
        bus.attach(SimulatedWordRegisterChip(model), at: address)
        try await bus.write(address: address, [calibrationRegister, 0x0A, 0x00])
        for (register, expected) in [(shuntRegister, [0x1F, 0x40]), (busRegister, [0x25, 0x70]),
                                     (currentRegister, [0x27, 0x10]), (powerRegister, [0x12, 0xB8]),
                                     (manufacturerRegister, [0x54, 0x49])] as [(UInt8, [UInt8])] {
            #expect(try await bus.readRegisters(address: address, register: register, count: 2) == expected, "register \(register)")
        }
    }
}

@Suite("INA226 driver over a scripted bus", .scriptsMustFinish)
struct INA226ScriptedTests {
    @Test("start: ids, configuration, calibration, one averaged result; a sample is four reads")
    func sequence() async throws {
        let clock = SimulatedClock()
        let reads = [word(busRegister, [0x25, 0x70]), word(shuntRegister, [0x1F, 0x40]),
                     word(currentRegister, [0x27, 0x10]), word(powerRegister, [0x12, 0xB8])]
        let (sample, times) = try await ScriptedI2CBus.withScript(startScript() + reads) { scripted in
            let bus = TimestampingI2CBus(scripted, clock: clock)
            let sensor = INA226(bus: bus, address: address, calibration: table1, clock: clock)
            try await sensor.start()
            return (try await sensor.measure(), bus.times)
        }
        #expect(times[4] - times[3] >= .microseconds(2_200))
        let readings = sample.readings(sensorID: "p", at: Timestamp(wallSeconds: 1, monotonicNanoseconds: 1, clockSynchronized: true))
        #expect(readings.map(\.unit.rawValue) == ["V", "V", "A", "W"])
        let values = readings.map(\.numberOrNaN)
        #expect(close(values[0], 0.020) && close(values[1], 11.98) && close(values[2], 10) && close(values[3], 119.8), "\(values)")
    }

    @Test("another chip's die id is .badData naming what was found")
    func wrongIDs() async throws {
        try await ScriptedI2CBus.withScript(Array(startScript(die: [0x00, 0x00]).prefix(2))) { bus in
            let error = await #expect(throws: HALError.self) {
                try await INA226(bus: bus, address: address, calibration: table1, clock: SimulatedClock()).start()
            }
            #expect(error?.detail == "expected manufacturer 0x5449 and die 0x226x (INA226), found manufacturer 0x5449 and die 0x0000")
        }
    }

    @Test("a shunt voltage at full scale is .badData: the current is beyond the chip's range")
    func saturated() async throws {
        try await ScriptedI2CBus.withScript([word(busRegister, [0x25, 0x70]), word(shuntRegister, [0x7F, 0xFF])]) { bus in
            let error = await #expect(throws: HALError.self) {
                try await INA226(bus: bus, address: address, calibration: table1, clock: SimulatedClock()).measure()
            }
            #expect(error?.kind == .badData)
        }
    }
}

extension INA226ScriptedTests {
    @Test("a current above max_current overflows the Current register (OVF): .badData naming max_current")
    func currentOverflow() async throws {
        // Table 1's calibration: Cal 2560, 1 mA per count, so the register holds at most 32.767 A.
        // Shunt 0x6D60 = 28000 × 2.5 µV = 70 mV across 2 mΩ is 35 A: 28000 × 2560 / 2048 = 35000
        // counts, past 32767; the chip's Current register wraps (0x88B8 read as -30536).
        let script = [word(busRegister, [0x25, 0x70]), word(shuntRegister, [0x6D, 0x60]),
                      word(currentRegister, [0x88, 0xB8]), word(powerRegister, [0xFF, 0xFF])]
        try await ScriptedI2CBus.withScript(script) { bus in
            let error = await #expect(throws: HALError.self) {
                try await INA226(bus: bus, address: address, calibration: table1, clock: SimulatedClock()).measure()
            }
            #expect(error?.kind == .badData)
            #expect(error?.detail?.contains("35.0 A") == true && error?.detail?.contains("max_current") == true, "\(String(describing: error))")
        }
        // Just inside: 26200 counts (65.5 mV, 32.75 A) is 32750 counts and reads as a current.
        let inside = [word(busRegister, [0x25, 0x70]), word(shuntRegister, [0x66, 0x58]),
                      word(currentRegister, [0x7F, 0xEE]), word(powerRegister, [0x3D, 0x4C])]
        try await ScriptedI2CBus.withScript(inside) { bus in
            let sample = try await INA226(bus: bus, address: address, calibration: table1, clock: SimulatedClock()).measure()
            #expect(close(sample.amperes, 32.75))
        }
    }
}

@Suite("INA226 driver over the simulated chip")
struct INA226SimulatedTests {
    static func chip(amperes: Double = 0.5) -> SimulatedWordRegisterChip<SimulatedINA226> {
        var model = SimulatedINA226()
        (model.loadAmperes, model.busVolts, model.shuntOhms) = (amperes, 12, 0.1)
        return SimulatedWordRegisterChip(model)
    }

    @Test("the load reads back as the datasheet's equations give: 4 transactions to start, 4 per sample")
    func endToEnd() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(Self.chip(), at: address)
        let calibration = try #require(CurrentShuntCalibration(shuntOhms: 0.1, maximumCurrent: 0.8192, family: .ina226))
        // 0.8192 A / 2^15 = 25 µA; Cal = 0.00512 / (25 µA × 0.1 Ω) = 2048.
        #expect(calibration.register == 2048)
        let sensor = INA226(bus: bus, address: address, calibration: calibration, clock: SimulatedClock())
        try await sensor.start()
        #expect(bus.transactionCount == 4)
        bus.resetCounters()
        let sample = try await sensor.measure()
        #expect(bus.transactionCount == 4)
        // 0.5 A × 0.1 Ω = 50 mV = 20000 counts of 2.5 µV; × 2048 / 2048 = 20000 counts of 25 µA;
        // power trunc(20000 × 9600 / 20000) = 9600 counts of 625 µW = 6 W.
        #expect(sample.shunt == 20000)
        #expect(sample.current == 20000)
        #expect(sample.power == 9600)
        #expect(close(sample.amperes, 0.5) && close(sample.watts, 6) && close(sample.busVolts, 12))
    }

    @Test("a chip reset after start (calibration back to 0) is .badData; preparing again recovers")
    func calibrationLost() async throws {
        let bus = SimulatedI2CBus()
        let chip = Self.chip()
        bus.attach(chip, at: address)
        let calibration = try #require(CurrentShuntCalibration(shuntOhms: 0.1, maximumCurrent: 0.8192, family: .ina226))
        let sensor = INA226(bus: bus, address: address, calibration: calibration, clock: SimulatedClock())
        try await sensor.start()
        chip.update { $0.reset() }
        let error = await #expect(throws: HALError.self) { try await sensor.measure() }
        #expect(error?.kind == .badData)
        try await sensor.start()
        #expect(close(try await sensor.measure().amperes, 0.5))
    }

    @Test("fault sweep: any one failed transaction of start + measure is a typed error, never a reading")
    func faultSweep() async throws {
        for index in 0..<8 {
            for kind in HALError.Kind.allCases {
                let bus = SimulatedI2CBus()
                bus.attach(Self.chip(), at: address)
                let sensor = INA226(bus: FailOneTransactionBus(bus, failing: index, with: kind), address: address,
                                    calibration: table1, clock: SimulatedClock())
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

@Suite("INA226 as a sensor kind")
struct INA226KindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    static func yaml(_ extra: [String]) -> String {
        (["gateway:", "  id: gw", "board: simulated", "sensors:", "  - id: p", "    type: ina226",
          "    i2c: { bus: 1, address: 0x45 }"] + extra
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

    @Test("registered as ina226 on I2C at 0x40: shunt and bus voltage in V, current in A, power in W")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "ina226"))
        #expect(kind.buses == [.i2c])
        #expect(kind.defaultI2CAddress == I2CAddress(0x40))
        #expect(kind.quantities.map(\.unit.rawValue) == ["V", "V", "A", "W"])
        #expect(kind.quantities[0].validRange == -0.08192...0.08192)
        #expect(kind.quantities[1].validRange == 0...40.96)
    }

    @Test("options decode; bad values name file, line and key")
    func options() throws {
        let parsed = try Self.parse("    shunt_ohms: 0.002", "    max_current: 15", "    averaging: 16", "    conversion_time: 588us")
        #expect(parsed.sensors[0].options.isEqual(to: INA226Kind.Options(shuntOhms: 0.002, maxCurrent: 15, averaging: .sixteen,
                                                                           conversionTime: .us588)))
        #expect(try Self.parse().sensors[0].options.isEqual(to: INA226Kind.Options()))
        #expect(Self.error("    conversion_time: 1ms")
                == "sensorgw.yaml:8:22: sensors[0].conversion_time: unknown value '1ms'; expected one of: 140us, 204us, 332us, 588us, 1.1ms, 2.116ms, 4.156ms, 8.244ms")
        #expect(Self.error("    averaging: 2") == "sensorgw.yaml:8:16: sensors[0].averaging: expected 1, 4, 16, 64, 128, 256, 512 or 1024 samples")
        #expect(Self.error("    max_current: -1") == "sensorgw.yaml:8:18: sensors[0].max_current: expected a current above 0 A")
    }

    @Test("the simulated board hosts it and its load follows the daylight")
    func simulatedBoard() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(id: "p", kind: "ina226", bus: .i2c(bus: 1, address: address),
                                                                     options: INA226Kind.Options())
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn)
        #expect(try await board.i2cBus(1).scan() == [address])
        let sensor = INA226Kind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        #expect(readings.map(\.unit.rawValue) == ["V", "V", "A", "W"])
        // 0.2 × 0.8192 A × (100...500 lx) / 300.
        #expect(readings[2].numberOrNaN >= 0.05 && readings[2].numberOrNaN <= 0.28, "\(readings[2])")
    }
}
