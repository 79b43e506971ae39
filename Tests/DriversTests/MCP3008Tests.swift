import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Synchronization
import Testing
@testable import Drivers

// Frames restated from the Microchip MCP3004/3008 datasheet (DS21295), Figure 6-1 ("SPI
// communication using 8-bit segments") and Table 5-2 (configure bits), so a wrong driver
// constant cannot pass its own test.
/// Seven leading zeros and the start bit; SGL/DIFF D2 D1 D0 in the top nibble; a don't-care byte.
private let convertCH0: [UInt8] = [0x01, 0b1000_0000, 0x00]
private let convertCH7: [UInt8] = [0x01, 0b1111_0000, 0x00]
private let convertCH0minusCH1: [UInt8] = [0x01, 0b0000_0000, 0x00]   // SGL/DIFF 0, 000: CH0 = IN+, CH1 = IN-
private let convertCH1minusCH0: [UInt8] = [0x01, 0b0001_0000, 0x00]   // 001: CH0 = IN-, CH1 = IN+
private let convertCH7minusCH6: [UInt8] = [0x01, 0b0111_0000, 0x00]   // 111: CH6 = IN-, CH7 = IN+
private let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

private func frame(_ command: [UInt8], reply: [UInt8]) -> ScriptedSPIDevice.Expectation {
    .init(operations: [.transfer(command)], outcome: .reply([reply]))
}

/// Fails exactly the transaction with index `failing` of a simulated MCP3008.
private final class FailOneMCP3008Frame: SPIDevice {
    let device: SimulatedMCP3008
    let failing: Int
    let kind: HALError.Kind
    private let count = Mutex(0)
    var configuration: SPIConfiguration { device.configuration }

    init(_ device: SimulatedMCP3008, failing: Int, with kind: HALError.Kind) {
        self.device = device
        self.failing = failing
        self.kind = kind
    }

    func transaction(_ operations: [SPIOperation]) async throws -> [[UInt8]] {
        let index = count.withLock { count in
            defer { count += 1 }
            return count
        }
        if index == failing { device.failNext(1, with: kind) }
        return try await device.transaction(operations)
    }
}

@Suite("MCP3008 datasheet frames and arithmetic")
struct MCP3008DatasheetTests {
    @Test("command bytes for single-ended and differential inputs (Figure 6-1, Table 5-2)")
    func commands() throws {
        #expect(try #require(MCP3008Input(singleEnded: true, select: 0)).command == convertCH0)
        #expect(try #require(MCP3008Input(singleEnded: true, select: 7)).command == convertCH7)
        #expect(try #require(MCP3008Input(singleEnded: false, select: 0)).command == convertCH0minusCH1)
        #expect(try #require(MCP3008Input(singleEnded: false, select: 1)).command == convertCH1minusCH0)
        #expect(try #require(MCP3008Input(singleEnded: false, select: 7)).command == convertCH7minusCH6)
        #expect(MCP3008Input(singleEnded: true, select: 8) == nil)
        #expect(MCP3008Input.all.map(\.name) == ["ch0", "ch1", "ch2", "ch3", "ch4", "ch5", "ch6", "ch7",
                                                 "ch0-ch1", "ch1-ch0", "ch2-ch3", "ch3-ch2", "ch4-ch5", "ch5-ch4", "ch6-ch7", "ch7-ch6"])
    }

    @Test("the reply: byte 2 ends with the null bit and B9 B8, byte 3 is B7...B0")
    func replies() {
        // MISO high impedance (read high) before the null bit: 1111 1 0 B9 B8.
        #expect(MCP3008Input.code(from: [0xFF, 0b1111_1010, 0x55]) == 0x255)
        #expect(MCP3008Input.code(from: [0x00, 0b0000_0011, 0xFF]) == 1023)
        #expect(MCP3008Input.code(from: [0xFF, 0b1111_1000, 0x00]) == 0)
        #expect(MCP3008Input.code(from: [0xFF, 0xFF, 0xFF]) == nil)          // null bit 1: nothing drives MISO
        #expect(MCP3008Input.code(from: [0xFF, 0xF8]) == nil)
    }

    @Test("equation 4-1: code = 1024 × VIN / VREF")
    func conversion() {
        #expect(MCP3008.volts(code: 512, referenceVolts: 3.3) == 1.65)
        #expect(MCP3008.volts(code: 1023, referenceVolts: 5) == 5.0 * 1023 / 1024)
        #expect(MCP3008.volts(code: 1, referenceVolts: 2.048) == 0.002)
    }

    @Test("the SPI clock must be 10 kHz...3.6 MHz (6.2, 1.0) and the mode 0 or 3")
    func clock() throws {
        for (speed, mode, fine) in [(1_000_000, SPIMode.mode0, true), (3_600_000, .mode3, true), (3_600_001, .mode0, false),
                                    (9_999, .mode0, false), (1_000_000, .mode1, false)] as [(UInt32, SPIMode, Bool)] {
            let adc = MCP3008(device: SimulatedMCP3008(configuration: SPIConfiguration(mode: mode, speedHz: speed)),
                              referenceVolts: 3.3)
            if fine {
                #expect(throws: Never.self) { try adc.check() }
            } else {
                let error = #expect(throws: HALError.self) { try adc.check() }
                #expect(error?.kind == .invalidArgument)
            }
        }
    }
}

@Suite("MCP3008 driver over a scripted SPI device", .scriptsMustFinish)
struct MCP3008ScriptedTests {
    @Test("one conversion is one 3-byte full-duplex frame")
    func oneFrame() async throws {
        let script = ScriptedSPIDevice([frame(convertCH7, reply: [0xFF, 0xF9, 0x00]),
                                        frame(convertCH1minusCH0, reply: [0xFF, 0xF8, 0x40])])
        let adc = MCP3008(device: script, referenceVolts: 3.3)
        let first = try await adc.convert(try #require(MCP3008Input(singleEnded: true, select: 7)))
        let second = try await adc.convert(try #require(MCP3008Input(singleEnded: false, select: 1)))
        #expect(script.finish().isEmpty, "\(script.finish())")
        #expect(first == 256 * 3.3 / 1024)
        #expect(second == 64 * 3.3 / 1024)
    }

    @Test("a null bit of 1 is .badData; a bus error keeps its kind")
    func badReplies() async throws {
        let input = try #require(MCP3008Input(singleEnded: true, select: 0))
        // (A short reply cannot be scripted: the mock refuses replies that do not fit the frame.)
        let script = ScriptedSPIDevice([frame(convertCH0, reply: [0xFF, 0xFF, 0xFF]),
                                        .init(operations: [.transfer(convertCH0)], outcome: .failure(.busError))])
        let adc = MCP3008(device: script, referenceVolts: 3.3)
        for expected in [HALError.Kind.badData, .busError] {
            let error = await #expect(throws: HALError.self) { try await adc.convert(input) }
            #expect(error?.kind == expected)
        }
        #expect(script.finish().isEmpty, "\(script.finish())")
    }
}

@Suite("MCP3008 driver over the simulated chip")
struct MCP3008SimulatedTests {
    @Test("every input reads back within one LSB; a negative differential input reads 0")
    func endToEnd() async throws {
        let chip = SimulatedMCP3008()
        chip.referenceVolts = 3.3
        chip.inputVolts = [0.1, 0.9, 1.65, 3.0, 0.0, 0.25, 2.2, 1.1]
        let adc = MCP3008(device: chip, referenceVolts: 3.3)
        let lsb = 3.3 / 1024
        for input in MCP3008Input.all {
            let (positive, negative) = input.pins
            let expected = max(0, chip.inputVolts[positive] - (negative.map { chip.inputVolts[$0] } ?? 0))
            let volts = try await adc.convert(input)
            #expect(volts <= expected + 1e-12 && expected - volts <= lsb + 1e-12, "\(input.name): \(volts) for \(expected)")
        }
        #expect(chip.conversionCount == 16)
    }

    @Test("a chip that is not there (MISO floating high) is .badData, not 3.3 V")
    func absent() async throws {
        let chip = SimulatedMCP3008()
        chip.absent = true
        let error = await #expect(throws: HALError.self) {
            try await MCP3008(device: chip, referenceVolts: 3.3).convert(try #require(MCP3008Input(singleEnded: true, select: 0)))
        }
        #expect(error?.kind == .badData)
    }

    @Test("the fewest transactions: none to prepare, one frame per channel")
    func transactionCount() async throws {
        let chip = SimulatedMCP3008()
        let sensor = MCP3008Sensor(adc: MCP3008(device: chip, referenceVolts: 3.3), channels: MCP3008Kind.Options().channels)
        try await sensor.prepareForSampling()
        #expect(chip.transactionCount == 0)
        let readings = try await sensor.sample(sensorID: "adc", at: stamp)
        #expect(readings.count == 8)
        #expect(chip.transactionCount == 8)
    }

    @Test("fault sweep: any one failed frame of a three-channel sample is a typed error")
    func faultSweep() async throws {
        let channels = [UInt8]([0, 3, 5]).compactMap { MCP3008Input(singleEnded: true, select: $0) }.map { MCP3008Channel(input: $0) }
        for index in 0..<3 {
            for kind in HALError.Kind.allCases {
                let chip = SimulatedMCP3008()
                let sensor = MCP3008Sensor(adc: MCP3008(device: FailOneMCP3008Frame(chip, failing: index, with: kind),
                                                        referenceVolts: 3.3), channels: channels)
                do {
                    let readings = try await sensor.sample(sensorID: "adc", at: stamp)
                    Issue.record("frame \(index) \(kind) gave \(readings)")
                } catch let error as HALError {
                    #expect(error.kind == kind, "frame \(index): \(error)")
                } catch {
                    Issue.record("frame \(index) \(kind): untyped \(error)")
                }
            }
        }
    }
}

@Suite("MCP3008 as a sensor kind")
struct MCP3008KindTests {
    @Test("registered as mcp3008 on SPI; by default eight voltages ch0...ch7 in V within 0...VREF")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "mcp3008"))
        #expect(kind.buses == [.spi])
        #expect(kind.defaultI2CAddress == nil)
        #expect(kind.quantities.map(\.quantity) == (0...7).map { "ch\($0)" })
        #expect(kind.quantities.allSatisfy { $0.unit.rawValue == "V" && $0.validRange == 0...3.3 })
    }

    @Test("the simulated board hosts it on its SPI node; a soil probe is scaled to %")
    func simulatedBoard() async throws {
        let soil = MCP3008Channel(input: try #require(MCP3008Input(singleEnded: true, select: 0)), scaling: AnalogScaling(
            quantity: "soil_moisture", unit: SenMLUnit(rawValue: "%"),
            scale: .linear(.init(raw: 2.8, calibrated: 0), .init(raw: 1.2, calibrated: 100))))
        let options = MCP3008Kind.Options(referenceVolts: 3.3, channels: [soil])
        let configuration = GatewayConfiguration.SensorConfiguration(
            id: "field", kind: "mcp3008", bus: .spi(device: "/dev/spidev0.0", configuration: SPIConfiguration()), options: options)
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn)
        let sensor = MCP3008Kind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        #expect(readings.map(\.quantity) == ["soil_moisture"])
        #expect(readings.map(\.unit.rawValue) == ["%"])
        // Humidity 40...50 %RH: the probe sits at 2.0...2.16 V, i.e. 40...50 % (less one LSB's 0.2 %).
        #expect(readings[0].numberOrNaN >= 39.5 && readings[0].numberOrNaN <= 50.5)
        var pipeline = MCP3008Kind().pipeline(for: configuration)
        #expect(pipeline.process(readings).passed == readings)
    }
}

@Suite("MCP3008 configuration")
struct MCP3008ConfigurationTests {
    static func yaml(_ extra: String...) -> String {
        ([
            "gateway:",
            "  id: gw",
            "board: simulated",
            "sensors:",
            "  - id: field",
            "    type: mcp3008",
            "    spi: { device: /dev/spidev0.0 }",
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

    @Test("vref and channels decode")
    func decodes() throws {
        let parsed = try GatewayConfiguration.parse(
            yaml: Self.yaml("    vref: 5", "    channels:", "      - input: ch1-ch0", "        quantity: bridge"),
            file: "sensorgw.yaml", baseDirectory: "/tmp", kinds: SensorRegistry.builtIn.catalog)
        let expected = MCP3008Kind.Options(referenceVolts: 5, channels: [
            MCP3008Channel(input: try #require(MCP3008Input(singleEnded: false, select: 1)),
                           scaling: AnalogScaling(quantity: "bridge")),
        ])
        #expect(parsed.sensors[0].options.isEqual(to: expected))
    }

    @Test("bad options name file, line, column and key")
    func badOptions() {
        #expect(Self.error(Self.yaml("    vref: 6"))
                == "sensorgw.yaml:8:11: sensors[0].vref: vref must be 0.25 to 5.5 volts (at most VDD)")
        #expect(Self.error(Self.yaml("    channels:", "      - input: ch0-ch2"))?
                    .hasPrefix("sensorgw.yaml:9:16: sensors[0].channels[0].input: unknown value 'ch0-ch2'") == true)
        #expect(Self.error(Self.yaml("    channels:", "      - quantity: x"))
                == "sensorgw.yaml:9:9: sensors[0].channels[0]: a channel needs input: ch0...ch7, or a pair ch0-ch1, ch1-ch0, ... ch7-ch6")
        #expect(Self.error(Self.yaml("    channels:", "      - input: ch0", "        full_scale: 4.096"))?
                    .hasPrefix("sensorgw.yaml:10:9: sensors[0].channels[0].full_scale: unknown key") == true)
    }
}
