import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// The ST LPS22HB (datasheet DocID027083), restated here so a slip in the example file or the
// decoder cannot pass its own test: section 9 register map — WHO_AM_I 0x0F = 0xB1, CTRL_REG2
// 0x11 (bit 4 IF_ADD_INC, set after power-on; bit 0 ONE_SHOT), PRESS_OUT_XL/L/H 0x28/0x29/0x2A,
// TEMP_OUT_L/H 0x2B/0x2C; table 2: pressure sensitivity 4096 LSB/hPa, temperature 100 LSB/°C,
// both two's complement.
private let lps22hb = I2CAddress(0x5C)!
private let whoAmI: UInt8 = 0x0F
private let ctrlReg2: UInt8 = 0x11
private let oneShotWithAutoIncrement: UInt8 = 0x11
private let pressOutXL: UInt8 = 0x28

/// Worked by hand from the sensitivities: PRESS_OUT = 0x3FF58D = 4 191 629 counts,
/// / 4096 = 1023.3469 hPa = 102 334.69 Pa; TEMP_OUT = 0x09C4 = 2500 counts = 25.00 °C.
private let exampleOutput: [UInt8] = [0x8D, 0xF5, 0x3F, 0xC4, 0x09]
private let examplePascal = 4_191_629.0 / 4096 * 100
/// Below zero: TEMP_OUT = 0xFC18 = -1000 counts = -10.00 °C; PRESS_OUT 0x3E8000 = 4 096 000 = 1000 hPa.
private let coldOutput: [UInt8] = [0x00, 0x80, 0x3E, 0x18, 0xFC]

private let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

/// The description `Examples/registers-lps22hb.yaml` gives the LPS22HB, written out.
private let lps22hbDescription = RegisterSensorDescription(
    chip: "ST LPS22HB",
    fields: [
        .init(quantity: "pressure", register: 0x28, length: 3, byteOrder: .little, signed: true, scale: 100.0 / 4096,
              unit: .pascal, validRange: 26_000...126_000),
        .init(quantity: "temperature", register: 0x2B, length: 2, byteOrder: .little, signed: true, scale: 0.01,
              unit: .celsius, validRange: -40...85),
    ],
    identity: .init(register: whoAmI, byteOrder: .little, expected: 0xB1),
    trigger: .init(register: ctrlReg2, bytes: [oneShotWithAutoIncrement], delay: .milliseconds(50)))

/// An LPS22HB register map: the id, CTRL_REG2 at its reset value and `output` at 0x28.
private func lps22hbChip(output: [UInt8] = exampleOutput) -> SimulatedRegisterDevice {
    var registers = RegisterFile()
    registers[whoAmI] = 0xB1
    registers[ctrlReg2] = 0x10
    registers.load(output, at: pressOutXL)
    return SimulatedRegisterDevice(registers: registers)
}

@Suite("Register sensor: datasheet arithmetic")
struct RegistersDecodingTests {
    @Test("LPS22HB: 24-bit and 16-bit little-endian two's complement, 4096 LSB/hPa and 100 LSB/°C")
    func lps22hb() throws {
        let plan = RegisterReadPlan(fields: lps22hbDescription.fields, autoIncrement: true)
        let pressure = lps22hbDescription.fields[0], temperature = lps22hbDescription.fields[1]
        let bytes = try #require(plan.bytes(of: pressure, in: [exampleOutput]))
        #expect(bytes == [0x8D, 0xF5, 0x3F])
        #expect(pressure.count(from: bytes) == 4_191_629)
        #expect(abs(pressure.value(from: bytes) - 102_334.69) < 0.005)
        #expect(temperature.value(from: [0xC4, 0x09]) == 25)
        #expect(temperature.count(from: [0x18, 0xFC]) == -1000)
        #expect(abs(temperature.value(from: [0x18, 0xFC]) - -10) < 1e-12)
        #expect(pressure.value(from: [0x00, 0x80, 0x3E]) == 100_000)
        // The 24-bit sign: 0xFFFFFF is -1, not 16 777 215.
        #expect(pressure.count(from: [0xFF, 0xFF, 0xFF]) == -1)
    }

    /// The NXP PCT2075 datasheet's Temp register table: the 11-bit value D10...D0, left-justified
    /// in two bytes MSB first, 0.125 °C per count.
    @Test("PCT2075: 11 bits in the top of a big-endian word (shift 5, mask 0x7ff), the datasheet's table")
    func pct2075() {
        let field = RegisterSensorDescription.Field(quantity: "temperature", register: 0, length: 2, shift: 5,
                                                    mask: 0x7FF, signed: true, scale: 0.125, unit: .celsius)
        #expect(field.bitWidth == 11)
        let table: [(value11: UInt16, celsius: Double)] = [
            (0x3F8, 127), (0x3F7, 126.875), (0x3F1, 126.125), (0x3E8, 125), (0x0C8, 25), (0x001, 0.125),
            (0x000, 0), (0x7FF, -0.125), (0x738, -25), (0x649, -54.875), (0x648, -55),
        ]
        for row in table {
            let word = row.value11 << 5
            let bytes = [UInt8(word >> 8), UInt8(word & 0xFF)]
            #expect(field.value(from: bytes) == row.celsius, "0x\(String(row.value11, radix: 16))")
        }
        // The unused low bits (4...0) do not leak into the value.
        #expect(field.value(from: [0x19, 0x1F]) == 25)
    }

    @Test("a bit field out of a status byte, unsigned, with an offset")
    func bitField() {
        let field = RegisterSensorDescription.Field(quantity: "level", register: 0x10, length: 1, shift: 2, mask: 0x7,
                                                    scale: 10, offset: -5, unit: SenMLUnit(rawValue: "%"))
        // 0b1011_0110: bits 4...2 are 0b101 = 5; 5 × 10 - 5 = 45.
        #expect(field.count(from: [0b1011_0110]) == 5)
        #expect(field.value(from: [0b1011_0110]) == 45)
    }

    @Test("an id check compares under its mask")
    func identityMask() {
        // A TI TMP117-style device id: bits 11...0 are the device (0x117), 15...12 the revision.
        let check = RegisterSensorDescription.IdentityCheck(register: 0x0F, length: 2, expected: 0x0117, mask: 0x0FFF)
        #expect(check.matches([0x01, 0x17]))
        #expect(check.matches([0x21, 0x17]))
        #expect(!check.matches([0x01, 0x18]))
        #expect(!check.matches([0x01]))
    }
}

@Suite("Register sensor: read planning")
struct RegisterReadPlanTests {
    private func field(_ name: String, _ register: UInt8, _ length: Int) -> RegisterSensorDescription.Field {
        .init(quantity: name, register: register, length: length, unit: .celsius)
    }

    @Test("touching and overlapping ranges merge; a gap starts a new block")
    func merging() {
        let plan = RegisterReadPlan(fields: [field("c", 0x30, 2), field("a", 0x28, 3), field("b", 0x2B, 2),
                                             field("d", 0x31, 1)], autoIncrement: true)
        #expect(plan.blocks == [.init(start: 0x28, count: 5), .init(start: 0x30, count: 2)])
        #expect(plan.bytes(of: field("b", 0x2B, 2), in: [[1, 2, 3, 4, 5], [6, 7]]) == [4, 5])
        #expect(plan.bytes(of: field("d", 0x31, 1), in: [[1, 2, 3, 4, 5], [6, 7]]) == [7])
    }

    @Test("without auto-increment each register is its own read, a register read twice only once")
    func wordRegisters() {
        let plan = RegisterReadPlan(fields: [field("a", 0x00, 2), field("b", 0x01, 2), field("c", 0x00, 2)],
                                    autoIncrement: false)
        #expect(plan.blocks == [.init(start: 0x00, count: 2), .init(start: 0x01, count: 2)])
    }
}

@Suite("Register sensor: driver")
struct RegisterSensorTests {
    @Test("LPS22HB sample: trigger write, 50 ms on the clock, one 5-byte read; exact transactions")
    func scripted() async throws {
        let script = ScriptedI2CBus([
            .readRegisters(lps22hb, whoAmI, reply: [0xB1]),
            .write(lps22hb, [ctrlReg2, oneShotWithAutoIncrement]),
            .readRegisters(lps22hb, pressOutXL, reply: exampleOutput),
        ])
        let clock = SimulatedClock()
        let bus = TimestampingI2CBus(script, clock: clock)
        let sensor = RegisterSensor(description: lps22hbDescription, transport: .i2c(bus, lps22hb), clock: clock)
        try await sensor.prepareForSampling()
        let readings = try await sensor.sample(sensorID: "baro", at: stamp)
        #expect(script.finish().isEmpty, "\(script.finish())")
        #expect(bus.times[2] - bus.times[1] == .milliseconds(50))
        #expect(readings.map(\.quantity) == ["pressure", "temperature"])
        #expect(readings.map(\.unit) == [SenMLUnit(rawValue: "Pa"), SenMLUnit(rawValue: "Cel")])
        #expect(readings.allSatisfy { SenMLUnitRegistry.isRegistered($0.unit) })
        #expect(abs(readings[0].numberOrNaN - examplePascal) < 1e-9)
        #expect(readings[1].numberOrNaN == 25)
    }

    @Test("two transactions per sample on the simulated bus, the id read once at start")
    func transactionCount() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(lps22hbChip(output: coldOutput), at: lps22hb)
        let sensor = RegisterSensor(description: lps22hbDescription, transport: .i2c(bus, lps22hb),
                                    clock: SimulatedClock())
        try await sensor.prepareForSampling()
        #expect(bus.transactionCount == 1)
        bus.resetCounters()
        for _ in 0..<3 {
            let readings = try await sensor.sample(sensorID: "baro", at: stamp)
            #expect(readings.map(\.numberOrNaN) == [100_000, -10])
        }
        #expect(bus.transactionCount == 6)
        #expect(bus.log.prefix(2).map(\.operations) == [[.write([0x11, 0x11])], [.write([0x28]), .read(count: 5)]])
    }

    @Test("a wrong WHO_AM_I names the expected and the found id")
    func wrongIdentity() async throws {
        let chip = lps22hbChip()
        chip.withRegisters { $0[whoAmI] = 0xB3 }   // an LPS22HH answers 0xB3
        let bus = SimulatedI2CBus()
        bus.attach(chip, at: lps22hb)
        let sensor = RegisterSensor(description: lps22hbDescription, transport: .i2c(bus, lps22hb), clock: SimulatedClock())
        let error = await #expect(throws: HALError.self) { try await sensor.prepareForSampling() }
        #expect(error?.kind == .badData)
        #expect(error?.detail == "expected 0xb1 at register 0x0f, found 0xb3")
        #expect(error?.operation == "ST LPS22HB i2c@0x5c id check")
    }

    @Test("fault sweep: each transaction of start and sample failing in turn is a typed error")
    func faultSweep() async throws {
        // Transactions: 0 id read, 1 trigger write, 2 output read.
        for failing in 0..<3 {
            for kind in [HALError.Kind.dataNACK, .timeout, .addressNACK] {
                let bus = SimulatedI2CBus()
                bus.attach(lps22hbChip(), at: lps22hb)
                let failingBus = FailOneTransactionBus(bus, failing: failing, with: kind)
                let sensor = RegisterSensor(description: lps22hbDescription, transport: .i2c(failingBus, lps22hb),
                                            clock: SimulatedClock())
                let error = await #expect(throws: HALError.self, "transaction \(failing), \(kind)") {
                    try await sensor.prepareForSampling()
                    _ = try await sensor.sample(sensorID: "baro", at: stamp)
                }
                #expect(error?.kind == kind)
                // The next sample works: nothing was left half-done.
                try await sensor.prepareForSampling()
                let readings = try await sensor.sample(sensorID: "baro", at: stamp)
                #expect(readings.count == 2)
            }
        }
    }

    @Test("a short read is .badData")
    func shortRead() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(lps22hbChip(), at: lps22hb)
        var untriggered = lps22hbDescription
        untriggered.trigger = nil
        let sensor = RegisterSensor(description: untriggered, transport: .i2c(bus, lps22hb), clock: SimulatedClock())
        bus.shortReadNext(returning: 3)
        let error = await #expect(throws: HALError.self) {
            _ = try await sensor.sample(sensorID: "baro", at: stamp)
        }
        #expect(error?.kind == .badData)
    }

    @Test("over SPI: bit 7 set to read, cleared to write, same values")
    func spi() async throws {
        let script = ScriptedSPIDevice([
            .writeRead([0x8F], reply: [0xB1]),
            .write([0x11, 0x11]),
            .writeRead([0xA8], reply: exampleOutput),
        ])
        let sensor = RegisterSensor(description: lps22hbDescription, transport: .spi(script), clock: SimulatedClock())
        try await sensor.prepareForSampling()
        let readings = try await sensor.sample(sensorID: "baro", at: stamp)
        #expect(script.finish().isEmpty, "\(script.finish())")
        #expect(abs(readings[0].numberOrNaN - examplePascal) < 1e-9)
        #expect(readings[1].numberOrNaN == 25)
    }
}

@Suite("Register sensor: configuration")
struct RegistersConfigurationTests {
    static func yaml(_ lines: String...) -> String {
        ([
            "gateway:",
            "  id: gw",
            "board: simulated",
            "sensors:",
            "  - id: baro",
            "    type: registers",
            "    i2c: { bus: 1, address: 0x5c }",
        ] + lines + [
            "storage:",
            "  path: outbox.sqlite",
            "mqtt:",
            "  host: localhost",
            "  tls: false",
            "",
        ]).joined(separator: "\n")
    }

    static func parse(_ yaml: String, file: String = "sensorgw.yaml") throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: yaml, file: file, baseDirectory: "/tmp", kinds: SensorRegistry.builtIn.catalog)
    }

    static func error(_ yaml: String) -> String? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return error.description
        }
    }

    static let fields = [
        "    fields:",
        "      temperature: { register: 0x2b, length: 2, signed: true, scale: 0.01, unit: Cel }",
    ]

    @Test("the example file's LPS22HB and PCT2075 decode to the datasheet's description")
    func exampleFile() throws {
        let path = String(#filePath.split(separator: "/Tests/").first ?? "") + "/Examples/registers-lps22hb.yaml"
        let configuration = try GatewayConfiguration.load(path: path, kinds: SensorRegistry.builtIn.catalog)
        #expect(configuration.sensors[0].options.isEqual(to: lps22hbDescription))
        let pct2075 = RegisterSensorDescription(
            chip: "NXP PCT2075",
            fields: [.init(quantity: "temperature", register: 0, length: 2, shift: 5, mask: 0x7FF, signed: true,
                           scale: 0.125, unit: .celsius, validRange: -55...125)],
            autoIncrement: false)
        #expect(configuration.sensors[1].options.isEqual(to: pct2075))
        // The pipeline validates against the configured fields, not a fixed list.
        let kind = RegistersKind()
        #expect(kind.quantities(for: configuration.sensors[0]).map(\.quantity) == ["pressure", "temperature"])
        var pipeline = kind.pipeline(for: configuration.sensors[0])
        let (passed, dropped) = pipeline.process(
            [Reading(sensorID: "barometer", quantity: "temperature", value: 25, unit: .celsius, timestamp: stamp),
             Reading(sensorID: "barometer", quantity: "temperature", value: 99, unit: .celsius, timestamp: stamp)])
        #expect(passed.map(\.numberOrNaN) == [25])
        #expect(dropped.map(\.reason) == ["out_of_range"])
    }

    @Test("the top-level byte order applies to fields that give none, whatever the file order")
    func byteOrderDefault() throws {
        let parsed = try Self.parse(Self.yaml(Self.fields[0], Self.fields[1], "    byte_order: little"))
        let description = try #require(parsed.sensors[0].options as? RegisterSensorDescription)
        #expect(description.fields[0].byteOrder == .little)
        #expect(description.autoIncrement)
        #expect(description.identity == nil && description.trigger == nil)
    }

    @Test("errors name file, line, column and key")
    func errors() {
        let cases: [(lines: [String], expected: String)] = [
            ([], "sensorgw.yaml:5:5: sensors[0].fields: missing required key"),
            (["    fields:", "      temperature: { register: 0x2b, unit: degF }"],
             "sensorgw.yaml:9:44: sensors[0].fields.temperature.unit: 'degF' is not a primary SenML unit (RFC 8428, RFC 8798)"),
            (["    fields:", "      pressure: { register: 0x28, length: 3, unit: hPa }"],
             "sensorgw.yaml:9:52: sensors[0].fields.pressure.unit: 'hPa' is not a primary SenML unit (RFC 8428, RFC 8798); 'hPa' is a secondary unit: report 'Pa' and fold the factor into scale"),
            (["    fields:", "      temperature: { register: 0x2b, unit: Cel, length: 5 }"],
             "sensorgw.yaml:9:57: sensors[0].fields.temperature.length: 5 is out of range 1...4"),
            (["    fields:", "      temperature: { unit: Cel }"],
             "sensorgw.yaml:9:20: sensors[0].fields.temperature: missing required key 'register'"),
            (["    fields:", "      temperature: { register: 0xff, length: 2, unit: Cel }"],
             "sensorgw.yaml:9:20: sensors[0].fields.temperature: register 0xff + length 2 runs past 0xff"),
            (["    fields:", "      temperature: { register: 0, unit: Cel, mask: 0x6 }"],
             "sensorgw.yaml:9:52: sensors[0].fields.temperature.mask: a mask is a run of ones from bit 0 (0x7ff for 11 bits); use shift for the low end"),
            (["    fields:", "      temperature: { register: 0, unit: Cel, shift: 4, mask: 0x1f }"],
             "sensorgw.yaml:9:62: sensors[0].fields.temperature.mask: mask and shift reach past the 8 bits of a 1-byte value"),
            (["    fields:", "      temperature: { register: 0, unit: Cel, signed: yes }"],
             "sensorgw.yaml:9:54: sensors[0].fields.temperature.signed: expected true or false, found the boolean 'yes'"),
            (["    fields:", "      Temp: { register: 0, unit: Cel }"],
             "sensorgw.yaml:9:13: sensors[0].fields.Temp: a quantity name is 1-64 of a-z, 0-9 and _, starting with a letter"),
            (["    fields:", "      temperature: { register: 0, unit: Cel, scale: 0 }"],
             "sensorgw.yaml:9:53: sensors[0].fields.temperature.scale: a scale of 0 makes every reading the offset"),
            (["    identity: { register: 0x0f, value: 0x1b1 }"] + Self.fields,
             "sensorgw.yaml:8:40: sensors[0].identity.value: 0x1b1 does not fit in 1 byte(s); set length"),
            (["    trigger: { register: 0x11, bytes: [0x111] }"] + Self.fields,
             "sensorgw.yaml:8:40: sensors[0].trigger.bytes[0]: 273 is out of range 0...255"),
            (["    trigger: { register: 0x11, bytes: [1], delay: 11s }"] + Self.fields,
             "sensorgw.yaml:8:51: sensors[0].trigger.delay: 11s is out of range 1ms...10s"),
            (["    trigger: { register: 0x11 }"] + Self.fields,
             "sensorgw.yaml:8:14: sensors[0].trigger: missing required key 'bytes'"),
            (["    byte_order: middle"] + Self.fields,
             "sensorgw.yaml:8:17: sensors[0].byte_order: unknown value 'middle'; expected one of: big, little"),
        ]
        for (lines, expected) in cases {
            let message = Self.error(Self.yaml(lines.joined(separator: "\n")))
            #expect(message == expected, "\(lines)")
        }
    }
}

@Suite("Register sensor on the simulated board")
struct RegistersSimulatedBoardTests {
    @Test("the kind's model answers the id and reports the simulated weather in the described encoding")
    func weather() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(
            id: "baro", kind: "registers", bus: .i2c(bus: 1, address: lps22hb), options: lps22hbDescription)
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn)
        let sensor = RegistersKind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        // The simulated weather: 21.5 ± 2 °C, 101 325 ± 150 Pa; within one count of each.
        #expect(readings.map(\.quantity) == ["pressure", "temperature"])
        #expect(readings[0].numberOrNaN >= 101_175 - 0.025 && readings[0].numberOrNaN <= 101_475 + 0.025)
        #expect(readings[1].numberOrNaN >= 19.5 - 0.01 && readings[1].numberOrNaN <= 23.5 + 0.01)
    }
}
