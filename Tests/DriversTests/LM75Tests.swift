import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Registers and values restated from the TI LM75B/C datasheet SNIS153 (7.5.2 "Temperature
// Data Format", 7.6 register maps) and the NXP LM75B datasheet (7.4, table 9 "Temp register
// value") so a wrong driver constant cannot pass its own test.
private let temperatureRegister: UInt8 = 0x00
private let configRegister: UInt8 = 0x01
private let address = I2CAddress(0x4F)!

private func startScript(readBack: UInt8 = 0x00) -> [ScriptedI2CBus.Expectation] {
    [.write(address, [configRegister, 0x00]),
     ScriptedI2CBus.Expectation(address: address, operations: [.write([configRegister]), .read(count: 1)],
                                outcome: .reply([[readBack]]))]
}

@Suite("LM75 datasheet arithmetic")
struct LM75DatasheetTests {
    @Test("9 bits (TI SNIS153 7.5.2): count in bits 15:7, 0.5 °C per LSB; bits 6:0 ignored")
    func nineBit() {
        let table: [(UInt16, Double)] = [(0x0FA, 125), (0x032, 25), (0x001, 0.5), (0x000, 0), (0x1FF, -0.5),
                                         (0x1CE, -25), (0x192, -55)]
        for (count, celsius) in table {
            #expect(LM75Sample(raw: count << 7, resolution: .nineBit).temperatureCelsius == celsius)
            // Undefined low bits do not move the value.
            #expect(LM75Sample(raw: count << 7 | 0x7F, resolution: .nineBit).temperatureCelsius == celsius)
        }
    }

    @Test("11 bits (NXP LM75B table 9): count in bits 15:5, 0.125 °C per LSB")
    func elevenBit() {
        let table: [(UInt16, Double)] = [(0x3F8, 127), (0x3F7, 126.875), (0x3F1, 126.125), (0x3E8, 125),
                                         (0x0C8, 25), (0x001, 0.125), (0x000, 0), (0x7FF, -0.125), (0x738, -25),
                                         (0x649, -54.875), (0x648, -55)]
        for (count, celsius) in table {
            #expect(LM75Sample(raw: count << 5, resolution: .elevenBit).temperatureCelsius == celsius)
        }
    }

    @Test("conversion: TI's 300 ms maximum for 9 bits, NXP's 100 ms period for 11")
    func conversionTimes() {
        #expect(LM75Resolution.nineBit.conversionTime == .milliseconds(300))
        #expect(LM75Resolution.elevenBit.conversionTime == .milliseconds(100))
    }
}

@Suite("LM75 driver over a scripted bus", .scriptsMustFinish)
struct LM75ScriptedTests {
    @Test("start: Conf 0x00 written and read back, one conversion time, then one read per sample")
    func sequence() async throws {
        let clock = SimulatedClock()
        let (sample, times) = try await ScriptedI2CBus.withScript(
            startScript() + [.readRegisters(address, temperatureRegister, reply: [0x19, 0x20])]) { scripted in
            let bus = TimestampingI2CBus(scripted, clock: clock)
            let sensor = LM75(bus: bus, address: address, resolution: .elevenBit, clock: clock)
            try await sensor.start()
            return (try await sensor.measure(), bus.times)
        }
        // 0x1920 >> 5 = 201 counts of 0.125 °C.
        #expect(sample.temperatureCelsius == 25.125)
        #expect(times[2] - times[1] >= .milliseconds(100))
    }

    @Test("a read-back with reserved bits set is .badData naming it")
    func wrongChip() async throws {
        try await ScriptedI2CBus.withScript(startScript(readBack: 0xE0)) { bus in
            let error = await #expect(throws: HALError.self) {
                try await LM75(bus: bus, address: address, clock: SimulatedClock()).start()
            }
            #expect(error?.kind == .badData)
            #expect(error?.detail == "wrote 0x00, read back 0xE0 (not an LM75?)")
        }
    }
}

@Suite("LM75 driver over the simulated chip")
struct LM75SimulatedTests {
    @Test("each resolution reads the environment to its step: 2 transactions to start, 1 per sample")
    func endToEnd() async throws {
        for resolution in LM75Resolution.allCases {
            let clock = SimulatedClock()
            let bus = SimulatedI2CBus(clock: clock)
            let chip = SimulatedWordRegisterChip(SimulatedLM75(bits: resolution.rawValue, poweredUpAt: clock.now), clock: clock)
            chip.update { $0.temperatureCelsius = -12.3 }
            bus.attach(chip, at: address)
            let sensor = LM75(bus: bus, address: address, resolution: resolution, clock: clock)
            try await sensor.start()
            #expect(bus.transactionCount == 2)
            bus.resetCounters()
            let sample = try await sensor.measure()
            #expect(bus.transactionCount == 1)
            // Truncated towards -inf: -12.5 at 0.5 °C, -12.375 at 0.125 °C.
            #expect(sample.temperatureCelsius == (resolution == .nineBit ? -12.5 : -12.375))
        }
    }

    @Test("a chip left in shutdown is woken and its stale value waited out")
    func wakesFromShutdown() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedWordRegisterChip(SimulatedLM75(bits: 11, poweredUpAt: clock.now), clock: clock)
        chip.update { $0.temperatureCelsius = 30 }
        bus.attach(chip, at: address)
        #expect(try await LM75(bus: bus, address: address, clock: clock).measure().temperatureCelsius == 0)
        try await bus.write(address: address, [0x01, 0x01])   // shutdown
        let sensor = LM75(bus: bus, address: address, resolution: .elevenBit, clock: clock)
        try await sensor.start()
        #expect(chip.model.configuration == 0x00)
        #expect(try await sensor.measure().temperatureCelsius == 30)
    }

    @Test("fault sweep: any one failed transaction of start + measure is a typed error, never a reading")
    func faultSweep() async throws {
        for index in 0..<3 {
            for kind in HALError.Kind.allCases {
                let bus = SimulatedI2CBus()
                bus.attach(SimulatedWordRegisterChip(SimulatedLM75()), at: address)
                let sensor = LM75(bus: FailOneTransactionBus(bus, failing: index, with: kind), address: address,
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

@Suite("LM75 as a sensor kind")
struct LM75KindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    static func yaml(_ extra: String...) -> String {
        (["gateway:", "  id: gw", "board: simulated", "sensors:", "  - id: t", "    type: lm75",
          "    i2c: { bus: 1, address: 0x4f }"] + extra
            + ["storage:", "  path: outbox.sqlite", "mqtt:", "  host: localhost", "  tls: false", ""])
            .joined(separator: "\n")
    }

    static func parse(_ yaml: String) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: yaml, file: "sensorgw.yaml", baseDirectory: "/tmp",
                                       kinds: SensorRegistry.builtIn.catalog)
    }

    @Test("registered as lm75 on I2C at 0x48 with temperature in Cel, -55...125")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "lm75"))
        #expect(kind.buses == [.i2c])
        #expect(kind.defaultI2CAddress == I2CAddress(0x48))
        #expect(kind.quantities.map(\.unit.rawValue) == ["Cel"])
        #expect(kind.quantities.first?.validRange == -55...125)
        #expect(LM75Sample(raw: 0x1900, resolution: .nineBit).readings(sensorID: "t", at: stamp).map(\.unit.rawValue) == ["Cel"])
    }

    @Test("resolution decodes; a width the family lacks names file, line and key")
    func options() throws {
        let fine = try Self.parse(Self.yaml("    resolution: 11"))
        #expect(fine.sensors[0].options.isEqual(to: LM75Kind.Options(resolution: .elevenBit)))
        #expect(try Self.parse(Self.yaml()).sensors[0].options.isEqual(to: LM75Kind.Options()))
        do {
            _ = try Self.parse(Self.yaml("    resolution: 10"))
            Issue.record("parsed")
        } catch {
            #expect(error.description == "sensorgw.yaml:8:17: sensors[0].resolution: expected 9 (LM75, 0.5 °C) or 11 (NXP LM75A/B, 0.125 °C) bits")
        }
    }

    @Test("the simulated board hosts it at the configured resolution and it follows the weather")
    func simulatedBoard() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(id: "t", kind: "lm75", bus: .i2c(bus: 1, address: address),
                                                                     options: LM75Kind.Options(resolution: .elevenBit))
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn)
        #expect(try await board.i2cBus(1).scan() == [address])
        let sensor = LM75Kind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        #expect(readings[0].numberOrNaN >= 19.4 && readings[0].numberOrNaN <= 23.6)
        // An 11-bit part reports eighths of a degree.
        #expect((readings[0].numberOrNaN * 8).rounded() == readings[0].numberOrNaN * 8)
    }
}
