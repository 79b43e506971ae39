import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Commands and values restated from the TE HTU21D(F) datasheet ("Sensor commands", "CRC
// checksum", "Conversion of signal outputs") and the Si7021-A20 datasheet (5, table 11; 5.5)
// so a wrong driver constant cannot pass its own test.
private let reset: [UInt8] = [0xFE]
private let readID: [UInt8] = [0xFC, 0xC9]
private let measureRH: [UInt8] = [0xF5]
private let measureT: [UInt8] = [0xF3]
private let address = I2CAddress(0x40)!

/// The HTU21D datasheet's examples: temperature word 0x683A (CRC 0x7C) is 24.7 °C, humidity
/// word 0x4E85 (CRC 0x6B) 32.3 %RH, once the status bits 1:0 are cleared.
private let temperatureFrame: [UInt8] = [0x68, 0x3A, 0x7C]
private let humidityFrame: [UInt8] = [0x4E, 0x85, 0x6B]
/// SNB_3 = 0x15 (Si7021), SNB_2 = 0xFF; CRC (0x131 from 0x00) 0xB5.
private let si7021ID: [UInt8] = [0x15, 0xFF, 0xB5]
/// An SNB_3 that is no Silicon Labs id (0x32, 0x15; CRC 0xDD): an HTU21D / SHT21.
private let htu21dID: [UInt8] = [0x32, 0x15, 0xDD]

private func read(_ reply: [UInt8]) -> ScriptedI2CBus.Expectation {
    .init(address: address, operations: [.read(count: reply.count)], outcome: .reply([reply]))
}

private func startScript(id: [UInt8]) -> [ScriptedI2CBus.Expectation] {
    [.write(address, reset), .write(address, readID), read(id)]
}

@Suite("HTU21D / Si7021 datasheet arithmetic")
struct HTU21DDatasheetTests {
    @Test("CRC x^8+x^5+x^4+1 from 0x00: the datasheet's 0xDC -> 0x79, 0x683A -> 0x7C, 0x4E85 -> 0x6B")
    func crc() {
        #expect(HTU21DCommand.crc.checksum([0xDC]) == 0x79)
        #expect(HTU21DCommand.crc.checksum([0x68, 0x3A]) == 0x7C)
        #expect(HTU21DCommand.crc.checksum([0x4E, 0x85]) == 0x6B)
    }

    @Test("conversion with status bits cleared: 0x683A -> 24.69 °C, 0x4E85 -> 32.34 %RH, 0x7C80 -> 54.79 %RH")
    func conversion() {
        // 0x6838 = 26680: -46.85 + 175.72 · 26680 / 65536 = 24.6864; 0x4E84 = 20100:
        // -6 + 125 · 20100 / 65536 = 32.3377; 0x7C80 = 31872: 54.7910.
        let sample = HTU21DSample(rawHumidity: 0x4E85, rawTemperature: 0x683A)
        #expect(abs(sample.temperatureCelsius - 24.6864) < 0.0001)
        #expect(abs(sample.humidityPercent - 32.3377) < 0.0001)
        #expect(abs(HTU21DSample(rawHumidity: 0x7C80, rawTemperature: 0).humidityPercent - 54.7910) < 0.0001)
        // The formula spans -6...119 %RH; the driver crops to 0...100.
        #expect(HTU21DSample(rawHumidity: 0x0000, rawTemperature: 0).humidityPercent == 0)
        #expect(HTU21DSample(rawHumidity: 0xFFFF, rawTemperature: 0).humidityPercent == 100)
    }

    @Test("SNB_3 tells the chips apart: 0x0D/0x14/0x15 (and samples 0x00/0xFF) are Si70xx")
    func variants() {
        for id: UInt8 in [0x0D, 0x14, 0x15, 0x00, 0xFF] {
            #expect(HTU21DVariant(deviceID: id) == .si70xx(deviceID: id))
        }
        #expect(HTU21DVariant(deviceID: 0x32) == .htu21d)
    }
}

@Suite("HTU21D / Si7021 driver over a scripted bus", .scriptsMustFinish)
struct HTU21DScriptedTests {
    @Test("Si7021: reset, id, then RH, 22.8 ms, and the cached temperature (0xE0): 3 per sample")
    func si7021Sequence() async throws {
        let clock = SimulatedClock()
        let (variant, sample, times) = try await ScriptedI2CBus.withScript(startScript(id: si7021ID) + [
            .write(address, measureRH), read(humidityFrame),
            .init(address: address, operations: [.write([0xE0]), .read(count: 2)], outcome: .reply([[0x68, 0x3A]])),
        ]) { scripted in
            let bus = TimestampingI2CBus(scripted, clock: clock)
            let sensor = HTU21D(bus: bus, address: address, clock: clock)
            let variant = try await sensor.start()
            return (variant, try await sensor.measure(), bus.times)
        }
        #expect(variant == .si70xx(deviceID: 0x15))
        #expect(abs(sample.temperatureCelsius - 24.6864) < 0.0001)
        #expect(abs(sample.humidityPercent - 32.3377) < 0.0001)
        #expect(times[1] - times[0] >= .milliseconds(15))          // reset time
        #expect(times[4] - times[3] >= .microseconds(22_800))      // RH 12 ms + T 10.8 ms
    }

    @Test("HTU21D: RH, 16 ms, then its own temperature measurement, 50 ms: 4 per sample")
    func htu21dSequence() async throws {
        let clock = SimulatedClock()
        let (sample, times) = try await ScriptedI2CBus.withScript(startScript(id: htu21dID) + [
            .write(address, measureRH), read(humidityFrame),
            .write(address, measureT), read(temperatureFrame),
        ]) { scripted in
            let bus = TimestampingI2CBus(scripted, clock: clock)
            let sensor = HTU21D(bus: bus, address: address, clock: clock)
            return (try await sensor.measure(), bus.times)
        }
        #expect(abs(sample.temperatureCelsius - 24.6864) < 0.0001)
        #expect(times[4] - times[3] >= .milliseconds(16))
        #expect(times[6] - times[5] >= .milliseconds(50))
    }

    @Test("a wrong id CRC fails start() with .badData")
    func badIDCRC() async throws {
        try await ScriptedI2CBus.withScript(startScript(id: [0x15, 0xFF, 0xB4])) { bus in
            let error = await #expect(throws: HALError.self) {
                try await HTU21D(bus: bus, address: address, clock: SimulatedClock()).start()
            }
            #expect(error?.kind == .badData)
        }
    }

    @Test("a wrong measurement CRC is .badData, never a sample")
    func badCRC() async throws {
        try await ScriptedI2CBus.withScript(startScript(id: htu21dID) + [
            .write(address, measureRH), read([0x4E, 0x85, 0x6A]),
        ]) { bus in
            let error = await #expect(throws: HALError.self) {
                try await HTU21D(bus: bus, address: address, clock: SimulatedClock()).measure()
            }
            #expect(error?.kind == .badData)
        }
    }
}

@Suite("HTU21D / Si7021 driver over the simulated chips")
struct HTU21DSimulatedTests {
    /// With the two status bits, one step is 4 LSB: 0.0107 °C and 0.0076 %RH; the model rounds.
    static let temperatureBound = 0.006
    static let humidityBound = 0.004

    @Test("both chips: the environment reads back within a step, with the fewest transactions")
    func endToEnd() async throws {
        for (variant, perSample) in [(SimulatedHTU21D.Variant.si7021, 3), (.htu21d, 4)] {
            let clock = SimulatedClock()
            let bus = SimulatedI2CBus(clock: clock)
            let chip = SimulatedHTU21D(variant: variant, clock: clock)
            chip.environment = .init(temperatureCelsius: 18.25, humidityPercent: 63)
            bus.attach(chip, at: address)
            let sensor = HTU21D(bus: bus, address: address, clock: clock)
            try await sensor.start()
            #expect(bus.transactionCount == 3)
            bus.resetCounters()
            let sample = try await sensor.measure()
            #expect(bus.transactionCount == perSample, "\(variant)")
            #expect(chip.refusedReads == 0)
            #expect(abs(sample.temperatureCelsius - 18.25) <= Self.temperatureBound, "\(variant)")
            #expect(abs(sample.humidityPercent - 63) <= Self.humidityBound, "\(variant)")
        }
    }

    @Test("a conversion that never ends is .timeout after 16 ms + 25 % + 2 ms, in virtual time")
    func neverReady() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedHTU21D(variant: .htu21d, clock: clock)
        bus.attach(chip, at: address)
        let sensor = HTU21D(bus: bus, address: address, clock: clock)
        try await sensor.start()
        chip.neverReady = true
        let started = clock.now
        let error = await #expect(throws: HALError.self) { try await sensor.measure() }
        #expect(error?.kind == .timeout)
        // Deadline 22 ms; reads at 16, 17, ..., 22 ms, the last at the deadline.
        #expect(started.duration(to: clock.now) == .milliseconds(22))
        #expect(chip.refusedReads == 7)
    }

    @Test("corrupted CRCs are .badData")
    func corrupted() async throws {
        let bus = SimulatedI2CBus()
        let chip = SimulatedHTU21D(variant: .si7021)
        chip.corruptCRC = true
        bus.attach(chip, at: address)
        let error = await #expect(throws: HALError.self) {
            try await HTU21D(bus: bus, address: address, clock: SimulatedClock()).measure()
        }
        #expect(error?.kind == .badData)
    }

    @Test("fault sweep: any one failed transaction of start + measure is a typed error, never a reading")
    func faultSweep() async throws {
        for (variant, total) in [(SimulatedHTU21D.Variant.si7021, 6), (.htu21d, 7)] {
            let clean = SimulatedI2CBus()
            clean.attach(SimulatedHTU21D(variant: variant), at: address)
            _ = try await HTU21D(bus: clean, address: address, clock: SimulatedClock()).measure()
            #expect(clean.transactionCount == total)
            for index in 0..<total {
                for kind in HALError.Kind.allCases {
                    let bus = SimulatedI2CBus()
                    bus.attach(SimulatedHTU21D(variant: variant), at: address)
                    let sensor = HTU21D(bus: FailOneTransactionBus(bus, failing: index, with: kind), address: address,
                                        clock: SimulatedClock())
                    do {
                        let sample = try await sensor.measure()
                        // A NACKed measurement read means "busy" and is retried.
                        let retried = kind == .addressNACK && (index == 4 || (variant == .htu21d && index == 6))
                        #expect(retried, "\(variant) transaction \(index) \(kind) gave \(sample)")
                    } catch let error as HALError {
                        #expect(error.kind == kind, "\(variant) transaction \(index): \(error)")
                    } catch {
                        Issue.record("\(variant) transaction \(index) \(kind): untyped \(error)")
                    }
                }
            }
        }
    }
}

@Suite("HTU21D / Si7021 as a sensor kind")
struct HTU21DKindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    @Test("registered as htu21d on I2C at 0x40, no options, temperature (Cel) and humidity (%RH)")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "htu21d"))
        #expect(kind.buses == [.i2c])
        #expect(kind.defaultI2CAddress == I2CAddress(0x40))
        #expect(kind.optionKeys.isEmpty)
        #expect(kind.quantities.map(\.unit.rawValue) == ["Cel", "%RH"])
        let readings = HTU21DSample(rawHumidity: 0x4E85, rawTemperature: 0x683A).readings(sensorID: "a", at: stamp)
        #expect(readings.map(\.quantity) == ["temperature", "humidity"])
        #expect(readings.map(\.unit.rawValue) == ["Cel", "%RH"])
    }

    @Test("the simulated board hosts it and it follows the weather")
    func simulatedBoard() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(id: "a", kind: "htu21d", bus: .i2c(bus: 1, address: address))
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn)
        #expect(try await board.i2cBus(1).scan() == [address])
        let sensor = HTU21DKind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        #expect(readings[0].numberOrNaN >= 19.4 && readings[0].numberOrNaN <= 23.6)
        #expect(readings[1].numberOrNaN >= 39.9 && readings[1].numberOrNaN <= 50.1)
    }

    @Test("an option is an unknown key for type htu21d, with file, line and key")
    func noOptions() {
        let yaml = ["gateway:", "  id: gw", "board: simulated", "sensors:", "  - id: a", "    type: htu21d",
                    "    i2c: { bus: 1, address: 0x40 }", "    resolution: 14",
                    "storage:", "  path: outbox.sqlite", "mqtt:", "  host: localhost", "  tls: false", ""]
            .joined(separator: "\n")
        do {
            _ = try GatewayConfiguration.parse(yaml: yaml, file: "sensorgw.yaml", baseDirectory: "/tmp",
                                               kinds: SensorRegistry.builtIn.catalog)
            Issue.record("parsed")
        } catch {
            #expect(error.description.hasPrefix("sensorgw.yaml:8:5: sensors[0].resolution: unknown key for type htu21d"),
                    "\(error)")
        }
    }
}
