import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Registers and values restated from the Microchip MCP9808 datasheet DS25095 (table 5-1,
// registers 5-1 to 5-8) so a wrong driver constant cannot pass its own test.
private let configRegister: UInt8 = 0x01
private let ambientRegister: UInt8 = 0x05
private let manufacturerRegister: UInt8 = 0x06
private let deviceRegister: UInt8 = 0x07
private let resolutionRegister: UInt8 = 0x08
private let address = I2CAddress(0x18)!

private func word(_ register: UInt8, _ reply: [UInt8]) -> ScriptedI2CBus.Expectation {
    .readRegisters(address, register, reply: reply)
}

private func startScript(resolution: UInt8 = 0x03) -> [ScriptedI2CBus.Expectation] {
    [word(manufacturerRegister, [0x00, 0x54]), word(deviceRegister, [0x04, 0x00]),
     .write(address, [resolutionRegister, resolution]), .write(address, [configRegister, 0x00, 0x00])]
}

@Suite("MCP9808 datasheet arithmetic")
struct MCP9808DatasheetTests {
    @Test("T_A (5.1.3): sign bit 12, 1/16 °C in bits 11:0, flags 15:13 ignored")
    func conversion() {
        // +25 °C = 400/16 = 0x190; -25 °C = 8192 - 400 = 0x1E70 in 13 bits; 0.0625 °C = 0x001.
        #expect(MCP9808Sample(raw: 0x0190).temperatureCelsius == 25)
        #expect(MCP9808Sample(raw: 0x1E70).temperatureCelsius == -25)
        #expect(MCP9808Sample(raw: 0x0001).temperatureCelsius == 0.0625)
        #expect(MCP9808Sample(raw: 0x1FFF).temperatureCelsius == -0.0625)
        let flagged = MCP9808Sample(raw: 0xE190)   // T_CRIT, T_UPPER, T_LOWER flags set
        #expect(flagged.temperatureCelsius == 25)
        #expect(flagged.aboveCritical)
    }

    @Test("resolution codes 0b00...0b11 are 0.5 / 0.25 / 0.125 / 0.0625 °C, t_CONV 30 / 65 / 130 / 250 ms (+25 %)")
    func resolutions() {
        #expect(MCP9808Resolution.allCases.map(\.rawValue) == [0, 1, 2, 3])
        #expect(MCP9808Resolution.allCases.map(\.step) == [0.5, 0.25, 0.125, 0.0625])
        #expect(MCP9808Resolution.allCases.map(\.conversionTime)
                == [.microseconds(37_500), .microseconds(81_250), .microseconds(162_500), .microseconds(312_500)])
    }
}

@Suite("MCP9808 driver over a scripted bus", .scriptsMustFinish)
struct MCP9808ScriptedTests {
    @Test("start: ids, resolution, continuous CONFIG, one conversion time; a sample is one read")
    func sequence() async throws {
        let clock = SimulatedClock()
        let (sample, times) = try await ScriptedI2CBus.withScript(startScript() + [word(ambientRegister, [0xC1, 0x90])]) { scripted in
            let bus = TimestampingI2CBus(scripted, clock: clock)
            let sensor = MCP9808(bus: bus, address: address, clock: clock)
            try await sensor.start()
            return (try await sensor.measure(), bus.times)
        }
        #expect(sample.temperatureCelsius == 25)
        #expect(times[4] - times[3] >= .microseconds(312_500))
    }

    @Test("another chip's ids are .badData naming what was found")
    func wrongIDs() async throws {
        try await ScriptedI2CBus.withScript([word(manufacturerRegister, [0x00, 0x54]), word(deviceRegister, [0x02, 0x01])]) { bus in
            let error = await #expect(throws: HALError.self) {
                try await MCP9808(bus: bus, address: address, clock: SimulatedClock()).start()
            }
            #expect(error?.kind == .badData)
            #expect(error?.detail == "expected manufacturer 0x0054 and device 0x04 (MCP9808), found manufacturer 0x0054 and device 0x02 revision 0x01")
        }
    }

    @Test("a short read is .badData")
    func shortRead() async throws {
        let bus = ScriptedI2CBus([ScriptedI2CBus.Expectation(address: address, operations: [.write([0x05]), .read(count: 2)],
                                                             outcome: .reply([[0x01]]))])
        let error = await #expect(throws: HALError.self) {
            try await MCP9808(bus: bus, address: address, clock: SimulatedClock()).measure()
        }
        #expect(error?.kind == .badData)
        #expect(bus.finish().count == 1)
    }
}

@Suite("MCP9808 driver over the simulated chip")
struct MCP9808SimulatedTests {
    @Test("each resolution reads back the environment to its step, in 1 transaction per sample")
    func endToEnd() async throws {
        for resolution in MCP9808Resolution.allCases {
            let clock = SimulatedClock()
            let bus = SimulatedI2CBus(clock: clock)
            let chip = SimulatedMCP9808(clock: clock)
            chip.temperatureCelsius = -12.3
            bus.attach(chip, at: address)
            let sensor = MCP9808(bus: bus, address: address, resolution: resolution, clock: clock)
            try await sensor.start()
            #expect(bus.transactionCount == 4)
            #expect(chip.resolution == resolution.rawValue)
            bus.resetCounters()
            let sample = try await sensor.measure()
            #expect(bus.transactionCount == 1)
            // Truncated towards -inf to the step: -12.3 °C reads -12.5, -12.5, -12.375, -12.3125.
            #expect(sample.temperatureCelsius <= -12.3 && sample.temperatureCelsius > -12.3 - resolution.step,
                    "\(resolution): \(sample.temperatureCelsius)")
        }
    }

    @Test("a read before the first conversion would be the reset value; the driver waits it out")
    func firstConversion() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedMCP9808(clock: clock)
        chip.temperatureCelsius = 30
        bus.attach(chip, at: address)
        // Without start(): the model still holds 0x0000 from power-up.
        #expect(try await MCP9808(bus: bus, address: address, clock: clock).measure().temperatureCelsius == 0)
        let sensor = MCP9808(bus: bus, address: address, clock: clock)
        try await sensor.start()
        #expect(try await sensor.measure().temperatureCelsius == 30)
    }

    @Test("fault sweep: any one failed transaction of start + measure is a typed error, never a reading")
    func faultSweep() async throws {
        for index in 0..<5 {
            for kind in HALError.Kind.allCases {
                let bus = SimulatedI2CBus()
                bus.attach(SimulatedMCP9808(), at: address)
                let sensor = MCP9808(bus: FailOneTransactionBus(bus, failing: index, with: kind), address: address,
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

@Suite("MCP9808 as a sensor kind")
struct MCP9808KindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    static func yaml(_ extra: String...) -> String {
        (["gateway:", "  id: gw", "board: simulated", "sensors:", "  - id: t", "    type: mcp9808",
          "    i2c: { bus: 1, address: 0x18 }"] + extra
            + ["storage:", "  path: outbox.sqlite", "mqtt:", "  host: localhost", "  tls: false", ""])
            .joined(separator: "\n")
    }

    static func parse(_ yaml: String) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: yaml, file: "sensorgw.yaml", baseDirectory: "/tmp",
                                       kinds: SensorRegistry.builtIn.catalog)
    }

    @Test("registered as mcp9808 on I2C at 0x18 with temperature in Cel, -40...125")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "mcp9808"))
        #expect(kind.buses == [.i2c])
        #expect(kind.defaultI2CAddress == I2CAddress(0x18))
        #expect(kind.quantities.map(\.unit.rawValue) == ["Cel"])
        #expect(kind.quantities.first?.validRange == -40...125)
        #expect(MCP9808Sample(raw: 0x0190).readings(sensorID: "t", at: stamp).map(\.unit.rawValue) == ["Cel"])
    }

    @Test("resolution decodes; a step the chip lacks names file, line and key")
    func options() throws {
        let fine = try Self.parse(Self.yaml("    resolution: 0.25"))
        #expect(fine.sensors[0].options.isEqual(to: MCP9808Kind.Options(resolution: .quarterDegree)))
        #expect(try Self.parse(Self.yaml()).sensors[0].options.isEqual(to: MCP9808Kind.Options()))
        do {
            _ = try Self.parse(Self.yaml("    resolution: 0.1"))
            Issue.record("parsed")
        } catch {
            #expect(error.description == "sensorgw.yaml:8:17: sensors[0].resolution: unknown value '0.1'; expected one of: 0.5, 0.25, 0.125, 0.0625")
        }
    }

    @Test("the simulated board hosts it and it follows the weather")
    func simulatedBoard() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(id: "t", kind: "mcp9808", bus: .i2c(bus: 1, address: address))
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn)
        #expect(try await board.i2cBus(1).scan() == [address])
        let sensor = MCP9808Kind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        #expect(readings[0].numberOrNaN >= 19.4 && readings[0].numberOrNaN <= 23.6)
    }
}
