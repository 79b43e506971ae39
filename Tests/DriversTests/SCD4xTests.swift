import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Commands and examples restated from the Sensirion SCD4x datasheet (version 1.3, section 3)
// so a wrong driver constant cannot pass its own test.
private let address = I2CAddress(0x62)!                         // 2.2: the only address
private let stopPeriodic: [UInt8] = [0x3F, 0x86]                // 3.5.3, 500 ms
private let startPeriodic: [UInt8] = [0x21, 0xB1]               // 3.5.1
private let startLowPower: [UInt8] = [0x21, 0xAC]               // 3.8.1
private let readMeasurement: [UInt8] = [0xEC, 0x05]             // 3.5.2, 1 ms
private let getDataReady: [UInt8] = [0xE4, 0xB8]                // 3.8.2, 1 ms
private let getSerial: [UInt8] = [0x36, 0x82]                   // 3.9.2, 1 ms
/// 3.9.2's example answer: serial 0xF8969F073BBE, each word with its CRC.
private let serialReply: [UInt8] = [0xF8, 0x96, 0x31, 0x9F, 0x07, 0xC2, 0x3B, 0xBE, 0x89]
/// 3.5.2's example: CO2 0x01F4 = 500 ppm, T 0x6667 = 25.0 °C, RH 0x5EB9 = 37.0 %.
private let measurementReply: [UInt8] = [0x01, 0xF4, 0x33, 0x66, 0x67, 0xA2, 0x5E, 0xB9, 0x3C]
/// get_data_ready_status answers: 0x8006 (low 11 bits 0x006: ready) and 0x8000 (not ready).
private let readyReply: [UInt8] = [0x80, 0x06, 0x04]
private let notReadyReply: [UInt8] = [0x80, 0x00, 0xA2]

private func readExpectation(_ reply: [UInt8]) -> ScriptedI2CBus.Expectation {
    .init(address: address, operations: [.read(count: reply.count)], outcome: .reply([reply]))
}

private func startScript(start: [UInt8] = startPeriodic) -> [ScriptedI2CBus.Expectation] {
    [.write(address, stopPeriodic), .write(address, getSerial), readExpectation(serialReply),
     .write(address, start), .write(address, getDataReady), readExpectation(notReadyReply),
     .write(address, getDataReady), readExpectation(readyReply)]
}

@Suite("SCD4x datasheet arithmetic")
struct SCD4xDatasheetTests {
    @Test("CRC-8 example 0xBEEF -> 0x92 (3.11) and the CRCs of the datasheet's example words")
    func crc() {
        #expect(CRC8.sensirion.checksum([0xBE, 0xEF]) == 0x92)
        #expect(CRC8.sensirion.checksum([0xF8, 0x96]) == 0x31)   // 3.9.2
        #expect(CRC8.sensirion.checksum([0x66, 0x67]) == 0xA2)   // 3.5.2
        #expect(CRC8.sensirion.checksum([0x5E, 0xB9]) == 0x3C)
    }

    @Test("read_measurement's example: 500 ppm, 25 °C, 37 %RH")
    func measurementExample() throws {
        let sample = try SCD4xSample(frame: measurementReply, operation: "test")
        #expect(sample.co2PPM == 500)
        // T = -45 + 175 · 26215 / 65535 = 25.00267; RH = 100 · 24249 / 65535 = 37.00160.
        #expect(abs(sample.temperatureCelsius - 25.00267) < 1e-5)
        #expect(abs(sample.humidityPercent - 37.00160) < 1e-5)
        let ends = SCD4xSample(co2PPM: 1, rawTemperature: 0xFFFF, rawHumidity: 0xFFFF)
        #expect(ends.temperatureCelsius == 130)
        #expect(ends.humidityPercent == 100)
    }

    @Test("a wrong CRC on any word or a short frame is .badData naming the word")
    func frameCRC() {
        for (index, name) in [(2, "co2"), (5, "temperature"), (8, "humidity")] {
            var frame = measurementReply
            frame[index] ^= 0x01
            let error = #expect(throws: HALError.self) { try SCD4xSample(frame: frame, operation: "test") }
            #expect(error?.kind == .badData)
            #expect(error?.detail?.contains(name) == true)
        }
        #expect(throws: HALError.self) { try SCD4xSample(frame: Array(measurementReply.prefix(8)), operation: "test") }
    }

    @Test("set_temperature_offset 5.4 °C is 0x241D 0x07E6 0x48; set_sensor_altitude 1950 m is 0x2427 0x079E 0x09")
    func settingExamples() {
        // 3.6.1: word = T_offset · 65535 / 175 = 2022.2 -> 0x07E6.
        #expect(SCD4xSetting.temperatureOffsetWord(celsius: 5.4) == 0x07E6)
        #expect(SCD4xCommand.bytes(SCD4xCommand.setTemperatureOffset, argument: 0x07E6) == [0x24, 0x1D, 0x07, 0xE6, 0x48])
        // 3.6.3: the word is the altitude in metres.
        #expect(SCD4xCommand.bytes(SCD4xCommand.setSensorAltitude, argument: 1950) == [0x24, 0x27, 0x07, 0x9E, 0x09])
    }

    @Test("data ready when the low 11 bits of get_data_ready_status are not 0")
    func dataReady() {
        #expect(SCD4xDataReadyStatus(rawValue: 0x8006).isReady)
        #expect(SCD4xDataReadyStatus(rawValue: 0x0001).isReady)
        #expect(SCD4xDataReadyStatus(rawValue: 0x0400).isReady)
        #expect(!SCD4xDataReadyStatus(rawValue: 0x8000).isReady)
        #expect(!SCD4xDataReadyStatus(rawValue: 0xF800).isReady)   // only bits 15:11 set
    }

    @Test("command table 9: codes and periods")
    func commandTable() {
        #expect(SCD4xCommand.startPeriodicMeasurement == 0x21B1)
        #expect(SCD4xCommand.readMeasurement == 0xEC05)
        #expect(SCD4xCommand.stopPeriodicMeasurement == 0x3F86)
        #expect(SCD4xCommand.getDataReadyStatus == 0xE4B8)
        #expect(SCD4xCommand.getSerialNumber == 0x3682)
        #expect(SCD4xCommand.startLowPowerPeriodicMeasurement == 0x21AC)
        #expect(SCD4xMode.periodic.period == .seconds(5))
        #expect(SCD4xMode.lowPower.period == .seconds(30))
    }
}

@Suite("SCD4x driver over a scripted bus", .scriptsMustFinish)
struct SCD4xScriptedTests {
    @Test("start and one sample: exact transactions; 500 ms after stop, 1 ms before reads, 5 s to the first result")
    func sequence() async throws {
        let script = ScriptedI2CBus(startScript() + [.write(address, getDataReady), readExpectation(readyReply),
                                                     .write(address, readMeasurement), readExpectation(measurementReply)])
        let clock = SimulatedClock()
        let bus = TimestampingI2CBus(script, clock: clock)
        let sensor = SCD4x(bus: bus, address: address, clock: clock)
        try await sensor.start()
        let sample = try await sensor.measure()
        #expect(script.finish().isEmpty, "\(script.finish())")
        #expect(await sensor.serialNumber == 0xF896_9F07_3BBE)
        #expect(sample.co2PPM == 500)
        let t = bus.times
        #expect(t[1] - t[0] == .milliseconds(500))      // stop, then 500 ms
        #expect(t[2] - t[1] == .milliseconds(1))        // serial command, 1 ms, read
        #expect(t[4] == t[3])                           // start, one check at once (not ready)
        #expect(t[5] - t[4] == .milliseconds(1))
        #expect(t[6] - t[3] == .seconds(5))             // the next check one period after the start
        #expect(t[11] - t[10] == .milliseconds(1))      // read_measurement, 1 ms, read
    }

    @Test("settings are written while idle, with their CRCs, between the serial read and the start")
    func settings() async throws {
        let script = ScriptedI2CBus([.write(address, stopPeriodic), .write(address, getSerial), readExpectation(serialReply),
                                     .write(address, [0x24, 0x1D, 0x07, 0xE6, 0x48]),
                                     .write(address, [0x24, 0x27, 0x07, 0x9E, 0x09]),
                                     .write(address, startLowPower), .write(address, getDataReady), readExpectation(notReadyReply),
                                     .write(address, getDataReady), readExpectation(readyReply)])
        let clock = SimulatedClock()
        let sensor = SCD4x(bus: script, address: address, settings: SCD4xSettings(mode: .lowPower, temperatureOffsetCelsius: 5.4, altitudeMetres: 1950),
                           clock: clock)
        try await sensor.start()
        #expect(script.finish().isEmpty, "\(script.finish())")
        // 500 ms + 1 ms (serial) + 1 + 1 (settings) + 30 s period + 1 ms (ready check)
        #expect(clock.elapsed == .milliseconds(30_504))
    }

    @Test("no new data: the previous measurement is repeated for two transactions, not an error")
    func repeatsWhenNotReady() async throws {
        let script = ScriptedI2CBus(startScript() + [
            .write(address, getDataReady), readExpectation(readyReply),
            .write(address, readMeasurement), readExpectation(measurementReply),
            .write(address, getDataReady), readExpectation(notReadyReply),
        ])
        let sensor = SCD4x(bus: script, address: address, clock: SimulatedClock())
        try await sensor.start()
        let first = try await sensor.measure()
        let second = try await sensor.measure()
        #expect(script.finish().isEmpty, "\(script.finish())")
        #expect(first == second)
        #expect(await sensor.repeatedSamples == 1)
    }

    @Test("a wrong serial-number CRC fails start with .badData: not an SCD4x, or a bad wire")
    func serialCRC() async throws {
        var corrupt = serialReply
        corrupt[5] ^= 0xFF
        let script = ScriptedI2CBus([.write(address, stopPeriodic), .write(address, getSerial), readExpectation(corrupt)])
        let error = await #expect(throws: HALError.self) { try await SCD4x(bus: script, address: address, clock: SimulatedClock()).start() }
        #expect(error?.kind == .badData)
        #expect(error?.detail?.contains("serial word 1") == true)
        #expect(script.finish().isEmpty)
    }
}

@Suite("SCD4x driver over the simulated chip")
struct SCD4xSimulatedTests {
    /// One T LSB is 175 / 65535 °C, one RH LSB 100 / 65535 %; the model rounds to the nearest.
    static let temperatureBound = 0.0014
    static let humidityBound = 0.0008

    static func rig(_ configure: (SimulatedSCD4x) -> Void = { _ in }) -> (SimulatedClock, SimulatedI2CBus, SimulatedSCD4x) {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedSCD4x(clock: clock)
        configure(chip)
        bus.attach(chip, at: address)
        return (clock, bus, chip)
    }

    @Test("the environment reads back; a sample in the same period repeats, the next period brings a new one")
    func endToEnd() async throws {
        let (clock, bus, chip) = Self.rig { $0.environment = .init(co2PPM: 812, temperatureCelsius: 23.25, humidityPercent: 41.5) }
        let sensor = SCD4x(bus: bus, address: address, clock: clock)
        try await sensor.start()
        #expect(clock.elapsed >= .seconds(5))
        #expect(bus.transactionCount == 8)     // stop, serial command and read, start, two ready checks of two
        bus.resetCounters()
        let sample = try await sensor.measure()
        #expect(bus.transactionCount == 4)     // ready command and read, measurement command and read
        #expect(sample.co2PPM == 812)
        #expect(abs(sample.temperatureCelsius - 23.25) <= Self.temperatureBound)
        #expect(abs(sample.humidityPercent - 41.5) <= Self.humidityBound)

        chip.environment = .init(co2PPM: 1500, temperatureCelsius: 10, humidityPercent: 80)
        bus.resetCounters()
        let repeated = try await sensor.measure()
        #expect(repeated == sample)
        #expect(bus.transactionCount == 2)
        clock.advance(by: .seconds(5))
        let fresh = try await sensor.measure()
        #expect(fresh.co2PPM == 1500)
        #expect(abs(fresh.temperatureCelsius - 10) <= Self.temperatureBound)
        #expect(chip.measurementsRead == 2)
        #expect(await sensor.repeatedSamples == 1)
    }

    @Test("settings reach the chip; low-power mode waits one 30 s period for the first result")
    func settingsAndLowPower() async throws {
        let (clock, bus, chip) = Self.rig()
        let sensor = SCD4x(bus: bus, address: address, settings: SCD4xSettings(mode: .lowPower, temperatureOffsetCelsius: 2, altitudeMetres: 420),
                           clock: clock)
        try await sensor.start()
        // 2 °C · 65535 / 175 = 748.97 -> 749.
        #expect(chip.temperatureOffsetWord == 749)
        #expect(chip.altitudeWord == 420)
        #expect(chip.commands.prefix(6) == [0x3F86, 0x3682, 0x241D, 0x2427, 0x21AC, 0xE4B8])
        #expect(clock.elapsed >= .seconds(30) && clock.elapsed < .seconds(31))
    }

    @Test("a chip that never measures: .timeout after 5 s + 25 % + 2 s, in virtual time, polled every 100 ms")
    func neverReady() async throws {
        let (clock, bus, chip) = Self.rig { $0.neverReady = true }
        let error = await #expect(throws: HALError.self) { try await SCD4x(bus: bus, address: address, clock: clock).start() }
        #expect(error?.kind == .timeout)
        // Deadline 8.25 s after the start (at 501 ms); the last check is the first after it.
        #expect(clock.elapsed > .milliseconds(8751) && clock.elapsed < .milliseconds(8751 + 200))
        let checks = chip.commands.filter { $0 == 0xE4B8 }.count
        #expect(checks > 30 && checks < 37)     // one at once, then (8.25 - 5) s / 101 ms per check: no busy loop
    }

    @Test("a corrupted CRC from the chip is .badData, for each word it sends")
    func corruptedCRC() async throws {
        for word in [SimulatedSCD4x.Word.co2, .temperature, .humidity, .serial, .dataReady] {
            let (clock, bus, _) = Self.rig { $0.corruptedWord = word }
            let sensor = SCD4x(bus: bus, address: address, clock: clock)
            let error = await #expect(throws: HALError.self) {
                try await sensor.start()
                _ = try await sensor.measure()
            }
            #expect(error?.kind == .badData, "\(word)")
        }
    }

    @Test("a chip left measuring by another process is stopped first, so start succeeds")
    func leftRunning() async throws {
        let (clock, bus, chip) = Self.rig()
        try await bus.write(address: address, [0x21, 0xB1])
        #expect(chip.isMeasuring)
        let sensor = SCD4x(bus: bus, address: address, clock: clock)
        try await sensor.start()
        #expect(await sensor.serialNumber == 0xF896_9F07_3BBE)
    }

    @Test("fault sweep: any one failed transaction of start + sample is a typed error, never a reading")
    func faultSweep() async throws {
        let (cleanClock, clean, _) = Self.rig()
        let cleanSensor = SCD4x(bus: clean, address: address, clock: cleanClock)
        try await cleanSensor.start()
        _ = try await cleanSensor.measure()
        #expect(clean.transactionCount == 12)

        for index in 0..<12 {
            for kind in HALError.Kind.allCases {
                let (clock, bus, _) = Self.rig()
                let faulty = FailOneTransactionBus(bus, failing: index, with: kind)
                let sensor = SCD4x(bus: faulty, address: address, clock: clock)
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

@Suite("SCD4x as a sensor kind")
struct SCD4xKindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    @Test("registered as scd4x on I2C at 0x62 with co2 (/), temperature (Cel), humidity (%RH)")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "scd4x"))
        #expect(kind.buses == [.i2c])
        #expect(kind.defaultI2CAddress == I2CAddress(0x62))
        #expect(kind.optionKeys == ["mode", "temperature_offset", "altitude"])
        #expect(kind.quantities.map(\.quantity) == ["co2", "temperature", "humidity"])
        #expect(kind.quantities.map(\.unit.rawValue) == ["/", "Cel", "%RH"])
    }

    @Test("readings: 500 ppm is 0.0005 in /; 0 ppm gives no co2 reading")
    func readings() {
        let readings = SCD4xSample(co2PPM: 500, rawTemperature: 0x6667, rawHumidity: 0x5EB9).readings(sensorID: "air", at: stamp)
        #expect(readings.map(\.quantity) == ["co2", "temperature", "humidity"])
        #expect(readings.map(\.unit.rawValue) == ["/", "Cel", "%RH"])
        #expect(readings[0].numberOrNaN == 0.0005)
        let invalid = SCD4xSample(co2PPM: 0, rawTemperature: 0x6667, rawHumidity: 0x5EB9).readings(sensorID: "air", at: stamp)
        #expect(invalid.map(\.quantity) == ["temperature", "humidity"])
    }

    @Test("the simulated board hosts it and it follows the weather")
    func simulatedBoard() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(id: "air", kind: "scd4x", bus: .i2c(bus: 1, address: address))
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn, clock: SimulatedClock())
        #expect(try await board.i2cBus(1).scan() == [address])
        let sensor = SCD4xKind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        #expect(readings.map(\.unit.rawValue) == ["/", "Cel", "%RH"])
        #expect(readings[0].numberOrNaN == 0.00065)     // the model's 650 ppm
        #expect((19.4...23.6).contains(readings[1].numberOrNaN))
        #expect((39.9...50.1).contains(readings[2].numberOrNaN))
    }
}

@Suite("SCD4x configuration")
struct SCD4xConfigurationTests {
    static func yaml(_ extra: String...) -> String {
        (["gateway:", "  id: gw", "board: simulated", "sensors:", "  - id: co2", "    type: scd4x",
          "    i2c: { bus: 1, address: 0x62 }"] + extra
            + ["storage:", "  path: outbox.sqlite", "mqtt:", "  host: localhost", "  tls: false", ""]).joined(separator: "\n")
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

    @Test("options decode; without them periodic mode and the chip's own settings")
    func decodes() throws {
        let set = try Self.parse(Self.yaml("    mode: low_power", "    temperature_offset: 5.4", "    altitude: 1950"))
        #expect(set.sensors[0].options.isEqual(to: SCD4xKind.Options(mode: .lowPower, temperatureOffset: 5.4, altitude: 1950)))
        let plain = try Self.parse(Self.yaml())
        #expect(plain.sensors[0].options.isEqual(to: SCD4xKind.Options()))
    }

    @Test("co2 converts to ppm in the quantities section")
    func ppm() throws {
        let parsed = try Self.parse(Self.yaml("    quantities:", "      co2: { unit: ppm }"))
        var pipeline = SCD4xKind().pipeline(for: parsed.sensors[0])
        let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)
        let result = pipeline.process(SCD4xSample(co2PPM: 812, rawTemperature: 0x6667, rawHumidity: 0x5EB9)
            .readings(sensorID: "co2", at: stamp))
        let co2 = try #require(result.passed.first { $0.quantity == "co2" })
        #expect(co2.unit.rawValue == "ppm")
        #expect(abs(co2.numberOrNaN - 812) < 1e-9)
    }

    @Test("bad values name file, line, column and key")
    func badValues() {
        #expect(Self.error(Self.yaml("    mode: single_shot"))
                == "sensorgw.yaml:8:11: sensors[0].mode: unknown value 'single_shot'; expected one of: periodic, low_power")
        #expect(Self.error(Self.yaml("    temperature_offset: 25"))?
                    .hasPrefix("sensorgw.yaml:8:25: sensors[0].temperature_offset: temperature offset must be 0...20") == true)
        #expect(Self.error(Self.yaml("    altitude: 4000"))?.hasPrefix("sensorgw.yaml:8:15: sensors[0].altitude:") == true)
    }
}
