import HAL
import HALSimulation
import Testing
@testable import Drivers

// Register numbers and values restated from BST-BME280-DS002 section 5 so a wrong driver
// constant cannot pass its own test.
private let chipIDRegister: UInt8 = 0xD0
private let statusRegister: UInt8 = 0xF3
private let ctrlHumRegister: UInt8 = 0xF2
private let ctrlMeasRegister: UInt8 = 0xF4
private let configRegister: UInt8 = 0xF5
private let calib00: UInt8 = 0x88
private let calib26: UInt8 = 0xE1
private let dataRegister: UInt8 = 0xF7
/// adc_P 415148 (0x655AC), adc_T 519888 (0x7EED0), adc_H 30000 (0x7530), packed as 0xF7...0xFE.
private let exampleDataBlock: [UInt8] = [0x65, 0x5A, 0xC0, 0x7E, 0xED, 0x00, 0x75, 0x30]

private let address = I2CAddress(0x76)!

/// The start() sequence of a healthy chip at 0x76 with default settings.
private func startScript() -> [ScriptedI2CBus.Expectation] {
    [
        .readRegisters(address, chipIDRegister, reply: [0x60]),
        .readRegisters(address, statusRegister, reply: [0x00]),        // im_update clear
        .readRegisters(address, calib00, reply: datasheetBank1),          // 26 bytes 0x88...0xA1
        .readRegisters(address, calib26, reply: datasheetBank2),          // 7 bytes 0xE1...0xE7
        .write(address, [configRegister, 0x00]),                          // filter off
    ]
}

/// The trigger of one forced measurement at x1/x1/x1: ctrl_hum then ctrl_meas as two
/// register/value pairs in ONE write (datasheet 6.2.1). osrs_h x1 = 0b001 (only latched by the
/// ctrl_meas write, 5.4.3, hence first); ctrl_meas = osrs_t x1 (001 << 5) | osrs_p x1 (001 << 2)
/// | forced mode 01 = 0x25.
private let forcedTrigger: ScriptedI2CBus.Expectation = .write(address, [ctrlHumRegister, 0x01, ctrlMeasRegister, 0x25])

// Every scripted bus made in these tests must be finished, or the test fails (ScriptsMustFinish).
@Suite("BME280 driver bus traffic", .scriptsMustFinish)
struct BME280DriverTests {
    @Test("I2C: exact transaction sequence of start() and one forced measurement")
    func i2cSequence() async throws {
        let sample = try await ScriptedI2CBus.withScript(startScript() + [
            forcedTrigger,
            .readRegisters(address, statusRegister, reply: [0x08]),     // measuring
            .readRegisters(address, statusRegister, reply: [0x00]),     // done
            .readRegisters(address, dataRegister, reply: exampleDataBlock), // one 8-byte burst
        ]) { bus in
            let sensor = BME280(bus: bus, address: address, clock: SimulatedClock())
            try await sensor.start()
            return try await sensor.measure()
        }
        #expect(sample.temperatureCelsius == 25.08)
        #expect(sample.pressurePascal == 25_767_233.0 / 256)   // 100653.25 Pa, see compensation tests
        #expect(sample.humidityPercent == 56_317.0 / 1024)     // 54.997 %RH
    }

    @Test("calibration is read once: a later measure() is 3 transactions, trigger, poll, burst")
    func calibrationReadOnce() async throws {
        let measurement: [ScriptedI2CBus.Expectation] = [
            forcedTrigger,
            .readRegisters(address, statusRegister, reply: [0x00]),
            .readRegisters(address, dataRegister, reply: exampleDataBlock),
        ]
        try await ScriptedI2CBus.withScript(startScript() + measurement + measurement) { bus in
            let sensor = BME280(bus: bus, address: address, clock: SimulatedClock())
            _ = try await sensor.measure()   // implicit start()
            _ = try await sensor.measure()
        }
    }

    @Test("an SMBus adapter that cannot send the pair write gets the two writes one by one")
    func pairWriteFallback() async throws {
        // An SMBus-only adapter without I2C-block writes refuses [f2 01 f4 25] before the wire;
        // ctrl_hum must still go first.
        try await ScriptedI2CBus.withScript(startScript() + [
            .fail(address, [.write([ctrlHumRegister, 0x01, ctrlMeasRegister, 0x25])], .unsupported),
            .write(address, [ctrlHumRegister, 0x01]),
            .write(address, [ctrlMeasRegister, 0x25]),
            .readRegisters(address, statusRegister, reply: [0x00]),
            .readRegisters(address, dataRegister, reply: exampleDataBlock),
        ]) { bus in
            let sample = try await BME280(bus: bus, address: address, clock: SimulatedClock()).measure()
            #expect(sample.temperatureCelsius == 25.08)
        }
    }

    @Test("other bus errors of the pair write are not retried")
    func pairWriteErrorPassesThrough() async throws {
        try await ScriptedI2CBus.withScript(startScript() + [
            .fail(address, [.write([ctrlHumRegister, 0x01, ctrlMeasRegister, 0x25])], .dataNACK),
        ]) { bus in
            let sensor = BME280(bus: bus, address: address, clock: SimulatedClock())
            let error = await #expect(throws: HALError.self) { try await sensor.measure() }
            #expect(error?.kind == .dataNACK)
        }
    }

    @Test("settings reach the registers: osrs x16/x2/x4, filter 16")
    func settingsBits() async throws {
        try await ScriptedI2CBus.withScript([
            .readRegisters(address, chipIDRegister, reply: [0x60]),
            .readRegisters(address, statusRegister, reply: [0x00]),
            .readRegisters(address, calib00, reply: datasheetBank1),
            .readRegisters(address, calib26, reply: datasheetBank2),
            .write(address, [configRegister, 0b000_100_0_0]),   // filter 16 = 100 in bits 4:2
            // osrs_h x4, then osrs_t x16, osrs_p x2, forced: one pair write.
            .write(address, [ctrlHumRegister, 0b011, ctrlMeasRegister, 0b101_010_01]),
            .readRegisters(address, statusRegister, reply: [0x00]),
            .readRegisters(address, dataRegister, reply: exampleDataBlock),
        ]) { bus in
            let settings = BME280Settings(temperatureOversampling: .x16, pressureOversampling: .x2,
                                          humidityOversampling: .x4, filter: .x16)
            let sensor = BME280(bus: bus, address: address, settings: settings, clock: SimulatedClock())
            _ = try await sensor.measure()
        }
    }

    @Test("wrong chip id -> .badData naming expected 0x60 and the id read")
    func wrongChipID() async throws {
        // 0x58 is a BMP280, the classic mix-up.
        let bus = ScriptedI2CBus([.readRegisters(address, chipIDRegister, reply: [0x58])])
        let sensor = BME280(bus: bus, address: address, clock: SimulatedClock())
        let error = await #expect(throws: HALError.self) { try await sensor.start() }
        #expect(error?.kind == .badData)
        #expect(error?.detail?.contains("0x60") == true)
        #expect(error?.detail?.contains("0x58") == true)
        #expect(bus.finish().isEmpty)
    }

    @Test("measuring bit never clears -> .timeout after the datasheet deadline, in virtual time")
    func measurementTimeout() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedBME280()
        chip.neverFinishes = true
        bus.attach(chip, at: address)
        let sensor = BME280(bus: bus, address: address, clock: clock)
        try await sensor.start()
        let started = clock.now
        let error = await #expect(throws: HALError.self) { try await sensor.measure() }
        #expect(error?.kind == .timeout)
        // x1/x1/x1: max 9.3 ms (Appendix B) + 25 % + 2 ms = 13.625 ms; the driver gives up at
        // the first poll after that, 1 ms polls.
        let waited = started.duration(to: clock.now)
        #expect(waited >= .microseconds(13_625))
        #expect(waited <= .microseconds(15_625))
        #expect(chip.statusReadCount > 3)
    }

    @Test("a short read of the data block is .badData, not a shifted sample")
    func shortRead() async throws {
        let bus = ScriptedI2CBus(startScript() + [
            forcedTrigger,
            .readRegisters(address, statusRegister, reply: [0x00]),
            ScriptedI2CBus.Expectation(address: address, operations: [.write([dataRegister]), .read(count: 8)],
                                       outcome: .reply([[0x65, 0x5A, 0xC0]])),
        ])
        let sensor = BME280(bus: bus, address: address, clock: SimulatedClock())
        let error = await #expect(throws: HALError.self) { try await sensor.measure() }
        #expect(error?.kind == .badData)
        // The short reply is deliberate, so the script reports exactly that and nothing else:
        // every expectation was used.
        #expect(bus.finish() == ["script for 0x76 [w(f7) r(8)] replies [3] bytes, reads ask [8]"])
    }

    @Test("bus errors pass through with their kind")
    func busErrorPassesThrough() async throws {
        try await ScriptedI2CBus.withScript([
            .fail(address, [.write([chipIDRegister]), .read(count: 1)], .addressNACK),
        ]) { bus in
            let sensor = BME280(bus: bus, address: address, clock: SimulatedClock())
            let error = await #expect(throws: HALError.self) { try await sensor.start() }
            #expect(error?.kind == .addressNACK)
        }
    }

    @Test("temperature oversampling skip is refused before touching the bus")
    func temperatureSkipRefused() async throws {
        let bus = ScriptedI2CBus()
        let sensor = BME280(bus: bus, address: address,
                            settings: BME280Settings(temperatureOversampling: .skip), clock: SimulatedClock())
        let error = await #expect(throws: HALError.self) { try await sensor.start() }
        #expect(error?.kind == .invalidArgument)
        #expect(bus.performed.isEmpty)
        #expect(bus.finish().isEmpty)
    }

    @Test("SPI: reads send reg | 0x80, writes send reg & 0x7F, one frame each")
    func spiAddressing() async throws {
        let sample = try await ScriptedSPIDevice.withScript([
            .writeRead([0xD0], reply: [0x60]),            // 0xD0 | 0x80 = 0xD0
            .writeRead([0xF3], reply: [0x00]),
            .writeRead([0x88], reply: datasheetBank1),
            .writeRead([0xE1], reply: datasheetBank2),
            .write([0x75, 0x00]),                         // config 0xF5 & 0x7F = 0x75
            // One CSB-low frame of two (control, data) pairs (datasheet 6.3.1):
            // ctrl_hum 0xF2 & 0x7F = 0x72, then ctrl_meas 0xF4 & 0x7F = 0x74.
            .write([0x72, 0x01, 0x74, 0x25]),
            .writeRead([0xF3], reply: [0x00]),
            .writeRead([0xF7], reply: exampleDataBlock),
        ]) { device in
            try await BME280(spi: device, clock: SimulatedClock()).measure()
        }
        #expect(sample.temperatureCelsius == 25.08)
    }
}

@Suite("BME280 driver end to end over simulated buses")
struct BME280EndToEndTests {
    /// Bounds: T is reported in 0.01 °C steps (±0.005) and one adc_T LSB is 0.0003 °C;
    /// P is 1/256 Pa steps and one adc_P LSB is ~0.19 Pa here, so the model can only hit a
    /// target within ±0.1 Pa; H is 1/1024 %RH steps and one adc_H LSB is ~0.0056 %RH. On top,
    /// the model uses the datasheet's double formulas and the driver the integer ones, which
    /// differ by a few hundredths (0.012 Pa and 0.004 %RH at the datasheet example).
    static let temperatureBound = 0.01
    static let pressureBound = 0.5
    static let humidityBound = 0.02

    @Test("I2C: 21.5 °C / 101325 Pa / 45 %RH read back within quantization")
    func i2cEndToEnd() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedBME280()
        chip.environment = .init(temperatureCelsius: 21.5, pressurePascal: 101_325, humidityPercent: 45)
        bus.attach(chip, at: address)
        let sensor = BME280(bus: bus, address: address, clock: clock)
        try await sensor.start()
        let sample = try await sensor.measure()
        #expect(abs(sample.temperatureCelsius - 21.5) <= Self.temperatureBound)
        #expect(abs((sample.pressurePascal ?? 0) - 101_325) <= Self.pressureBound)
        #expect(abs((sample.humidityPercent ?? 0) - 45) <= Self.humidityBound)
        #expect(chip.measurementCount == 1)

        // The environment changes; the next measurement follows.
        chip.environment = .init(temperatureCelsius: -12.25, pressurePascal: 87_000, humidityPercent: 90)
        let cold = try await sensor.measure()
        #expect(abs(cold.temperatureCelsius - -12.25) <= Self.temperatureBound)
        #expect(abs((cold.pressurePascal ?? 0) - 87_000) <= Self.pressureBound)
        #expect(abs((cold.humidityPercent ?? 0) - 90) <= Self.humidityBound)
    }

    @Test("I2C: a later sample is exactly 3 transactions on the bus (trigger, status poll, burst)")
    func i2cTransactionsPerSample() async throws {
        let bus = SimulatedI2CBus()
        let chip = SimulatedBME280()
        // Done by the first poll, as a real chip is after the typical time the driver waits.
        chip.statusReadsWhileMeasuring = 0
        bus.attach(chip, at: address)
        let sensor = BME280(bus: bus, address: address, clock: SimulatedClock())
        _ = try await sensor.measure()   // start() and the first sample
        bus.resetCounters()
        let sample = try await sensor.measure()
        #expect(bus.transactionCount == 3)
        #expect(bus.log.map(\.operations) == [
            [.write([0xF2, 0x01, 0xF4, 0x25])],          // ctrl_hum x1, ctrl_meas x1/x1/forced
            [.write([0xF3]), .read(count: 1)],           // status
            [.write([0xF7]), .read(count: 8)],           // 0xF7...0xFE
        ])
        #expect(bus.log[1].replies == [[0x00]])         // measuring clear at the first poll
        #expect(chip.measurementCount == 2)
        // Humidity was measured, so ctrl_hum landed before the ctrl_meas write latched it.
        #expect(chip.withRegisters { $0[0xF2] } == 0x01)
        #expect(abs((sample.humidityPercent ?? 0) - 45) <= Self.humidityBound)
    }

    @Test("SPI: a later sample is exactly 3 transactions (one frame each)")
    func spiTransactionsPerSample() async throws {
        let chip = SimulatedBME280()
        chip.statusReadsWhileMeasuring = 0
        let device = SimulatedSPIDevice(model: chip)
        let sensor = BME280(spi: device, clock: SimulatedClock())
        _ = try await sensor.measure()
        device.resetCounters()
        let sample = try await sensor.measure()
        #expect(device.transactionCount == 3)
        #expect(device.log == [
            [.write([0x72, 0x01, 0x74, 0x25])],          // bit 7 cleared: write pairs
            [.write([0xF3]), .read(count: 1)],           // bit 7 set: read
            [.write([0xF7]), .read(count: 8)],
        ])
        #expect(abs(sample.temperatureCelsius - 21.5) <= Self.temperatureBound)
        #expect(abs((sample.humidityPercent ?? 0) - 45) <= Self.humidityBound)
    }

    @Test("SPI: the same model behind SimulatedSPIDevice")
    func spiEndToEnd() async throws {
        let chip = SimulatedBME280()
        let sensor = BME280(spi: SimulatedSPIDevice(model: chip), clock: SimulatedClock())
        let sample = try await sensor.measure()
        #expect(abs(sample.temperatureCelsius - 21.5) <= Self.temperatureBound)
        #expect(abs((sample.pressurePascal ?? 0) - 101_325) <= Self.pressureBound)
        #expect(abs((sample.humidityPercent ?? 0) - 45) <= Self.humidityBound)
    }

    @Test("skipped humidity and pressure come back as nil")
    func skipped() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedBME280(), at: address)
        let sensor = BME280(bus: bus, address: address,
                            settings: BME280Settings(pressureOversampling: .skip, humidityOversampling: .skip),
                            clock: SimulatedClock())
        let sample = try await sensor.measure()
        #expect(abs(sample.temperatureCelsius - 21.5) <= Self.temperatureBound)
        #expect(sample.pressurePascal == nil)
        #expect(sample.humidityPercent == nil)
    }

    @Test("the model's calibration image parses to the datasheet coefficients")
    func modelImageParses() throws {
        let chip = SimulatedBME280()
        let (bank1, bank2) = chip.withRegisters { ($0.peek(0x88, count: 26), $0.peek(0xE1, count: 7)) }
        #expect(bank1 == datasheetBank1)
        #expect(bank2 == datasheetBank2)
        #expect(try BME280Calibration(bank1: bank1, bank2: bank2) == datasheetExample)
    }

    @Test("a failing bus recovers: fail next 2, then measure")
    func recovery() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedBME280(), at: address)
        let sensor = BME280(bus: bus, address: address, clock: SimulatedClock())
        bus.failNext(2, with: .arbitrationLoss)
        for _ in 0..<2 {
            let error = await #expect(throws: HALError.self) { try await sensor.start() }
            #expect(error?.kind == .arbitrationLoss)
        }
        let sample = try await sensor.measure()
        #expect(abs(sample.temperatureCelsius - 21.5) <= Self.temperatureBound)
    }
}

@Suite("BME280 driver against a replayed capture")
struct BME280FixtureReplayTests {
    /// A capture in the fixture format, with coefficients of the kind real chips carry:
    /// T1 28485, T2 26735, T3 50; P1 37098, P2 -10700, P3 3024, P4 7141, P5 -124, P6 -7,
    /// P7 9900, P8 -10230, P9 4285; H1 75, H2 357, H3 0, H4 340, H5 0, H6 30.
    static let capture = """
    # BME280 @0x76, calibration banks only
    0x88: 45 6f 6f 68 32 00 ea 90 34 d6 d0 0b e5 1b 84 ff
    0x98: f9 ff ac 26 0a d8 bd 10 00 4b
    0xe1: 65 01 00 15 04 00 1e
    """

    @Test("calibration from a capture parses to the stated coefficients, and reads back the environment")
    func replay() async throws {
        let chip = try SimulatedBME280(fixture: Self.capture)
        chip.environment = .init(temperatureCelsius: 4.0, pressurePascal: 95_000, humidityPercent: 80)
        let bus = SimulatedI2CBus()
        bus.attach(chip, at: address)
        let sensor = BME280(bus: bus, address: address, clock: SimulatedClock())
        let sample = try await sensor.measure()
        let calibration = await sensor.calibration
        #expect(calibration?.digT1 == 28485)
        #expect(calibration?.digP5 == -124)
        #expect(calibration?.digH4 == 340)
        #expect(calibration?.digH5 == 0)
        #expect(abs(sample.temperatureCelsius - 4.0) <= BME280EndToEndTests.temperatureBound)
        #expect(abs((sample.pressurePascal ?? 0) - 95_000) <= BME280EndToEndTests.pressureBound)
        #expect(abs((sample.humidityPercent ?? 0) - 80) <= BME280EndToEndTests.humidityBound)
    }
}
