import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Commands and values restated from the Aosong AHT20 datasheet v1.1 (5.3, 5.4, table 10) so a
// wrong driver constant cannot pass its own test.
private let trigger: [UInt8] = [0xAC, 0x33, 0x00]
private let initialize: [UInt8] = [0xBE, 0x08, 0x00]
private let address = I2CAddress(0x38)!

/// Status 0x18 (idle, calibrated), S_RH = 0x80000 = 2^19 (50 %RH), S_T = 0x60000
/// (0x60000 / 2^20 · 200 - 50 = 25 °C); CRC-8 (0x31, init 0xFF) of the six bytes = 0x23.
private let frame25C50RH: [UInt8] = [0x18, 0x80, 0x00, 0x06, 0x00, 0x00, 0x23]

private func read(_ reply: [UInt8]) -> ScriptedI2CBus.Expectation {
    .init(address: address, operations: [.read(count: reply.count)], outcome: .reply([reply]))
}

@Suite("AHT20 datasheet arithmetic")
struct AHT20DatasheetTests {
    @Test("frame: 20-bit S_RH and S_T share byte 3; RH = S/2^20·100, T = S/2^20·200-50 (6.1, 6.2)")
    func conversion() throws {
        let sample = try #require(try AHT20Sample.parse(frame25C50RH, operation: "test"))
        #expect(sample.rawHumidity == 0x80000)
        #expect(sample.rawTemperature == 0x60000)
        #expect(sample.humidityPercent == 50)
        #expect(sample.temperatureCelsius == 25)
        #expect(AHT20Sample(rawHumidity: 0, rawTemperature: 0).temperatureCelsius == -50)
        #expect(AHT20Sample(rawHumidity: 0xFFFFF, rawTemperature: 0).humidityPercent < 100)
    }

    @Test("CRC over status and data (0x31 from 0xFF); a mismatch is .badData")
    func crc() {
        #expect(CRC8.sensirion.checksum(frame25C50RH.prefix(6)) == 0x23)
        var frame = frame25C50RH
        frame[4] ^= 0x01
        let error = #expect(throws: HALError.self) { try AHT20Sample.parse(frame, operation: "test") }
        #expect(error?.kind == .badData)
    }

    @Test("a busy status (bit 7) is no sample yet, whatever the rest says")
    func busy() throws {
        var frame = frame25C50RH
        frame[0] = 0x98
        #expect(try AHT20Sample.parse(frame, operation: "test") == nil)
        #expect(throws: HALError.self) { try AHT20Sample.parse([0x18, 0x80], operation: "test") }
    }
}

@Suite("AHT20 driver over a scripted bus", .scriptsMustFinish)
struct AHT20ScriptedTests {
    @Test("calibrated chip: start is one status read; a sample is trigger, 80 ms, one 7-byte read")
    func sequence() async throws {
        let clock = SimulatedClock()
        let (sample, times) = try await ScriptedI2CBus.withScript([
            read([0x18]), .write(address, trigger), read(frame25C50RH),
        ]) { scripted in
            let bus = TimestampingI2CBus(scripted, clock: clock)
            let sensor = AHT20(bus: bus, address: address, clock: clock)
            try await sensor.start()
            return (try await sensor.measure(), bus.times)
        }
        #expect(sample.temperatureCelsius == 25)
        #expect(sample.humidityPercent == 50)
        #expect(times[2] - times[1] >= .milliseconds(80))
        #expect(times[2] - times[1] < .milliseconds(81))
    }

    @Test("uncalibrated chip: 0xBE 0x08 0x00, 10 ms, status again (5.4 step 1)")
    func initialization() async throws {
        let clock = SimulatedClock()
        let times = try await ScriptedI2CBus.withScript([read([0x10]), .write(address, initialize), read([0x18])]) { scripted in
            let bus = TimestampingI2CBus(scripted, clock: clock)
            try await AHT20(bus: bus, address: address, clock: clock).start()
            return bus.times
        }
        #expect(times[2] - times[1] >= .milliseconds(10))
    }

    @Test("a calibration bit that stays clear is .badData")
    func neverCalibrated() async throws {
        try await ScriptedI2CBus.withScript([read([0x10]), .write(address, initialize), read([0x10])]) { bus in
            let error = await #expect(throws: HALError.self) {
                try await AHT20(bus: bus, address: address, clock: SimulatedClock()).start()
            }
            #expect(error?.kind == .badData)
        }
    }

    @Test("busy after 80 ms: read again every millisecond")
    func busyRetried() async throws {
        var busyFrame = frame25C50RH
        busyFrame[0] = 0x98
        let sample = try await ScriptedI2CBus.withScript([.write(address, trigger), read(busyFrame), read(busyFrame),
                                                          read(frame25C50RH)]) { bus in
            try await AHT20(bus: bus, address: address, clock: SimulatedClock()).measure()
        }
        #expect(sample.humidityPercent == 50)
    }
}

@Suite("AHT20 driver over the simulated chip")
struct AHT20SimulatedTests {
    /// One S_T LSB is 200 / 2^20 = 0.0002 °C, one S_RH LSB 100 / 2^20 = 0.0001 %.
    static let bound = 0.000_2

    @Test("the environment reads back within one LSB, in 2 transactions per sample")
    func endToEnd() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedAHT20(clock: clock)
        bus.attach(chip, at: address)
        let sensor = AHT20(bus: bus, address: address, clock: clock)
        try await sensor.start()
        #expect(bus.transactionCount == 1)
        bus.resetCounters()
        let sample = try await sensor.measure()
        #expect(bus.transactionCount == 2)
        #expect(chip.busyReads == 0)
        #expect(abs(sample.temperatureCelsius - 21.5) <= Self.bound)
        #expect(abs(sample.humidityPercent - 45) <= Self.bound)
        chip.environment = .init(temperatureCelsius: -30.75, humidityPercent: 88)
        let cold = try await sensor.measure()
        #expect(abs(cold.temperatureCelsius - -30.75) <= Self.bound)
        #expect(abs(cold.humidityPercent - 88) <= Self.bound)
    }

    @Test("an uncalibrated chip is initialized by start()")
    func initializes() async throws {
        let bus = SimulatedI2CBus()
        let chip = SimulatedAHT20()
        chip.calibrated = false
        bus.attach(chip, at: address)
        try await AHT20(bus: bus, address: address, clock: SimulatedClock()).start()
        #expect(chip.calibrated)
        #expect(chip.writes == [initialize])
    }

    @Test("a chip that stays busy gives .timeout after 80 ms + 25 % + 2 ms, in virtual time")
    func neverReady() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedAHT20(clock: clock)
        chip.neverReady = true
        bus.attach(chip, at: address)
        let error = await #expect(throws: HALError.self) {
            try await AHT20(bus: bus, address: address, clock: clock).measure()
        }
        #expect(error?.kind == .timeout)
        // Reads at 80, 81, ..., 102 ms; the one at 102 ms is the first at the deadline.
        #expect(clock.elapsed == .milliseconds(102))
        #expect(chip.busyReads == 23)
    }

    @Test("a corrupted CRC is .badData")
    func corrupted() async throws {
        let bus = SimulatedI2CBus()
        let chip = SimulatedAHT20()
        chip.corruptCRC = true
        bus.attach(chip, at: address)
        let error = await #expect(throws: HALError.self) {
            try await AHT20(bus: bus, address: address, clock: SimulatedClock()).measure()
        }
        #expect(error?.kind == .badData)
    }

    @Test("fault sweep: any one failed transaction of start + measure is a typed error, never a reading")
    func faultSweep() async throws {
        let clean = SimulatedI2CBus()
        clean.attach(SimulatedAHT20(), at: address)
        let cleanSensor = AHT20(bus: clean, address: address, clock: SimulatedClock())
        try await cleanSensor.start()
        _ = try await cleanSensor.measure()
        #expect(clean.transactionCount == 3)
        for index in 0..<3 {
            for kind in HALError.Kind.allCases {
                let bus = SimulatedI2CBus()
                bus.attach(SimulatedAHT20(), at: address)
                let sensor = AHT20(bus: FailOneTransactionBus(bus, failing: index, with: kind), address: address,
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

@Suite("AHT20 as a sensor kind")
struct AHT20KindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    @Test("registered as aht20 on I2C at 0x38, no options, temperature (Cel) and humidity (%RH)")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "aht20"))
        #expect(kind.buses == [.i2c])
        #expect(kind.defaultI2CAddress == I2CAddress(0x38))
        #expect(kind.optionKeys.isEmpty)
        #expect(kind.quantities.map(\.unit.rawValue) == ["Cel", "%RH"])
        let readings = AHT20Sample(rawHumidity: 0x80000, rawTemperature: 0x60000).readings(sensorID: "a", at: stamp)
        #expect(readings.map(\.numberOrNaN) == [25, 50])
        #expect(readings.map(\.unit.rawValue) == ["Cel", "%RH"])
    }

    @Test("validation keeps the datasheet's -40...85 °C")
    func ranges() {
        var pipeline = AHT20Kind().pipeline(for: .init(id: "a", kind: "aht20", bus: .none))
        let input = [Reading(sensorID: "a", quantity: "temperature", value: 85, unit: .celsius, timestamp: stamp),
                     Reading(sensorID: "a", quantity: "temperature", value: 90, unit: .celsius, timestamp: stamp)]
        let result = pipeline.process(input)
        #expect(result.passed == [input[0]])
    }

    @Test("the simulated board hosts it and it follows the weather")
    func simulatedBoard() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(id: "a", kind: "aht20", bus: .i2c(bus: 1, address: address))
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn)
        #expect(try await board.i2cBus(1).scan() == [address])
        let sensor = AHT20Kind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        #expect(readings[0].numberOrNaN >= 19.4 && readings[0].numberOrNaN <= 23.6)
        #expect(readings[1].numberOrNaN >= 39.9 && readings[1].numberOrNaN <= 50.1)
    }

    @Test("an option is an unknown key for type aht20, with file, line and key")
    func noOptions() {
        let yaml = ["gateway:", "  id: gw", "board: simulated", "sensors:", "  - id: a", "    type: aht20",
                    "    i2c: { bus: 1, address: 0x38 }", "    precision: high",
                    "storage:", "  path: outbox.sqlite", "mqtt:", "  host: localhost", "  tls: false", ""]
            .joined(separator: "\n")
        do {
            _ = try GatewayConfiguration.parse(yaml: yaml, file: "sensorgw.yaml", baseDirectory: "/tmp",
                                               kinds: SensorRegistry.builtIn.catalog)
            Issue.record("parsed")
        } catch {
            #expect(error.description.hasPrefix("sensorgw.yaml:8:5: sensors[0].precision: unknown key for type aht20"),
                    "\(error)")
        }
    }
}
