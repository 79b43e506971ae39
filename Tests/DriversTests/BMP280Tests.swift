import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Registers and values restated from the Bosch BMP280 datasheet BST-BMP280-DS001 (section 4.3,
// table 18 "Memory map") so a wrong driver constant cannot pass its own test.
private let chipIDRegister: UInt8 = 0xD0
private let statusRegister: UInt8 = 0xF3
private let ctrlMeasRegister: UInt8 = 0xF4
private let configRegister: UInt8 = 0xF5
private let calib00: UInt8 = 0x88
private let dataRegister: UInt8 = 0xF7
private let address = I2CAddress(0x76)!

/// The worked example of datasheet 3.12 (table "Compensation formula example"):
/// dig_T1 27504, T2 26435, T3 -1000; dig_P1 36477, P2 -10685, P3 3024, P4 2855, P5 140, P6 -7,
/// P7 15500, P8 -14600, P9 6000, as the 24 little-endian bytes at 0x88...0x9F (table 17).
private let exampleBank: [UInt8] = [
    0x70, 0x6B, 0x43, 0x67, 0x18, 0xFC, // T1 0x6B70, T2 0x6743, T3 0xFC18
    0x7D, 0x8E, 0x43, 0xD6, 0xD0, 0x0B, // P1 0x8E7D, P2 0xD643, P3 0x0BD0
    0x27, 0x0B, 0x8C, 0x00, 0xF9, 0xFF, // P4 0x0B27, P5 0x008C, P6 0xFFF9
    0x8C, 0x3C, 0xF8, 0xC6, 0x70, 0x17, // P7 0x3C8C, P8 0xC6F8, P9 0x1770
]
/// adc_P 415148 (0x655AC) and adc_T 519888 (0x7EED0), packed as 0xF7...0xFC.
private let exampleDataBlock: [UInt8] = [0x65, 0x5A, 0xC0, 0x7E, 0xED, 0x00]

private func startScript(chipID: UInt8 = 0x58) -> [ScriptedI2CBus.Expectation] {
    [
        .readRegisters(address, chipIDRegister, reply: [chipID]),
        .readRegisters(address, statusRegister, reply: [0x00]),   // im_update clear
        .readRegisters(address, calib00, reply: exampleBank),     // 24 bytes, no humidity bank
        .write(address, [configRegister, 0x00]),                  // filter off
    ]
}

/// ctrl_meas (4.3.4) = osrs_t x1 (001 << 5) | osrs_p x1 (001 << 2) | forced mode 01 = 0x25.
private let forcedTrigger: ScriptedI2CBus.Expectation = .write(address, [ctrlMeasRegister, 0x25])

@Suite("BMP280 datasheet arithmetic")
struct BMP280DatasheetTests {
    @Test("calibration: 24 bytes at 0x88 parse to the datasheet example's coefficients")
    func parse() throws {
        let calibration = try BMP280Calibration(bank: exampleBank, expectedLength: 24, operation: "test")
        #expect([calibration.digT1] == [27504])
        #expect([calibration.digT2, calibration.digT3] == [26435, -1000])
        #expect(calibration.digP1 == 36477)
        #expect([calibration.digP2, calibration.digP3, calibration.digP4, calibration.digP5, calibration.digP6,
                 calibration.digP7, calibration.digP8, calibration.digP9]
                == [-10685, 3024, 2855, 140, -7, 15500, -14600, 6000])
    }

    @Test("calibration: blank (0x00 / 0xFF) or short banks are .badData")
    func parseBlank() {
        for bank in [[UInt8](repeating: 0, count: 24), [UInt8](repeating: 0xFF, count: 24), Array(exampleBank.prefix(23))] {
            let error = #expect(throws: HALError.self) {
                try BMP280Calibration(bank: bank, expectedLength: 24, operation: "test")
            }
            #expect(error?.kind == .badData)
        }
    }

    @Test("3.12 example: adc_T 519888 -> t_fine 128422, 25.08 °C; adc_P 415148 -> 100653.25 Pa")
    func workedExample() throws {
        let calibration = try BMP280Calibration(bank: exampleBank, expectedLength: 24, operation: "test")
        #expect(calibration.fineTemperature(adcT: 519_888) == 128_422)
        // The datasheet's table prints 100653.27 Pa from the double formula; its int64 code gives
        // 25767233 / 256 = 100653.25 Pa (worked through in BME280CompensationTests).
        let sample = try calibration.compensate(try BMP280RawSample(dataBlock: exampleDataBlock), settings: BMP280Settings())
        #expect(sample.temperatureCelsius == 25.08)
        #expect(sample.pressurePascal == 25_767_233.0 / 256)
        #expect(abs((sample.pressurePascal ?? 0) - 100_653.27) < 0.05)
    }

    @Test("data block: 20-bit P and T from msb, lsb, xlsb[7:4]; 0x80000 means not measured")
    func dataBlock() throws {
        let raw = try BMP280RawSample(dataBlock: [0x65, 0x5A, 0xCF, 0x7E, 0xED, 0x0F])
        #expect(raw.adcP == 415_148)
        #expect(raw.adcT == 519_888)
        #expect(throws: HALError.self) { try BMP280RawSample(dataBlock: [0x65, 0x5A, 0xC0, 0x7E, 0xED, 0x00, 0x00, 0x00]) }
        let calibration = try BMP280Calibration(bank: exampleBank, expectedLength: 24, operation: "test")
        let skippedT = BMP280RawSample(adcP: 415_148, adcT: 0x80000)
        #expect(throws: HALError.self) { try calibration.compensate(skippedT, settings: BMP280Settings()) }
        let skippedP = BMP280RawSample(adcP: 0x80000, adcT: 519_888)
        #expect(throws: HALError.self) { try calibration.compensate(skippedP, settings: BMP280Settings()) }
        let quiet = try calibration.compensate(skippedP, settings: BMP280Settings(pressureOversampling: .skip))
        #expect(quiet.pressurePascal == nil)
        #expect(quiet.temperatureCelsius == 25.08)
    }

    @Test("ctrl_meas and config bits (tables 21, 22, 26): x2/x16 forced = 0x55, filter 16 = 0x10")
    func registerBits() {
        #expect(BMP280Settings().ctrlMeasForcedValue == 0x25)
        let ultraHigh = BMP280Settings(temperatureOversampling: .x2, pressureOversampling: .x16, filter: .x16)
        #expect(ultraHigh.ctrlMeasForcedValue == 0b010_101_01)
        #expect(ultraHigh.configValue == 0b000_100_00)
        #expect(BMP280Settings(pressureOversampling: .skip).ctrlMeasForcedValue == 0b001_000_01)
    }

    @Test("measurement time: table 13's typical and maximum per oversampling setting")
    func measurementTime() {
        // (osrs_t, osrs_p, typ ms, max ms): ultra low power, low power, standard, high res, ultra high res.
        let rows: [(BMx280Oversampling, BMx280Oversampling, Double, Double)] = [
            (.x1, .x1, 5.5, 6.4), (.x1, .x2, 7.5, 8.7), (.x1, .x4, 11.5, 13.3),
            (.x1, .x8, 19.5, 22.5), (.x2, .x16, 37.5, 43.2),
        ]
        for (t, p, typical, maximum) in rows {
            let settings = BMP280Settings(temperatureOversampling: t, pressureOversampling: p)
            #expect(Double(settings.typicalMeasurementMicroseconds) / 1000 == typical, "\(t) \(p)")
            // The table rounds the formula's 6.425, 8.725, ... to one decimal.
            #expect(abs(Double(settings.maximumMeasurementMicroseconds) / 1000 - maximum) < 0.05, "\(t) \(p)")
        }
    }
}

@Suite("BMP280 driver over scripted buses", .scriptsMustFinish)
struct BMP280ScriptedTests {
    @Test("I2C: start() is 4 transactions, a forced measurement trigger, poll, 6-byte burst")
    func i2cSequence() async throws {
        let sample = try await ScriptedI2CBus.withScript(startScript() + [
            forcedTrigger,                                               // one register write
            .readRegisters(address, statusRegister, reply: [0x08]),     // measuring
            .readRegisters(address, statusRegister, reply: [0x00]),     // done
            .readRegisters(address, dataRegister, reply: exampleDataBlock),
        ]) { bus in
            let sensor = BMP280(bus: bus, address: address, clock: SimulatedClock())
            try await sensor.start()
            return try await sensor.measure()
        }
        #expect(sample.temperatureCelsius == 25.08)
        #expect(sample.pressurePascal == 25_767_233.0 / 256)
    }

    @Test("engineering samples (ids 0x56, 0x57) are BMP280s too")
    func engineeringSamples() async throws {
        for id: UInt8 in [0x56, 0x57] {
            try await ScriptedI2CBus.withScript(startScript(chipID: id)) { bus in
                try await BMP280(bus: bus, address: address, clock: SimulatedClock()).start()
            }
        }
    }

    @Test("a BME280 configured as BMP280 says so: found BME280 (id 0x60)")
    func foundBME280() async throws {
        try await ScriptedI2CBus.withScript([.readRegisters(address, chipIDRegister, reply: [0x60])]) { bus in
            let error = await #expect(throws: HALError.self) {
                try await BMP280(bus: bus, address: address, clock: SimulatedClock()).start()
            }
            #expect(error?.kind == .badData)
            #expect(error?.detail == "expected chip id 0x58/0x56/0x57 (BMP280), found BME280 (id 0x60)")
        }
    }

    @Test("a BMP280 configured as BME280 says so: found BMP280 (id 0x58)")
    func bme280FindsBMP280() async throws {
        try await ScriptedI2CBus.withScript([.readRegisters(address, chipIDRegister, reply: [0x58])]) { bus in
            let error = await #expect(throws: HALError.self) {
                try await BME280(bus: bus, address: address, clock: SimulatedClock()).start()
            }
            #expect(error?.kind == .badData)
            #expect(error?.detail == "expected chip id 0x60 (BME280), found BMP280 (id 0x58)")
        }
    }

    @Test("an id no Bosch chip has is reported as such")
    func unknownID() async throws {
        try await ScriptedI2CBus.withScript([.readRegisters(address, chipIDRegister, reply: [0x12])]) { bus in
            let error = await #expect(throws: HALError.self) {
                try await BMP280(bus: bus, address: address, clock: SimulatedClock()).start()
            }
            #expect(error?.detail == "expected chip id 0x58/0x56/0x57 (BMP280), got 0x12, not a Bosch id this build knows")
        }
    }

    @Test("temperature oversampling skip is refused before touching the bus")
    func temperatureSkip() async throws {
        try await ScriptedI2CBus.withScript([]) { bus in
            let sensor = BMP280(bus: bus, address: address, settings: BMP280Settings(temperatureOversampling: .skip),
                                clock: SimulatedClock())
            let error = await #expect(throws: HALError.self) { try await sensor.start() }
            #expect(error?.kind == .invalidArgument)
        }
    }

    @Test("SPI (5.3): reads send reg | 0x80, writes reg & 0x7F, one frame each")
    func spiSequence() async throws {
        let sample = try await ScriptedSPIDevice.withScript([
            .writeRead([0xD0], reply: [0x58]),
            .writeRead([0xF3], reply: [0x00]),
            .writeRead([0x88], reply: exampleBank),
            .write([0x75, 0x00]),                         // config 0xF5 & 0x7F
            .write([0x74, 0x25]),                         // ctrl_meas 0xF4 & 0x7F
            .writeRead([0xF3], reply: [0x00]),
            .writeRead([0xF7], reply: exampleDataBlock),
        ]) { device in
            try await BMP280(spi: device, clock: SimulatedClock()).measure()
        }
        #expect(sample.temperatureCelsius == 25.08)
        #expect(sample.pressurePascal == 25_767_233.0 / 256)
    }
}

@Suite("BMP280 driver over the simulated chip")
struct BMP280SimulatedTests {
    /// T in 0.01 °C steps; P within the model's ±0.1 Pa reach plus the double/integer formula
    /// difference (see BME280EndToEndTests).
    static let temperatureBound = 0.01
    static let pressureBound = 0.5

    @Test("I2C and SPI: the environment reads back within quantization, and follows changes")
    func endToEnd() async throws {
        let bus = SimulatedI2CBus()
        let chip = SimulatedBMP280()
        bus.attach(chip, at: address)
        let spiChip = SimulatedBMP280()
        for sensor in [BMP280(bus: bus, address: address, clock: SimulatedClock()),
                       BMP280(spi: SimulatedSPIDevice(model: spiChip), clock: SimulatedClock())] {
            let sample = try await sensor.measure()
            #expect(abs(sample.temperatureCelsius - 21.5) <= Self.temperatureBound)
            #expect(abs((sample.pressurePascal ?? 0) - 101_325) <= Self.pressureBound)
        }
        chip.environment = .init(temperatureCelsius: -12.25, pressurePascal: 87_000)
        let cold = try await BMP280(bus: bus, address: address, clock: SimulatedClock()).measure()
        #expect(abs(cold.temperatureCelsius - -12.25) <= Self.temperatureBound)
        #expect(abs((cold.pressurePascal ?? 0) - 87_000) <= Self.pressureBound)
    }

    @Test("the fewest transactions: 4 to start, 3 per sample (trigger, status, burst)")
    func transactionCount() async throws {
        let bus = SimulatedI2CBus()
        let chip = SimulatedBMP280()
        chip.core.statusReadsWhileMeasuring = 0   // done by the first poll, as after the typical time
        bus.attach(chip, at: address)
        let sensor = BMP280(bus: bus, address: address, clock: SimulatedClock())
        try await sensor.start()
        #expect(bus.transactionCount == 4)
        bus.resetCounters()
        _ = try await sensor.measure()
        #expect(bus.transactionCount == 3)
        #expect(bus.log.map(\.operations) == [
            [.write([0xF4, 0x25])],
            [.write([0xF3]), .read(count: 1)],
            [.write([0xF7]), .read(count: 6)],
        ])
    }

    @Test("the first status poll comes after the typical 5.5 ms, on the board clock")
    func waitsTypicalTime() async throws {
        let clock = SimulatedClock()
        let base = SimulatedI2CBus(clock: clock)
        base.attach(SimulatedBMP280(), at: address)
        let bus = TimestampingI2CBus(base, clock: clock)
        let sensor = BMP280(bus: bus, address: address, clock: clock)
        try await sensor.start()
        _ = try await sensor.measure()
        let times = bus.times
        // times[4] is the trigger, times[5] the first poll.
        #expect(times[5] - times[4] >= .microseconds(5500))
    }

    @Test("measuring never clears -> .timeout after 6.425 ms + 25 % + 2 ms, in virtual time")
    func timeout() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedBMP280()
        chip.core.neverFinishes = true
        bus.attach(chip, at: address)
        let sensor = BMP280(bus: bus, address: address, clock: clock)
        try await sensor.start()
        let started = clock.now
        let error = await #expect(throws: HALError.self) { try await sensor.measure() }
        #expect(error?.kind == .timeout)
        let waited = started.duration(to: clock.now)
        #expect(waited >= .microseconds(10_031))
        #expect(waited <= .microseconds(12_031))
    }

    @Test("the models name each other: BME280 driver on a BMP280, BMP280 driver on a BME280")
    func crossedModels() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedBMP280(), at: address)
        let bmp = I2CAddress(0x77)!
        bus.attach(SimulatedBME280(), at: bmp)
        let onBMP = await #expect(throws: HALError.self) {
            try await BME280(bus: bus, address: address, clock: SimulatedClock()).start()
        }
        #expect(onBMP?.detail?.hasSuffix("found BMP280 (id 0x58)") == true)
        let onBME = await #expect(throws: HALError.self) {
            try await BMP280(bus: bus, address: bmp, clock: SimulatedClock()).start()
        }
        #expect(onBME?.detail?.hasSuffix("found BME280 (id 0x60)") == true)
    }

    @Test("fault sweep: any one failed transaction of start + measure is a typed error, never a reading")
    func faultSweep() async throws {
        func chip() -> SimulatedBMP280 {
            let chip = SimulatedBMP280()
            chip.core.statusReadsWhileMeasuring = 0
            return chip
        }
        let clean = SimulatedI2CBus()
        clean.attach(chip(), at: address)
        _ = try await BMP280(bus: clean, address: address, clock: SimulatedClock()).measure()
        #expect(clean.transactionCount == 7)
        for index in 0..<7 {
            for kind in HALError.Kind.allCases {
                let bus = SimulatedI2CBus()
                bus.attach(chip(), at: address)
                let sensor = BMP280(bus: FailOneTransactionBus(bus, failing: index, with: kind), address: address,
                                    clock: SimulatedClock())
                do {
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

@Suite("BMP280 as a sensor kind")
struct BMP280KindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    @Test("registered as bmp280 on I2C (0x76) and SPI with temperature (Cel) and pressure (Pa)")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "bmp280"))
        #expect(kind.buses == [.i2c, .spi])
        #expect(kind.defaultI2CAddress == I2CAddress(0x76))
        #expect(kind.optionKeys == ["oversampling"])
        #expect(kind.quantities.map(\.quantity) == ["temperature", "pressure"])
        #expect(kind.quantities.map(\.unit.rawValue) == ["Cel", "Pa"])
    }

    @Test("readings carry SenML units; validation keeps table 1's -40...85 °C, 300...1100 hPa")
    func readingsAndRanges() {
        let readings = BMP280Sample(temperatureCelsius: 21.5, pressurePascal: 101_325).readings(sensorID: "air", at: stamp)
        #expect(readings.map(\.unit.rawValue) == ["Cel", "Pa"])
        #expect(readings.map(\.numberOrNaN) == [21.5, 101_325])
        #expect(BMP280Sample(temperatureCelsius: 20, pressurePascal: nil).readings(sensorID: "air", at: stamp).count == 1)
        var pipeline = BMP280Kind().pipeline(for: .init(id: "air", kind: "bmp280", bus: .none))
        func reading(_ quantity: String, _ value: Double, _ unit: SenMLUnit) -> Reading {
            Reading(sensorID: "air", quantity: quantity, value: value, unit: unit, timestamp: stamp)
        }
        let input = [reading("temperature", 85, .celsius), reading("temperature", 85.5, .celsius),
                     reading("pressure", 29_999, .pascal), reading("pressure", 30_000, .pascal)]
        let result = pipeline.process(input)
        #expect(result.passed == [input[0], input[3]])
        #expect(result.dropped.map(\.reason) == ["out_of_range", "out_of_range"])
    }

    @Test("the simulated board hosts it on I2C and SPI and it follows the weather")
    func simulatedBoard() async throws {
        let spi = SPIConfiguration()
        let configurations = [
            GatewayConfiguration.SensorConfiguration(id: "a", kind: "bmp280", bus: .i2c(bus: 1, address: address),
                                                     options: BMP280Kind.Options()),
            GatewayConfiguration.SensorConfiguration(id: "b", kind: "bmp280", bus: .spi(device: "/dev/spidev0.0", configuration: spi),
                                                     options: BMP280Kind.Options(temperature: 2, pressure: 16)),
        ]
        let board = SimulatedBoard(sensors: configurations, registry: .builtIn)
        #expect(try await board.i2cBus(1).scan() == [address])
        for configuration in configurations {
            let sensor = BMP280Kind().makeSensor(configuration, board: board)
            try await sensor.prepare()
            let readings = try await sensor.measure(at: stamp)
            #expect(readings.map(\.unit.rawValue) == ["Cel", "Pa"])
            // The simulated weather: 21.5 ± 2 °C, 101325 ± 150 Pa.
            #expect(readings[0].numberOrNaN >= 19.4 && readings[0].numberOrNaN <= 23.6)
            #expect(readings[1].numberOrNaN >= 101_174 && readings[1].numberOrNaN <= 101_476)
        }
    }
}

@Suite("BMP280 configuration")
struct BMP280ConfigurationTests {
    static func yaml(_ extra: String...) -> String {
        ([
            "gateway:",
            "  id: gw",
            "board: simulated",
            "sensors:",
            "  - id: air",
            "    type: bmp280",
            "    i2c: { bus: 1, address: 0x76 }",
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

    @Test("oversampling decodes; without it both are x1")
    func decodes() throws {
        let tuned = try Self.parse(Self.yaml("    oversampling: { temperature: 2, pressure: 16 }"))
        #expect(tuned.sensors[0].options.isEqual(to: BMP280Kind.Options(temperature: 2, pressure: 16)))
        let settings = try #require(tuned.sensors[0].options as? BMP280Kind.Options).settings
        #expect(settings.ctrlMeasForcedValue == 0b010_101_01)
        let plain = try Self.parse(Self.yaml())
        #expect(plain.sensors[0].options.isEqual(to: BMP280Kind.Options()))
    }

    @Test("humidity is an unknown quantity for a BMP280, named with file, line and key")
    func noHumidity() {
        let message = Self.error(Self.yaml("    oversampling: { humidity: 2 }"))
        #expect(message?.hasPrefix("sensorgw.yaml:8:21: sensors[0].oversampling.humidity: unknown key") == true,
                "\(message ?? "parsed")")
    }

    @Test("a count the chip does not offer names file, line and key")
    func badCount() {
        #expect(Self.error(Self.yaml("    oversampling: { pressure: 3 }"))
                == "sensorgw.yaml:8:31: sensors[0].oversampling.pressure: oversampling must be one of 0, 1, 2, 4, 8, 16")
    }
}
