import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Commands and values restated from the Sensirion SHT3x-DIS datasheet (section 4) so a wrong
// driver constant cannot pass its own test.
private let softReset: [UInt8] = [0x30, 0xA2]
private let readStatus: [UInt8] = [0xF3, 0x2D]
private let singleShotHigh: [UInt8] = [0x24, 0x00]      // clock stretching disabled
private let singleShotMedium: [UInt8] = [0x24, 0x0B]
private let singleShotLow: [UInt8] = [0x24, 0x16]
private let address = I2CAddress(0x44)!                  // ADDR pin low

/// Status after a soft reset: bit 4 "reset detected" (0x0010), CRC 0xC2.
private let statusAfterReset: [UInt8] = [0x00, 0x10, 0xC2]
/// S_T = 0x6666 (CRC 0x93) and S_RH = 0x3333 (CRC 0x88). 0x6666 = 0.4 · 65535, so
/// T = -45 + 175 · 0.4 = 25.0 °C exactly; 0x3333 = 65535 / 5, so RH = 20.0 % exactly.
private let frame25C20RH: [UInt8] = [0x66, 0x66, 0x93, 0x33, 0x33, 0x88]

private func readExpectation(_ reply: [UInt8]) -> ScriptedI2CBus.Expectation {
    .init(address: address, operations: [.read(count: reply.count)], outcome: .reply([reply]))
}

private func startScript() -> [ScriptedI2CBus.Expectation] {
    [.write(address, softReset), .write(address, readStatus), readExpectation(statusAfterReset)]
}

@Suite("SHT3x datasheet arithmetic")
struct SHT3xDatasheetTests {
    @Test("CRC-8 (0x31, init 0xFF): the datasheet's example 0xBEEF -> 0x92, and other words")
    func crc() {
        #expect(CRC8.sensirion.checksum([0xBE, 0xEF]) == 0x92)   // datasheet table 19
        // The same algorithm worked by hand: 0x0000 -> 0x81, 0xFFFF -> 0xAC, 0x6666 -> 0x93.
        #expect(CRC8.sensirion.checksum([0x00, 0x00]) == 0x81)
        #expect(CRC8.sensirion.checksum([0xFF, 0xFF]) == 0xAC)
        #expect(CRC8.sensirion.checksum([0x66, 0x66]) == 0x93)
    }

    @Test("T = -45 + 175 S_T / 65535 and RH = 100 S_RH / 65535")
    func conversion() {
        let sample = SHT3xSample(rawTemperature: 0x6666, rawHumidity: 0x3333)
        #expect(sample.temperatureCelsius == 25.0)
        #expect(sample.humidityPercent == 20.0)
        let ends = SHT3xSample(rawTemperature: 0, rawHumidity: 0xFFFF)
        #expect(ends.temperatureCelsius == -45)
        #expect(ends.humidityPercent == 100)
        #expect(SHT3xSample(rawTemperature: 0xFFFF, rawHumidity: 0).temperatureCelsius == 130)
        // 0x8000 = 32768: RH = 3276800 / 65535 = 50.000763 %.
        #expect(abs(SHT3xSample(rawTemperature: 0, rawHumidity: 0x8000).humidityPercent - 50.000763) < 1e-6)
    }

    @Test("repeatability: commands 0x2400 / 0x240B / 0x2416, at most 15 / 6 / 4 ms")
    func repeatabilityTable() {
        #expect(SHT3xRepeatability.high.command == 0x2400)
        #expect(SHT3xRepeatability.medium.command == 0x240B)
        #expect(SHT3xRepeatability.low.command == 0x2416)
        #expect(SHT3xRepeatability.allCases.map(\.maximumMeasurementDuration)
                == [.milliseconds(15), .milliseconds(6), .milliseconds(4)])
    }

    @Test("a frame with a wrong temperature or humidity CRC is .badData, never a sample")
    func frameCRC() {
        for (index, name) in [(2, "temperature"), (5, "humidity")] {
            var frame = frame25C20RH
            frame[index] ^= 0x01
            let error = #expect(throws: HALError.self) { try SHT3xSample(frame: frame, operation: "test") }
            #expect(error?.kind == .badData)
            #expect(error?.detail?.contains(name) == true)
        }
        #expect(throws: HALError.self) { try SHT3xSample(frame: Array(frame25C20RH.prefix(5)), operation: "test") }
    }
}

@Suite("SHT3x driver over a scripted bus")
struct SHT3xScriptedTests {
    @Test("start() and one measurement: exact transactions, 15 ms between command and read")
    func sequence() async throws {
        let script = ScriptedI2CBus(startScript() + [.write(address, singleShotHigh), readExpectation(frame25C20RH)])
        let clock = SimulatedClock()
        let bus = TimestampingI2CBus(script, clock: clock)
        let sensor = SHT3x(bus: bus, address: address, clock: clock)
        let status = try await sensor.start()
        let sample = try await sensor.measure()
        #expect(script.finish().isEmpty, "\(script.finish())")
        #expect(status.resetDetected && !status.heaterOn)
        #expect(sample.temperatureCelsius == 25.0)
        #expect(sample.humidityPercent == 20.0)
        // Soft reset time t_SR is at most 1.5 ms; high repeatability at most 15 ms.
        let times = bus.times
        #expect(times[1] - times[0] == .microseconds(1500))
        #expect(times[4] - times[3] == .milliseconds(15))
    }

    @Test("medium and low repeatability send their commands and wait 6 and 4 ms")
    func otherRepeatabilities() async throws {
        for (repeatability, command, wait) in [(SHT3xRepeatability.medium, singleShotMedium, Duration.milliseconds(6)),
                                               (.low, singleShotLow, .milliseconds(4))] {
            let script = ScriptedI2CBus([.write(address, command), readExpectation(frame25C20RH)])
            let clock = SimulatedClock()
            let bus = TimestampingI2CBus(script, clock: clock)
            _ = try await SHT3x(bus: bus, address: address, repeatability: repeatability, clock: clock).measure()
            #expect(script.finish().isEmpty, "\(script.finish())")
            #expect(bus.times[1] - bus.times[0] == wait)
        }
    }

    @Test("a read NACKed while the chip is busy is retried every millisecond")
    func notReadyIsRetried() async throws {
        let nack = ScriptedI2CBus.Expectation.fail(address, [.read(count: 6)], .addressNACK)
        let script = ScriptedI2CBus([.write(address, singleShotHigh), nack, nack, readExpectation(frame25C20RH)])
        let clock = SimulatedClock()
        let sample = try await SHT3x(bus: script, address: address, clock: clock).measure()
        #expect(script.finish().isEmpty, "\(script.finish())")
        #expect(sample.temperatureCelsius == 25.0)
        #expect(clock.elapsed == .milliseconds(17))
    }

    @Test("a wrong CRC on either word is .badData and no sample")
    func crcMismatch() async throws {
        for index in [2, 5] {
            var corrupt = frame25C20RH
            corrupt[index] = ~corrupt[index]
            let script = ScriptedI2CBus([.write(address, singleShotHigh), readExpectation(corrupt)])
            let sensor = SHT3x(bus: script, address: address, clock: SimulatedClock())
            let error = await #expect(throws: HALError.self) { try await sensor.measure() }
            #expect(error?.kind == .badData)
            #expect(script.finish().isEmpty)
        }
    }

    @Test("a wrong status CRC fails start() with .badData (not an SHT3x, or a bad wire)")
    func statusCRCMismatch() async throws {
        let script = ScriptedI2CBus([.write(address, softReset), .write(address, readStatus),
                                     readExpectation([0x00, 0x10, 0xC3])])
        let error = await #expect(throws: HALError.self) {
            try await SHT3x(bus: script, address: address, clock: SimulatedClock()).start()
        }
        #expect(error?.kind == .badData)
    }

    @Test("a short data read is .badData; a bus error keeps its kind")
    func shortReadAndBusError() async throws {
        let short = ScriptedI2CBus([.write(address, singleShotHigh),
                                    .init(address: address, operations: [.read(count: 6)], outcome: .reply([[0x66, 0x66, 0x93]]))])
        let error = await #expect(throws: HALError.self) {
            try await SHT3x(bus: short, address: address, clock: SimulatedClock()).measure()
        }
        #expect(error?.kind == .badData)
        let absent = ScriptedI2CBus([.fail(address, [.write(singleShotHigh)], .addressNACK)])
        let missing = await #expect(throws: HALError.self) {
            try await SHT3x(bus: absent, address: address, clock: SimulatedClock()).measure()
        }
        #expect(missing?.kind == .addressNACK)   // a NACKed command is an absent chip, not a busy one
        #expect(absent.finish().isEmpty)
    }
}

@Suite("SHT3x driver over the simulated chip")
struct SHT3xSimulatedTests {
    /// One S_T LSB is 175 / 65535 = 0.0027 °C, one S_RH LSB 100 / 65535 = 0.0015 %; the model
    /// rounds to the nearest, so half of that plus floating-point slack.
    static let temperatureBound = 0.0014
    static let humidityBound = 0.0008

    @Test("the environment reads back within one LSB, and follows changes")
    func endToEnd() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedSHT3x(clock: clock)
        chip.environment = .init(temperatureCelsius: 21.5, humidityPercent: 45)
        bus.attach(chip, at: address)
        let sensor = SHT3x(bus: bus, address: address, clock: clock)
        try await sensor.start()
        let sample = try await sensor.measure()
        #expect(abs(sample.temperatureCelsius - 21.5) <= Self.temperatureBound)
        #expect(abs(sample.humidityPercent - 45) <= Self.humidityBound)
        chip.environment = .init(temperatureCelsius: -38.25, humidityPercent: 97.5)
        let cold = try await sensor.measure()
        #expect(abs(cold.temperatureCelsius - -38.25) <= Self.temperatureBound)
        #expect(abs(cold.humidityPercent - 97.5) <= Self.humidityBound)
        #expect(chip.measurementCount == 2)
        #expect(chip.commands == [0x30A2, 0xF32D, 0x2400, 0x2400])
    }

    @Test("the fewest transactions: 3 to start, 2 per sample, even from the slowest chip in spec")
    func transactionCount() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedSHT3x(clock: clock)   // takes the full 15 ms
        bus.attach(chip, at: address)
        let sensor = SHT3x(bus: bus, address: address, clock: clock)
        try await sensor.start()
        #expect(bus.transactionCount == 3)        // soft reset, status command, status read
        bus.resetCounters()
        _ = try await sensor.measure()
        #expect(bus.transactionCount == 2)        // command, one 6-byte read
        #expect(chip.refusedReads == 0)
    }

    @Test("a chip slower than its datasheet is polled until it answers, within the deadline")
    func slowChip() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedSHT3x(clock: clock)
        chip.measurementDuration = .milliseconds(17)
        bus.attach(chip, at: address)
        let sample = try await SHT3x(bus: bus, address: address, clock: clock).measure()
        #expect(abs(sample.temperatureCelsius - 21.5) <= Self.temperatureBound)
        #expect(chip.refusedReads == 2)           // at 15 and 16 ms
        #expect(bus.transactionCount == 4)
    }

    @Test("a chip that never finishes gives .timeout after 15 ms + 25 % + 2 ms, in virtual time")
    func neverReady() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedSHT3x(clock: clock)
        chip.neverReady = true
        bus.attach(chip, at: address)
        let error = await #expect(throws: HALError.self) {
            try await SHT3x(bus: bus, address: address, clock: clock).measure()
        }
        #expect(error?.kind == .timeout)
        // 20.75 ms deadline; the last attempt is the first one after it, at 21 ms.
        #expect(clock.elapsed == .milliseconds(21))
        #expect(chip.refusedReads == 7)           // 15, 16, ..., 21 ms
    }

    @Test("a corrupted CRC from the chip is .badData, for each word it sends")
    func corruptedCRC() async throws {
        for word in [SimulatedSHT3x.Word.temperature, .humidity, .status] {
            let bus = SimulatedI2CBus()
            let chip = SimulatedSHT3x()
            chip.corruptedWord = word
            bus.attach(chip, at: address)
            let sensor = SHT3x(bus: bus, address: address, clock: SimulatedClock())
            let error = await #expect(throws: HALError.self) {
                try await sensor.start()
                _ = try await sensor.measure()
            }
            #expect(error?.kind == .badData, "\(word)")
        }
    }

    @Test("fault sweep: any one failed transaction of start + measure is a typed error, never a reading")
    func faultSweep() async throws {
        // A clean run: reset, status command, status read, measurement command, data read.
        let clean = SimulatedI2CBus()
        clean.attach(SimulatedSHT3x(), at: address)
        let cleanSensor = SHT3x(bus: clean, address: address, clock: SimulatedClock())
        try await cleanSensor.start()
        _ = try await cleanSensor.measure()
        #expect(clean.transactionCount == 5)

        for index in 0..<5 {
            for kind in HALError.Kind.allCases {
                let bus = SimulatedI2CBus()
                bus.attach(SimulatedSHT3x(), at: address)
                let faulty = FailOneTransactionBus(bus, failing: index, with: kind)
                let sensor = SHT3x(bus: faulty, address: address, clock: SimulatedClock())
                do {
                    try await sensor.start()
                    let sample = try await sensor.measure()
                    // The one legitimate survivor: a NACKed data read means "busy" and is
                    // retried, so the sample comes from a sixth transaction.
                    #expect(index == 4 && kind == .addressNACK, "transaction \(index) \(kind) gave \(sample)")
                    #expect(bus.transactionCount == 6)
                } catch let error as HALError {
                    #expect(error.kind == kind, "transaction \(index): \(error)")
                } catch {
                    Issue.record("transaction \(index) \(kind): untyped \(error)")
                }
            }
        }
    }
}

@Suite("SHT3x as a sensor kind")
struct SHT3xKindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    @Test("registered as sht3x on I2C at 0x44 with temperature and humidity")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "sht3x"))
        #expect(kind.buses == [.i2c])
        #expect(kind.defaultI2CAddress == I2CAddress(0x44))
        #expect(kind.optionKeys == ["repeatability"])
        #expect(kind.quantities.map(\.quantity) == ["temperature", "humidity"])
        #expect(kind.quantities.map(\.unit.rawValue) == ["Cel", "%RH"])
    }

    @Test("readings carry SenML units; validation keeps the datasheet's -40...125 °C, 0...100 %RH")
    func readingsAndRanges() {
        let readings = SHT3xSample(rawTemperature: 0x6666, rawHumidity: 0x3333).readings(sensorID: "air", at: stamp)
        #expect(readings.map(\.quantity) == ["temperature", "humidity"])
        #expect(readings.map(\.number) == [25.0, 20.0])
        var pipeline = SHT3xKind().pipeline(for: .init(id: "air", kind: "sht3x", bus: .none))
        func reading(_ quantity: String, _ value: Double, _ unit: SenMLUnit) -> Reading {
            Reading(sensorID: "air", quantity: quantity, value: value, unit: unit, timestamp: stamp)
        }
        // 130 °C is what S_T = 0xFFFF converts to: beyond the specified range, so dropped.
        let input = [reading("temperature", 125, .celsius), reading("temperature", 130, .celsius),
                     reading("temperature", -40.5, .celsius), reading("humidity", 100, .relativeHumidity)]
        let result = pipeline.process(input)
        #expect(result.passed == [input[0], input[3]])
        #expect(result.dropped.map(\.reason) == ["out_of_range", "out_of_range"])
    }

    @Test("the simulated board hosts it and it follows the weather")
    func simulatedBoard() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(
            id: "air", kind: "sht3x", bus: .i2c(bus: 1, address: address), options: SHT3xKind.Options(repeatability: .low))
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn)
        #expect(try await board.i2cBus(1).scan() == [address])
        let sensor = SHT3xKind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        #expect(readings.map(\.unit.rawValue) == ["Cel", "%RH"])
        // The simulated weather: 21.5 ± 2 °C, 45 ∓ 5 %RH.
        #expect((19.4...23.6).contains(readings[0].number ?? .nan))
        #expect((39.9...50.1).contains(readings[1].number ?? .nan))
    }
}

@Suite("SHT3x configuration")
struct SHT3xConfigurationTests {
    static func yaml(_ extra: String...) -> String {
        ([
            "gateway:",
            "  id: gw",
            "board: simulated",
            "sensors:",
            "  - id: air",
            "    type: sht3x",
            "    i2c: { bus: 1, address: 0x44 }",
        ] + extra + [
            "storage:",
            "  path: outbox.sqlite",
            "mqtt:",
            "  host: localhost",
            "  tls: false",
            "",
        ]).joined(separator: "\n")
    }

    static func parse(_ yaml: String) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: yaml, file: "sensorgw.yaml", baseDirectory: "/tmp",
                                       kinds: SensorRegistry.builtIn.catalog)
    }

    static func error(_ yaml: String) -> String? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("repeatability decodes; without it the default is high")
    func decodes() throws {
        let medium = try Self.parse(Self.yaml("    repeatability: medium"))
        #expect(medium.sensors[0].options.isEqual(to: SHT3xKind.Options(repeatability: .medium)))
        let plain = try Self.parse(Self.yaml())
        #expect(plain.sensors[0].options.isEqual(to: SHT3xKind.Options(repeatability: .high)))
        #expect(!plain.sensors[0].options.isEqual(to: SHT3xKind.Options(repeatability: .low)))
    }

    @Test("an unknown repeatability names file, line, column and key")
    func badRepeatability() {
        #expect(Self.error(Self.yaml("    repeatability: ultra"))
                == "sensorgw.yaml:8:20: sensors[0].repeatability: unknown value 'ultra'; expected one of: high, medium, low")
    }

    @Test("another kind's option is an unknown key for type sht3x")
    func foreignOption() {
        let message = Self.error(Self.yaml("    oversampling: { temperature: 2 }"))
        #expect(message?.hasPrefix("sensorgw.yaml:8:5: sensors[0].oversampling: unknown key for type sht3x") == true,
                "\(message ?? "parsed")")
    }
}
