import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Registers and values restated from the TI TMP102 datasheet SBOS397 (7.5, tables 7-2, 7-3,
// 7-8 to 7-12) so a wrong driver constant cannot pass its own test.
private let temperatureRegister: UInt8 = 0x00
private let configRegister: UInt8 = 0x01
private let address = I2CAddress(0x48)!

private func startScript(written: [UInt8] = [0x60, 0xA0], readBack: [UInt8]? = nil) -> [ScriptedI2CBus.Expectation] {
    [.write(address, [configRegister] + written), .readRegisters(address, configRegister, reply: readBack ?? written)]
}

@Suite("TMP102 datasheet arithmetic")
struct TMP102DatasheetTests {
    @Test("12-bit format (table 7-2): the count in bits 15:4, 0.0625 °C per LSB")
    func normalFormat() {
        // Table 7-2's hex column is the 12-bit count; on the wire it is shifted left by 4.
        let table: [(UInt16, Double)] = [(0x7FF, 127.9375), (0x640, 100), (0x500, 80), (0x4B0, 75), (0x320, 50),
                                         (0x190, 25), (0x004, 0.25), (0x000, 0), (0xFFC, -0.25), (0xE70, -25),
                                         (0xC90, -55)]
        for (count, celsius) in table {
            let sample = TMP102Sample(raw: count << 4)
            #expect(!sample.isExtendedFormat)
            #expect(sample.temperatureCelsius == celsius, "0x\(String(count, radix: 16))")
        }
    }

    @Test("13-bit extended format (table 7-3): the count in bits 15:3, bit 0 set")
    func extendedFormat() {
        let table: [(UInt16, Double)] = [(0x0960, 150), (0x0800, 128), (0x07FF, 127.9375), (0x0640, 100),
                                         (0x0190, 25), (0x0004, 0.25), (0x0000, 0), (0x1FFC, -0.25),
                                         (0x1E70, -25), (0x1C90, -55)]
        for (count, celsius) in table {
            let sample = TMP102Sample(raw: count << 3 | 0x0001)
            #expect(sample.isExtendedFormat)
            #expect(sample.temperatureCelsius == celsius, "0x\(String(count, radix: 16))")
        }
    }
}

@Suite("TMP102 driver over a scripted bus", .scriptsMustFinish)
struct TMP102ScriptedTests {
    @Test("start: the power-up configuration 0x60A0 written and read back, 35 ms, then one read per sample")
    func sequence() async throws {
        let clock = SimulatedClock()
        let (sample, times) = try await ScriptedI2CBus.withScript(
            startScript() + [.readRegisters(address, temperatureRegister, reply: [0x19, 0x00])]) { scripted in
            let bus = TimestampingI2CBus(scripted, clock: clock)
            let sensor = TMP102(bus: bus, address: address, clock: clock)
            try await sensor.start()
            return (try await sensor.measure(), bus.times)
        }
        #expect(sample.temperatureCelsius == 25)
        // Table 6.5: conversion time 35 ms maximum.
        #expect(times[2] - times[1] >= .milliseconds(35))
    }

    @Test("extended mode sets EM (byte 2 bit 4): 0x60B0")
    func extendedMode() async throws {
        try await ScriptedI2CBus.withScript(startScript(written: [0x60, 0xB0])) { bus in
            try await TMP102(bus: bus, address: address, extendedMode: true, clock: SimulatedClock()).start()
        }
    }

    @Test("a read-back that is not a TMP102's (R1:R0 not 11) is .badData naming both words")
    func wrongChip() async throws {
        try await ScriptedI2CBus.withScript(startScript(readBack: [0x00, 0xA0])) { bus in
            let error = await #expect(throws: HALError.self) {
                try await TMP102(bus: bus, address: address, clock: SimulatedClock()).start()
            }
            #expect(error?.kind == .badData)
            #expect(error?.detail == "wrote 0x60A0, read back 0x00A0 (not a TMP102?)")
        }
    }

    @Test("AL (read only) may differ in the read-back")
    func alertBitIgnored() async throws {
        try await ScriptedI2CBus.withScript(startScript(readBack: [0x60, 0x80])) { bus in
            try await TMP102(bus: bus, address: address, clock: SimulatedClock()).start()
        }
    }

    @Test("a short read is .badData")
    func shortRead() async throws {
        let bus = ScriptedI2CBus([ScriptedI2CBus.Expectation(address: address, operations: [.write([0x00]), .read(count: 2)],
                                                             outcome: .reply([[0x19]]))])
        let error = await #expect(throws: HALError.self) {
            try await TMP102(bus: bus, address: address, clock: SimulatedClock()).measure()
        }
        #expect(error?.kind == .badData)
        #expect(bus.finish().count == 1)
    }
}

@Suite("TMP102 driver over the simulated chip")
struct TMP102SimulatedTests {
    @Test("both modes read the environment to 1/16 °C: 2 transactions to start, 1 per sample")
    func endToEnd() async throws {
        for extended in [false, true] {
            let clock = SimulatedClock()
            let bus = SimulatedI2CBus(clock: clock)
            let chip = SimulatedWordRegisterChip(SimulatedTMP102(poweredUpAt: clock.now), clock: clock)
            chip.update { $0.temperatureCelsius = -12.3 }
            bus.attach(chip, at: address)
            let sensor = TMP102(bus: bus, address: address, extendedMode: extended, clock: clock)
            try await sensor.start()
            #expect(bus.transactionCount == 2)
            bus.resetCounters()
            let sample = try await sensor.measure()
            #expect(bus.transactionCount == 1)
            #expect(sample.isExtendedFormat == extended)
            // -12.3 °C truncated towards -inf to 1/16: -12.3125.
            #expect(sample.temperatureCelsius == -12.3125)
        }
    }

    @Test("above 128 °C only extended mode reports the temperature; normal mode clamps at 127.9375")
    func extendedRange() async throws {
        for (extended, expected) in [(false, 127.9375), (true, 140.0)] {
            let bus = SimulatedI2CBus()
            let chip = SimulatedWordRegisterChip(SimulatedTMP102())
            chip.update { $0.temperatureCelsius = 140 }
            bus.attach(chip, at: address)
            let sensor = TMP102(bus: bus, address: address, extendedMode: extended, clock: SimulatedClock())
            try await sensor.start()
            #expect(try await sensor.measure().temperatureCelsius == expected)
        }
    }

    @Test("a chip shut down by another process is woken; its stale 0 °C is waited out")
    func wakesFromShutdown() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedWordRegisterChip(SimulatedTMP102(poweredUpAt: clock.now), clock: clock)
        chip.update { $0.temperatureCelsius = 30 }
        bus.attach(chip, at: address)
        // Straight after power-up the register still reads 0 °C.
        #expect(try await TMP102(bus: bus, address: address, clock: clock).measure().temperatureCelsius == 0)
        try await bus.write(address: address, [0x01, 0x61, 0xA0])   // SD = 1
        let sensor = TMP102(bus: bus, address: address, clock: clock)
        try await sensor.start()
        #expect(chip.model.configuration & 0x0100 == 0)
        #expect(try await sensor.measure().temperatureCelsius == 30)
    }

    @Test("fault sweep: any one failed transaction of start + measure is a typed error, never a reading")
    func faultSweep() async throws {
        for index in 0..<3 {
            for kind in HALError.Kind.allCases {
                let bus = SimulatedI2CBus()
                bus.attach(SimulatedWordRegisterChip(SimulatedTMP102()), at: address)
                let sensor = TMP102(bus: FailOneTransactionBus(bus, failing: index, with: kind), address: address,
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

@Suite("TMP102 as a sensor kind")
struct TMP102KindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    static func yaml(_ extra: String...) -> String {
        (["gateway:", "  id: gw", "board: simulated", "sensors:", "  - id: t", "    type: tmp102",
          "    i2c: { bus: 1, address: 0x48 }"] + extra
            + ["storage:", "  path: outbox.sqlite", "mqtt:", "  host: localhost", "  tls: false", ""])
            .joined(separator: "\n")
    }

    static func parse(_ yaml: String) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: yaml, file: "sensorgw.yaml", baseDirectory: "/tmp",
                                       kinds: SensorRegistry.builtIn.catalog)
    }

    @Test("registered as tmp102 on I2C at 0x48 with temperature in Cel, -55...150")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "tmp102"))
        #expect(kind.buses == [.i2c])
        #expect(kind.defaultI2CAddress == I2CAddress(0x48))
        #expect(kind.quantities.map(\.unit.rawValue) == ["Cel"])
        #expect(kind.quantities.first?.validRange == -55...150)
        #expect(TMP102Sample(raw: 0x1900).readings(sensorID: "t", at: stamp).map(\.unit.rawValue) == ["Cel"])
    }

    @Test("extended_mode decodes; a value that is not a boolean names file, line and key")
    func options() throws {
        let extended = try Self.parse(Self.yaml("    extended_mode: true"))
        #expect(extended.sensors[0].options.isEqual(to: TMP102Kind.Options(extendedMode: true)))
        #expect(try Self.parse(Self.yaml()).sensors[0].options.isEqual(to: TMP102Kind.Options()))
        do {
            _ = try Self.parse(Self.yaml("    extended_mode: 13"))
            Issue.record("parsed")
        } catch {
            #expect(error.description.hasPrefix("sensorgw.yaml:8:20: sensors[0].extended_mode: expected true or false"),
                    "\(error.description)")
        }
    }

    @Test("the simulated board hosts it and it follows the weather")
    func simulatedBoard() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(id: "t", kind: "tmp102", bus: .i2c(bus: 1, address: address))
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn)
        #expect(try await board.i2cBus(1).scan() == [address])
        let sensor = TMP102Kind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        #expect(readings[0].numberOrNaN >= 19.4 && readings[0].numberOrNaN <= 23.6)
    }
}
