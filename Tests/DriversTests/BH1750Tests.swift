import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Instructions and values restated from the ROHM BH1750FVI datasheet so a wrong driver constant
// cannot pass its own test.
private let powerOn: [UInt8] = [0x01]
private let oneTimeHighResolution: [UInt8] = [0x20]
/// MTreg 69 = 0b010_00101: high bits 0b01000_010 = 0x42, low bits 0b011_00101 = 0x65.
private let mtreg69: [[UInt8]] = [[0x42], [0x65]]
/// MTreg 254 = 0b111_11110: 0x47, 0x7E. MTreg 31 = 0b000_11111: 0x40, 0x7F.
private let mtreg254: [[UInt8]] = [[0x47], [0x7E]]
private let mtreg31: [[UInt8]] = [[0x40], [0x7F]]
private let address = I2CAddress(0x23)!                  // ADDR pin low
/// The datasheet's worked example: 0b1000_0011 0b1001_0000 = 33680 counts, 33680 / 1.2 = 28067 lx.
private let exampleResult: [UInt8] = [0x83, 0x90]

private func resultRead(_ reply: [UInt8]) -> ScriptedI2CBus.Expectation {
    .init(address: address, operations: [.read(count: 2)], outcome: .reply([reply]))
}

private func writes(_ opcodes: [[UInt8]]) -> [ScriptedI2CBus.Expectation] {
    opcodes.map { .write(address, $0) }
}

@Suite("BH1750 datasheet arithmetic")
struct BH1750DatasheetTests {
    @Test("lx = count / 1.2 × 69 / MTreg: the worked example and the range ends")
    func conversion() throws {
        #expect(abs(BH1750Sample(count: 0x8390).illuminanceLux - 28_066.67) < 0.005)
        #expect(abs(BH1750Sample(count: 1).illuminanceLux - 0.8333) < 0.0001)
        #expect(BH1750Sample(count: 0xFFFF).illuminanceLux == 54_612.5)
        let shortest = try #require(BH1750MeasurementTime(31))
        let longest = try #require(BH1750MeasurementTime(254))
        // 65535 / 1.2 × 69 / 31 = 121556.85 lx; 33680 / 1.2 × 69 / 254 = 7624.41 lx.
        #expect(abs(BH1750Sample(count: 0xFFFF, measurementTime: shortest).illuminanceLux - 121_556.85) < 0.005)
        #expect(abs(BH1750Sample(count: 0x8390, measurementTime: longest).illuminanceLux - 7_624.41) < 0.005)
    }

    @Test("MTreg 31...254 only, written as 0x40 | MT[7:5] and 0x60 | MT[4:0]")
    func measurementTimeOpcodes() {
        #expect(BH1750MeasurementTime(30) == nil)
        #expect(BH1750MeasurementTime(255) == nil)
        #expect(BH1750MeasurementTime.default.rawValue == 69)
        #expect(BH1750MeasurementTime.default.opcodes == [0x42, 0x65])
        #expect(BH1750MeasurementTime(254)?.opcodes == [0x47, 0x7E])
        #expect(BH1750MeasurementTime(31)?.opcodes == [0x40, 0x7F])
        #expect(BH1750MeasurementTime(138)?.opcodes == [0x44, 0x6A])   // 0b100_01010
    }

    @Test("maximum H-resolution time: 180 ms at MTreg 69, scaled by MTreg / 69, rounded up")
    func measurementDuration() {
        #expect(BH1750MeasurementTime.default.maximumHighResolutionDuration == .milliseconds(180))
        #expect(BH1750MeasurementTime(138)?.maximumHighResolutionDuration == .milliseconds(360))
        // 180 × 254 / 69 = 662.6087 ms; 180 × 31 / 69 = 80.8696 ms.
        #expect(BH1750MeasurementTime(254)?.maximumHighResolutionDuration == .microseconds(662_609))
        #expect(BH1750MeasurementTime(31)?.maximumHighResolutionDuration == .microseconds(80_870))
    }
}

@Suite("BH1750 driver over a scripted bus")
struct BH1750ScriptedTests {
    @Test("start() and one measurement at MTreg 69: exact transactions, 180 ms before the read")
    func sequence() async throws {
        let script = ScriptedI2CBus(writes([powerOn] + mtreg69 + [oneTimeHighResolution]) + [resultRead(exampleResult)])
        let clock = SimulatedClock()
        let bus = TimestampingI2CBus(script, clock: clock)
        let sensor = BH1750(bus: bus, address: address, clock: clock)
        try await sensor.start()
        let sample = try await sensor.measure()
        #expect(script.finish().isEmpty, "\(script.finish())")
        #expect(sample.count == 33_680)
        #expect(abs(sample.illuminanceLux - 28_066.67) < 0.005)
        #expect(bus.times[4] - bus.times[3] == .milliseconds(180))
    }

    @Test("MTreg 254 is written at start and again before each measurement, with the longer wait")
    func otherMeasurementTime() async throws {
        let measurement = writes(mtreg254 + [oneTimeHighResolution]) + [resultRead(exampleResult)]
        let script = ScriptedI2CBus(writes([powerOn] + mtreg254) + measurement + measurement)
        let clock = SimulatedClock()
        let bus = TimestampingI2CBus(script, clock: clock)
        let sensor = BH1750(bus: bus, address: address, measurementTime: try #require(BH1750MeasurementTime(254)),
                            clock: clock)
        try await sensor.start()
        let sample = try await sensor.measure()
        _ = try await sensor.measure()
        #expect(script.finish().isEmpty, "\(script.finish())")
        #expect(abs(sample.illuminanceLux - 7_624.41) < 0.005)
        #expect(bus.times[6] - bus.times[5] == .microseconds(662_609))
    }

    @Test("a short result read is .badData; a bus error keeps its kind")
    func shortReadAndBusError() async throws {
        let short = ScriptedI2CBus(writes([oneTimeHighResolution]) + [
            .init(address: address, operations: [.read(count: 2)], outcome: .reply([[0x83]]))])
        let error = await #expect(throws: HALError.self) {
            try await BH1750(bus: short, address: address, clock: SimulatedClock()).measure()
        }
        #expect(error?.kind == .badData)
        let absent = ScriptedI2CBus([.fail(address, [.write(powerOn)], .addressNACK)])
        let missing = await #expect(throws: HALError.self) {
            try await BH1750(bus: absent, address: address, clock: SimulatedClock()).start()
        }
        #expect(missing?.kind == .addressNACK)
    }
}

@Suite("BH1750 driver over the simulated chip")
struct BH1750SimulatedTests {
    /// The model rounds to whole counts: half a count, 0.5 / 1.2 × 69 / MTreg lx.
    static func bound(mtreg: Double) -> Double { 0.5 / 1.2 * 69 / mtreg + 1e-9 }

    @Test("light reads back within half a count at MTreg 69, 31 and 254, from the slowest chip in spec")
    func endToEnd() async throws {
        for mtreg in [69, 31, 254] {
            let clock = SimulatedClock()
            let bus = SimulatedI2CBus(clock: clock)
            let chip = SimulatedBH1750(clock: clock)   // takes the full 180 ms × MTreg / 69
            chip.illuminanceLux = 1234.5
            bus.attach(chip, at: address)
            let sensor = BH1750(bus: bus, address: address,
                                measurementTime: try #require(BH1750MeasurementTime(mtreg)), clock: clock)
            try await sensor.start()
            let sample = try await sensor.measure()
            #expect(chip.mtreg == UInt8(mtreg))
            #expect(abs(sample.illuminanceLux - 1234.5) <= Self.bound(mtreg: Double(mtreg)), "MTreg \(mtreg)")
            #expect(!chip.isPoweredOn)                 // one-time mode powers itself down
            chip.illuminanceLux = 20
            let dim = try await sensor.measure()
            #expect(abs(dim.illuminanceLux - 20) <= Self.bound(mtreg: Double(mtreg)), "MTreg \(mtreg)")
        }
    }

    @Test("the fewest transactions: 3 to start, 2 per sample at MTreg 69, 4 at any other MTreg")
    func transactionCount() async throws {
        for (mtreg, perSample) in [(69, 2), (100, 4)] {
            let clock = SimulatedClock()
            let bus = SimulatedI2CBus(clock: clock)
            bus.attach(SimulatedBH1750(clock: clock), at: address)
            let sensor = BH1750(bus: bus, address: address,
                                measurementTime: try #require(BH1750MeasurementTime(mtreg)), clock: clock)
            try await sensor.start()
            #expect(bus.transactionCount == 3)         // power on, MT high bits, MT low bits
            bus.resetCounters()
            _ = try await sensor.measure()
            #expect(bus.transactionCount == perSample, "MTreg \(mtreg)")
        }
    }

    @Test("a chip power-cycled behind the driver's back still reads right at MTreg 254")
    func powerCycleKeepsMTreg() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedBH1750(clock: clock)
        chip.illuminanceLux = 500
        bus.attach(chip, at: address)
        let sensor = BH1750(bus: bus, address: address,
                            measurementTime: try #require(BH1750MeasurementTime(254)), clock: clock)
        try await sensor.start()
        chip.powerCycle()
        #expect(chip.mtreg == 69)
        let sample = try await sensor.measure()
        #expect(abs(sample.illuminanceLux - 500) <= Self.bound(mtreg: 254))
    }

    @Test("a chip slower than its datasheet returns its previous result: it has no ready flag")
    func slowChipGivesThePreviousResult() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedBH1750(clock: clock)
        chip.illuminanceLux = 100
        bus.attach(chip, at: address)
        let sensor = BH1750(bus: bus, address: address, clock: clock)
        _ = try await sensor.measure()
        chip.illuminanceLux = 900
        chip.measurementDuration = .milliseconds(181)
        let stale = try await sensor.measure()
        #expect(abs(stale.illuminanceLux - 100) <= Self.bound(mtreg: 69))
    }

    @Test("fault sweep: any one failed transaction of start + measure is a typed error, never a reading")
    func faultSweep() async throws {
        for (mtreg, total) in [(69, 5), (200, 7)] {
            let measurementTime = try #require(BH1750MeasurementTime(mtreg))
            let clean = SimulatedI2CBus()
            clean.attach(SimulatedBH1750(), at: address)
            let cleanSensor = BH1750(bus: clean, address: address, measurementTime: measurementTime, clock: SimulatedClock())
            try await cleanSensor.start()
            _ = try await cleanSensor.measure()
            #expect(clean.transactionCount == total)

            for index in 0..<total {
                for kind in HALError.Kind.allCases {
                    let bus = SimulatedI2CBus()
                    bus.attach(SimulatedBH1750(), at: address)
                    let sensor = BH1750(bus: FailOneTransactionBus(bus, failing: index, with: kind), address: address,
                                        measurementTime: measurementTime, clock: SimulatedClock())
                    do {
                        try await sensor.start()
                        let sample = try await sensor.measure()
                        Issue.record("MTreg \(mtreg), transaction \(index) \(kind) gave \(sample)")
                    } catch let error as HALError {
                        #expect(error.kind == kind, "MTreg \(mtreg), transaction \(index): \(error)")
                    } catch {
                        Issue.record("MTreg \(mtreg), transaction \(index) \(kind): untyped \(error)")
                    }
                }
            }
        }
    }
}

@Suite("BH1750 as a sensor kind")
struct BH1750KindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    @Test("registered as bh1750 on I2C at 0x23 with illuminance in lx")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "bh1750"))
        #expect(kind.buses == [.i2c])
        #expect(kind.defaultI2CAddress == I2CAddress(0x23))
        #expect(kind.optionKeys == ["mtreg"])
        #expect(kind.quantities.map(\.quantity) == ["illuminance"])
        #expect(kind.quantities.map(\.unit.rawValue) == ["lx"])
    }

    @Test("a reading of the worked example; validation keeps 0 up to the full count at MTreg 31")
    func readingsAndRange() throws {
        let readings = BH1750Sample(count: 0x8390).readings(sensorID: "light", at: stamp)
        #expect(readings.map(\.quantity) == ["illuminance"])
        #expect(readings.map(\.unit.rawValue) == ["lx"])
        var pipeline = BH1750Kind().pipeline(for: .init(id: "light", kind: "bh1750", bus: .none))
        let brightest = BH1750Sample(count: 0xFFFF, measurementTime: try #require(BH1750MeasurementTime(31)))
        let input = brightest.readings(sensorID: "light", at: stamp) + readings + [
            Reading(sensorID: "light", quantity: "illuminance", value: -1, unit: SenMLUnit(rawValue: "lx"), timestamp: stamp),
            Reading(sensorID: "light", quantity: "illuminance", value: 121_558, unit: SenMLUnit(rawValue: "lx"), timestamp: stamp),
        ]
        let result = pipeline.process(input)
        #expect(result.passed == Array(input.prefix(2)))
        #expect(result.dropped.map(\.reason) == ["out_of_range", "out_of_range"])
    }

    @Test("the simulated board hosts it and it follows the weather")
    func simulatedBoard() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(
            id: "light", kind: "bh1750", bus: .i2c(bus: 1, address: address), options: BH1750Kind.Options(mtreg: 138))
        // A virtual clock: at MTreg 138 the sensor would really wait 360 ms.
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn, clock: SimulatedClock())
        #expect(try await board.i2cBus(1).scan() == [address])
        let sensor = BH1750Kind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        // The simulated weather: 300 ± 200 lx.
        #expect(readings.count == 1)
        #expect((99...501).contains(readings[0].number ?? .nan))
    }
}

@Suite("BH1750 configuration")
struct BH1750ConfigurationTests {
    static func yaml(_ extra: String...) -> String {
        ([
            "gateway:",
            "  id: gw",
            "board: simulated",
            "sensors:",
            "  - id: light",
            "    type: bh1750",
            "    i2c: { bus: 1, address: 0x23 }",
        ] + extra + [
            "storage:",
            "  path: outbox.sqlite",
            "mqtt:",
            "  host: localhost",
            "  tls: false",
            "",
        ]).joined(separator: "\n")
    }

    static func error(_ yaml: String) -> String? {
        do {
            _ = try GatewayConfiguration.parse(yaml: yaml, file: "sensorgw.yaml", baseDirectory: "/tmp",
                                               kinds: SensorRegistry.builtIn.catalog)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("mtreg decodes; without it the default is 69")
    func decodes() throws {
        let parsed = try GatewayConfiguration.parse(yaml: Self.yaml("    mtreg: 254"), file: "sensorgw.yaml",
                                                    baseDirectory: "/tmp", kinds: SensorRegistry.builtIn.catalog)
        #expect(parsed.sensors[0].options.isEqual(to: BH1750Kind.Options(mtreg: 254)))
        let plain = try GatewayConfiguration.parse(yaml: Self.yaml(), file: "sensorgw.yaml",
                                                   baseDirectory: "/tmp", kinds: SensorRegistry.builtIn.catalog)
        #expect(plain.sensors[0].options.isEqual(to: BH1750Kind.Options(mtreg: 69)))
    }

    @Test("an mtreg outside 31...254 names file, line, column and key")
    func badMTreg() {
        #expect(Self.error(Self.yaml("    mtreg: 30"))
                == "sensorgw.yaml:8:12: sensors[0].mtreg: 30 is out of range 31...254")
        #expect(Self.error(Self.yaml("    mtreg: 255"))
                == "sensorgw.yaml:8:12: sensors[0].mtreg: 255 is out of range 31...254")
        #expect(Self.error(Self.yaml("    mtreg: long"))?.hasPrefix("sensorgw.yaml:8:12: sensors[0].mtreg: expected an integer") == true)
    }

    @Test("another kind's option is an unknown key for type bh1750")
    func foreignOption() {
        let message = Self.error(Self.yaml("    repeatability: high"))
        #expect(message?.hasPrefix("sensorgw.yaml:8:5: sensors[0].repeatability: unknown key for type bh1750") == true,
                "\(message ?? "parsed")")
    }
}
