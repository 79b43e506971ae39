import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Commands and values restated from the Sensirion SHT4x datasheet (section 4.5, table 7) so a
// wrong driver constant cannot pass its own test.
private let softReset: [UInt8] = [0x94]
private let readSerial: [UInt8] = [0x89]
private let measureHigh: [UInt8] = [0xFD]
private let measureMedium: [UInt8] = [0xF6]
private let measureLow: [UInt8] = [0xE0]
private let address = I2CAddress(0x44)!

/// Serial number 0x12345678: words 0x1234 (CRC 0x37) and 0x5678 (CRC 0x7D).
private let serialFrame: [UInt8] = [0x12, 0x34, 0x37, 0x56, 0x78, 0x7D]
/// S_T = 0x6666 (CRC 0x93) and S_RH = 0x3333 (CRC 0x88): 0x6666 = 0.4 · 65535, so
/// T = -45 + 175 · 0.4 = 25.0 °C; 0x3333 = 0.2 · 65535, so RH = -6 + 125 · 0.2 = 19.0 %RH.
private let frame25C19RH: [UInt8] = [0x66, 0x66, 0x93, 0x33, 0x33, 0x88]

private func readExpectation(_ reply: [UInt8]) -> ScriptedI2CBus.Expectation {
    .init(address: address, operations: [.read(count: reply.count)], outcome: .reply([reply]))
}

private func startScript() -> [ScriptedI2CBus.Expectation] {
    [.write(address, softReset), .write(address, readSerial), readExpectation(serialFrame)]
}

@Suite("SHT4x datasheet arithmetic")
struct SHT4xDatasheetTests {
    @Test("Sensirion CRC-8 (0x31, init 0xFF), shared with the SHT3x: 0xBEEF -> 0x92 (4.4)")
    func crc() {
        #expect(CRC8.sensirion.checksum([0xBE, 0xEF]) == 0x92)
        #expect(CRC8.sensirion.checksum([0x66, 0x66]) == 0x93)
        #expect(CRC8.sensirion.checksum([0x12, 0x34]) == 0x37)
    }

    @Test("T = -45 + 175 S_T / 65535; RH = -6 + 125 S_RH / 65535, cropped to 0...100 (4.6)")
    func conversion() {
        let sample = SHT4xSample(rawTemperature: 0x6666, rawHumidity: 0x3333)
        #expect(sample.temperatureCelsius == 25.0)
        #expect(sample.humidityPercent == 19.0)
        #expect(SHT4xSample(rawTemperature: 0, rawHumidity: 0).temperatureCelsius == -45)
        #expect(SHT4xSample(rawTemperature: 0xFFFF, rawHumidity: 0).temperatureCelsius == 130)
        // -6 %RH and 119 %RH before cropping.
        #expect(SHT4xSample(rawTemperature: 0, rawHumidity: 0).humidityPercent == 0)
        #expect(SHT4xSample(rawTemperature: 0, rawHumidity: 0xFFFF).humidityPercent == 100)
        // 3146: -6 + 125 · 3146 / 65535 = 0.00061 %RH, just above the crop; 3145 is -0.0013, cropped.
        #expect(abs(SHT4xSample(rawTemperature: 0, rawHumidity: 3146).humidityPercent - 0.000_61) < 0.000_01)
        #expect(SHT4xSample(rawTemperature: 0, rawHumidity: 3145).humidityPercent == 0)
    }

    @Test("precision: commands 0xFD / 0xF6 / 0xE0, at most 8.3 / 4.5 / 1.7 ms")
    func precisions() {
        #expect(SHT4xPrecision.allCases.map(\.command) == [0xFD, 0xF6, 0xE0])
        #expect(SHT4xPrecision.allCases.map(\.maximumMeasurementDuration)
                == [.microseconds(8300), .microseconds(4500), .microseconds(1700)])
    }

    @Test("a frame with a wrong temperature or humidity CRC is .badData, never a sample")
    func badCRC() {
        for index in [2, 5] {
            var frame = frame25C19RH
            frame[index] ^= 0x01
            let error = #expect(throws: HALError.self) { try SHT4xSample(frame: frame, operation: "test") }
            #expect(error?.kind == .badData)
            #expect(error?.detail?.contains("CRC mismatch") == true)
        }
    }
}

@Suite("SHT4x driver over a scripted bus", .scriptsMustFinish)
struct SHT4xScriptedTests {
    @Test("start() and one measurement: exact transactions, 8.3 ms between command and read")
    func sequence() async throws {
        let clock = SimulatedClock()
        let (serial, sample, times) = try await ScriptedI2CBus.withScript(startScript() + [
            .write(address, measureHigh), readExpectation(frame25C19RH),
        ]) { scripted in
            let bus = TimestampingI2CBus(scripted, clock: clock)
            let sensor = SHT4x(bus: bus, address: address, clock: clock)
            let serial = try await sensor.start()
            let sample = try await sensor.measure()
            return (serial, sample, bus.times)
        }
        #expect(serial == 0x1234_5678)
        #expect(sample.temperatureCelsius == 25.0)
        #expect(sample.humidityPercent == 19.0)
        // Reset, then 1 ms; serial command, then 10 ms; measurement command, then 8.3 ms.
        #expect(times[1] - times[0] >= .milliseconds(1))
        #expect(times[2] - times[1] >= .milliseconds(10))
        #expect(times[4] - times[3] >= .microseconds(8300))
    }

    @Test("medium and low precision send their commands and wait 4.5 and 1.7 ms")
    func otherPrecisions() async throws {
        for (precision, command, wait) in [(SHT4xPrecision.medium, measureMedium, Duration.microseconds(4500)),
                                           (.low, measureLow, .microseconds(1700))] {
            let clock = SimulatedClock()
            let times = try await ScriptedI2CBus.withScript([.write(address, command), readExpectation(frame25C19RH)]) { scripted in
                let bus = TimestampingI2CBus(scripted, clock: clock)
                _ = try await SHT4x(bus: bus, address: address, precision: precision, clock: clock).measure()
                return bus.times
            }
            #expect(times[1] - times[0] >= wait, "\(precision)")
            #expect(times[1] - times[0] < wait + .milliseconds(1), "\(precision)")
        }
    }

    @Test("a wrong serial-number CRC fails start() with .badData (not an SHT4x, or a bad wire)")
    func badSerialCRC() async throws {
        var frame = serialFrame
        frame[5] ^= 0xFF
        try await ScriptedI2CBus.withScript([.write(address, softReset), .write(address, readSerial),
                                             readExpectation(frame)]) { bus in
            let error = await #expect(throws: HALError.self) {
                try await SHT4x(bus: bus, address: address, clock: SimulatedClock()).start()
            }
            #expect(error?.kind == .badData)
        }
    }

    @Test("a short data read is .badData")
    func shortRead() async throws {
        let bus = ScriptedI2CBus([
            .write(address, measureHigh),
            .init(address: address, operations: [.read(count: 6)], outcome: .reply([[0x66, 0x66, 0x93]])),
        ])
        let error = await #expect(throws: HALError.self) {
            try await SHT4x(bus: bus, address: address, clock: SimulatedClock()).measure()
        }
        #expect(error?.kind == .badData)
        #expect(bus.finish().count == 1)   // the deliberate short reply, nothing else
    }
}

@Suite("SHT4x driver over the simulated chip")
struct SHT4xSimulatedTests {
    /// One S_T LSB is 175 / 65535 = 0.0027 °C, one S_RH LSB 125 / 65535 = 0.0019 %; the model
    /// rounds to the nearest, so half of that plus slack.
    static let temperatureBound = 0.0014
    static let humidityBound = 0.001

    @Test("the environment reads back within one LSB, and follows changes")
    func endToEnd() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedSHT4x(clock: clock)
        chip.serialNumber = 0xCAFE_F00D
        bus.attach(chip, at: address)
        let sensor = SHT4x(bus: bus, address: address, clock: clock)
        #expect(try await sensor.start() == 0xCAFE_F00D)
        let sample = try await sensor.measure()
        #expect(abs(sample.temperatureCelsius - 21.5) <= Self.temperatureBound)
        #expect(abs(sample.humidityPercent - 45) <= Self.humidityBound)
        chip.environment = .init(temperatureCelsius: -38.25, humidityPercent: 97.5)
        let cold = try await sensor.measure()
        #expect(abs(cold.temperatureCelsius - -38.25) <= Self.temperatureBound)
        #expect(abs(cold.humidityPercent - 97.5) <= Self.humidityBound)
        #expect(chip.commands == [0x94, 0x89, 0xFD, 0xFD])
    }

    @Test("the fewest transactions: 3 to start, 2 per sample, even from the slowest chip in spec")
    func transactionCount() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedSHT4x(clock: clock)   // takes the full 8.3 ms
        bus.attach(chip, at: address)
        let sensor = SHT4x(bus: bus, address: address, clock: clock)
        try await sensor.start()
        #expect(bus.transactionCount == 3)
        bus.resetCounters()
        _ = try await sensor.measure()
        #expect(bus.transactionCount == 2)
        #expect(chip.refusedReads == 0)
    }

    @Test("a chip slower than its datasheet is polled until it answers, within the deadline")
    func slowChip() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedSHT4x(clock: clock)
        chip.measurementDuration = .microseconds(10_000)
        bus.attach(chip, at: address)
        let sample = try await SHT4x(bus: bus, address: address, clock: clock).measure()
        #expect(abs(sample.temperatureCelsius - 21.5) <= Self.temperatureBound)
        #expect(chip.refusedReads == 2)           // at 8.3 and 9.3 ms
        #expect(bus.transactionCount == 4)
    }

    @Test("a chip that never finishes gives .timeout after 8.3 ms + 25 % + 2 ms, in virtual time")
    func neverReady() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedSHT4x(clock: clock)
        chip.neverReady = true
        bus.attach(chip, at: address)
        let error = await #expect(throws: HALError.self) {
            try await SHT4x(bus: bus, address: address, clock: clock).measure()
        }
        #expect(error?.kind == .timeout)
        // Deadline 12.375 ms; attempts at 8.3, 9.3, ..., 12.3, 13.3 ms: the last after the deadline.
        #expect(clock.elapsed == .microseconds(13_300))
        #expect(chip.refusedReads == 6)
    }

    @Test("a corrupted CRC from the chip is .badData, for each word it sends")
    func corruptedCRC() async throws {
        for word in [SimulatedSHT4x.Word.temperature, .humidity, .serialNumber] {
            let bus = SimulatedI2CBus()
            let chip = SimulatedSHT4x()
            chip.corruptedWord = word
            bus.attach(chip, at: address)
            let sensor = SHT4x(bus: bus, address: address, clock: SimulatedClock())
            let error = await #expect(throws: HALError.self) {
                try await sensor.start()
                _ = try await sensor.measure()
            }
            #expect(error?.kind == .badData, "\(word)")
        }
    }

    @Test("an SHT3x at the address fails start(): it refuses the one-byte command")
    func sht3xIsNotAnSHT4x() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedSHT3x(), at: address)
        let error = await #expect(throws: HALError.self) {
            try await SHT4x(bus: bus, address: address, clock: SimulatedClock()).start()
        }
        #expect(error?.kind == .dataNACK)
    }

    @Test("fault sweep: any one failed transaction of start + measure is a typed error, never a reading")
    func faultSweep() async throws {
        let clean = SimulatedI2CBus()
        clean.attach(SimulatedSHT4x(), at: address)
        let cleanSensor = SHT4x(bus: clean, address: address, clock: SimulatedClock())
        try await cleanSensor.start()
        _ = try await cleanSensor.measure()
        #expect(clean.transactionCount == 5)

        for index in 0..<5 {
            for kind in HALError.Kind.allCases {
                let bus = SimulatedI2CBus()
                bus.attach(SimulatedSHT4x(), at: address)
                let sensor = SHT4x(bus: FailOneTransactionBus(bus, failing: index, with: kind), address: address,
                                   clock: SimulatedClock())
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

@Suite("SHT4x as a sensor kind")
struct SHT4xKindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    @Test("registered as sht4x on I2C at 0x44 with temperature (Cel) and humidity (%RH)")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "sht4x"))
        #expect(kind.buses == [.i2c])
        #expect(kind.defaultI2CAddress == I2CAddress(0x44))
        #expect(kind.optionKeys == ["precision"])
        #expect(kind.quantities.map(\.quantity) == ["temperature", "humidity"])
        #expect(kind.quantities.map(\.unit.rawValue) == ["Cel", "%RH"])
    }

    @Test("readings carry SenML units; validation keeps -40...125 °C")
    func readingsAndRanges() {
        let readings = SHT4xSample(rawTemperature: 0x6666, rawHumidity: 0x3333).readings(sensorID: "air", at: stamp)
        #expect(readings.map(\.unit.rawValue) == ["Cel", "%RH"])
        #expect(readings.map(\.numberOrNaN) == [25.0, 19.0])
        var pipeline = SHT4xKind().pipeline(for: .init(id: "air", kind: "sht4x", bus: .none))
        func reading(_ quantity: String, _ value: Double, _ unit: SenMLUnit) -> Reading {
            Reading(sensorID: "air", quantity: quantity, value: value, unit: unit, timestamp: stamp)
        }
        let input = [reading("temperature", 125, .celsius), reading("temperature", 130, .celsius),
                     reading("humidity", 100, .relativeHumidity)]
        let result = pipeline.process(input)
        #expect(result.passed == [input[0], input[2]])
        #expect(result.dropped.map(\.reason) == ["out_of_range"])
    }

    @Test("the simulated board hosts it and it follows the weather")
    func simulatedBoard() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(
            id: "air", kind: "sht4x", bus: .i2c(bus: 1, address: address), options: SHT4xKind.Options(precision: .low))
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn)
        #expect(try await board.i2cBus(1).scan() == [address])
        let sensor = SHT4xKind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        #expect(readings.map(\.unit.rawValue) == ["Cel", "%RH"])
        #expect(readings[0].numberOrNaN >= 19.4 && readings[0].numberOrNaN <= 23.6)
        #expect(readings[1].numberOrNaN >= 39.9 && readings[1].numberOrNaN <= 50.1)
    }
}

@Suite("SHT4x configuration")
struct SHT4xConfigurationTests {
    static func yaml(_ extra: String...) -> String {
        ([
            "gateway:",
            "  id: gw",
            "board: simulated",
            "sensors:",
            "  - id: air",
            "    type: sht4x",
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

    static func error(_ yaml: String) -> String? {
        do {
            _ = try GatewayConfiguration.parse(yaml: yaml, file: "sensorgw.yaml", baseDirectory: "/tmp",
                                               kinds: SensorRegistry.builtIn.catalog)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("precision decodes; without it the default is high")
    func decodes() throws {
        let medium = try GatewayConfiguration.parse(yaml: Self.yaml("    precision: medium"), file: "sensorgw.yaml",
                                                    baseDirectory: "/tmp", kinds: SensorRegistry.builtIn.catalog)
        #expect(medium.sensors[0].options.isEqual(to: SHT4xKind.Options(precision: .medium)))
        let plain = try GatewayConfiguration.parse(yaml: Self.yaml(), file: "sensorgw.yaml", baseDirectory: "/tmp",
                                                   kinds: SensorRegistry.builtIn.catalog)
        #expect(plain.sensors[0].options.isEqual(to: SHT4xKind.Options(precision: .high)))
    }

    @Test("an unknown precision names file, line, column and key")
    func badPrecision() {
        #expect(Self.error(Self.yaml("    precision: ultra"))
                == "sensorgw.yaml:8:16: sensors[0].precision: unknown value 'ultra'; expected one of: high, medium, low")
    }

    @Test("the SHT3x's repeatability is an unknown key for type sht4x")
    func foreignOption() {
        let message = Self.error(Self.yaml("    repeatability: high"))
        #expect(message?.hasPrefix("sensorgw.yaml:8:5: sensors[0].repeatability: unknown key for type sht4x") == true,
                "\(message ?? "parsed")")
    }
}
