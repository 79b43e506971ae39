import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Registers and formulas restated from the Bosch BME680 datasheet (BST-BME680-DS001) so a wrong
// driver constant cannot pass its own test.
private let address = I2CAddress(0x76)!          // SDO to GND (6.2)

/// The datasheet's floating-point compensation (section 3.3 and 3.4), written in the test from
/// the datasheet: the driver uses the BME68x API's fixed-point code, so agreement within the
/// fixed point's resolution checks both the arithmetic and the calibration layout.
private struct DatasheetFloat {
    let c: BME680Calibration

    func temperature(_ adcT: Int32) -> (fine: Double, celsius: Double) {
        let adc = Double(adcT), t1 = Double(c.parT1)
        let var1 = (adc / 16384.0 - t1 / 1024.0) * Double(c.parT2)
        let var2 = ((adc / 131072.0 - t1 / 8192.0) * (adc / 131072.0 - t1 / 8192.0)) * (Double(c.parT3) * 16.0)
        return (var1 + var2, (var1 + var2) / 5120.0)
    }

    func pressure(_ adcP: Int32, fine: Double) -> Double {
        var var1 = fine / 2.0 - 64000.0
        var var2 = var1 * var1 * (Double(c.parP6) / 131072.0)
        var2 = var2 + var1 * Double(c.parP5) * 2.0
        var2 = var2 / 4.0 + Double(c.parP4) * 65536.0
        var1 = ((Double(c.parP3) * var1 * var1) / 16384.0 + Double(c.parP2) * var1) / 524288.0
        var1 = (1.0 + var1 / 32768.0) * Double(c.parP1)
        var p = 1048576.0 - Double(adcP)
        p = ((p - var2 / 4096.0) * 6250.0) / var1
        let v1 = Double(c.parP9) * p * p / 2147483648.0
        let v2 = p * (Double(c.parP8) / 32768.0)
        let v3 = (p / 256.0) * (p / 256.0) * (p / 256.0) * (Double(c.parP10) / 131072.0)
        return p + (v1 + v2 + v3 + Double(c.parP7) * 128.0) / 16.0
    }

    func humidity(_ adcH: Int32, fine: Double) -> Double {
        let t = fine / 5120.0
        let var1 = Double(adcH) - (Double(c.parH1) * 16.0 + (Double(c.parH3) / 2.0) * t)
        let var2 = var1 * ((Double(c.parH2) / 262144.0) * (1.0 + (Double(c.parH4) / 16384.0) * t
            + (Double(c.parH5) / 1048576.0) * t * t))
        let var3 = Double(c.parH6) / 16384.0, var4 = Double(c.parH7) / 2097152.0
        return min(max(var2 + (var3 + var4 * t) * var2 * var2, 0), 100)
    }

    /// 3.4.1 with table 16's const_array1 and const_array2 (the BME680's).
    func gas(_ adc: Int, range: Int) -> Double {
        let array1: [Double] = [1, 1, 1, 1, 1, 0.99, 1, 0.992, 1, 1, 0.998, 0.995, 1, 0.99, 1, 1]
        let array2: [Double] = [8000000, 4000000, 2000000, 1000000, 499500.4995, 248262.1648, 125000, 63004.03226,
                                31281.28128, 15625, 7812.5, 3906.25, 1953.125, 976.5625, 488.28125, 244.140625]
        let var1 = (1340.0 + 5.0 * Double(c.rangeSwitchingError)) * array1[range]
        return var1 * array2[range] / (Double(adc) - 512.0 + var1)
    }

    /// 3.3.5: res_heat_x from the target and ambient temperatures.
    func heater(target: Double, ambient: Double) -> Double {
        let var1 = Double(c.parG1) / 16.0 + 49.0
        let var2 = (Double(c.parG2) / 32768.0) * 0.0005 + 0.00235
        let var3 = Double(c.parG3) / 1024.0
        let var4 = var1 * (1.0 + var2 * target)
        let var5 = var4 + var3 * ambient
        return 3.4 * (var5 * (4.0 / (4.0 + Double(c.resHeatRange))) * (1.0 / (1.0 + Double(c.resHeatVal) * 0.002)) - 25)
    }
}

/// A stated calibration (a typical chip's trimming).
private let calibration = SimulatedBME680.typicalCalibration

@Suite("BME680 datasheet arithmetic")
struct BME680DatasheetTests {
    @Test("register map (5.2, table 20): id 0xD0 = 0x61, field data at 0x1D, controls 0x5A/0x64/0x70...0x75")
    func registers() {
        #expect(BME680Register.chipID == 0xD0 && BME680Register.expectedChipID == 0x61)
        #expect(BME680Register.fieldData == 0x1D && BME680Register.fieldDataLength == 0x2B - 0x1D + 1)
        #expect(BME680Register.resHeat0 == 0x5A && BME680Register.gasWait0 == 0x64)
        #expect([BME680Register.ctrlGas0, BME680Register.ctrlGas1, BME680Register.ctrlHum, BME680Register.ctrlMeas,
                 BME680Register.config] == [0x70, 0x71, 0x72, 0x74, 0x75])
        #expect(BME680Register.calibrationBank1 == 0x89 && BME680Register.calibrationBank1Length == 0xA1 - 0x89 + 1)
        #expect(BME680Register.calibrationBank2 == 0xE1 && BME680Register.calibrationBank2Length == 0xF0 - 0xE1 + 1)
    }

    @Test("calibration layout (table 11/14): little-endian words, par_h1/par_h2 sharing 0xE2, heater bits")
    func calibrationLayout() throws {
        var r = [UInt8](repeating: 0x11, count: 256)
        r[0xE9] = 0x4B; r[0xEA] = 0x66          // par_t1 = 0x664B = 26187
        r[0x8A] = 0x41; r[0x8B] = 0x67          // par_t2 = 0x6741 = 26433
        r[0x8C] = 0x03                          // par_t3
        r[0x8E] = 0xA1; r[0x8F] = 0x8E          // par_p1 = 0x8EA1 = 36513
        r[0x90] = 0x7A; r[0x91] = 0xD7          // par_p2 = 0xD77A = -10374
        r[0x92] = 0x58                          // par_p3 = 88
        r[0x94] = 0x4B; r[0x95] = 0x1C          // par_p4 = 7243
        r[0x96] = 0xA4; r[0x97] = 0xFF          // par_p5 = -92
        r[0x99] = 0x1E                          // par_p6 = 30
        r[0x98] = 0x23                          // par_p7 = 35
        r[0x9C] = 0xB3; r[0x9D] = 0xF5          // par_p8 = 0xF5B3 = -2637
        r[0x9E] = 0xBB; r[0x9F] = 0xF6          // par_p9 = 0xF6BB = -2373
        r[0xA0] = 0x1E                          // par_p10 = 30
        r[0xE1] = 0x3F; r[0xE2] = 0x5A; r[0xE3] = 0x2E   // par_h2 = 0x3F5 (0xE1<<4 | 0xE2>>4), par_h1 = 0x2EA
        r[0xE4] = 0x00; r[0xE5] = 0x2D; r[0xE6] = 0x14; r[0xE7] = 0x78; r[0xE8] = 0x9C   // h3..h7, h7 = -100
        r[0xED] = 0xE2                          // par_g1 = -30
        r[0xEB] = 0x7E; r[0xEC] = 0xD2          // par_g2 = 0xD27E = -11650
        r[0xEE] = 0x12                          // par_g3 = 18
        r[0x00] = 0x2A                          // res_heat_val = 42
        r[0x02] = 0x1B                          // res_heat_range = bits 5:4 = 1 (the other bits are not ours)
        r[0x04] = 0xF3                          // range_switching_error = bits 7:4 = 0xF = -1
        let parsed = try BME680Calibration(bank1: Array(r[0x89...0xA1]), bank2: Array(r[0xE1...0xF0]), heater: Array(r[0x00...0x04]))
        #expect(parsed.parH1 == 0x2EA && parsed.parH2 == 0x3F5)
        var expected = calibration
        expected.parH1 = 0x2EA
        expected.parH2 = 0x3F5
        #expect(parsed == expected)
    }

    @Test("a blank or short calibration bank is .badData")
    func blankCalibration() {
        let zeros = [UInt8](repeating: 0, count: 25)
        #expect(throws: HALError.self) {
            try BME680Calibration(bank1: zeros, bank2: [UInt8](repeating: 1, count: 16), heater: [0, 0, 0, 0, 0])
        }
        #expect(throws: HALError.self) {
            try BME680Calibration(bank1: [UInt8](repeating: 1, count: 24), bank2: [UInt8](repeating: 1, count: 16), heater: [0, 0, 0, 0, 0])
        }
    }

    @Test("fixed-point temperature, pressure and humidity agree with the datasheet's floating-point formulas")
    func compensation() {
        let float = DatasheetFloat(c: calibration)
        for adcT: Int32 in [380_000, 450_000, 500_000, 520_000, 560_000] {
            let (fine, centi) = calibration.temperature(adcT: adcT)
            let reference = float.temperature(adcT)
            #expect(abs(Double(centi) / 100 - reference.celsius) < 0.015, "adcT \(adcT)")
            for adcP: Int32 in [250_000, 300_000, 350_000, 420_000] {
                let pascal = Double(calibration.pressurePascal(adcP: adcP, fine: fine) ?? 0)
                // The fixed point's truncations (var1 >> 18 among them) cost a few Pa (up to ~6 over this grid), far below the
                // chip's ±60 Pa absolute accuracy.
                #expect(abs(pascal - float.pressure(adcP, fine: reference.fine)) < 8.0, "adcT \(adcT) adcP \(adcP)")
            }
            for adcH: Int32 in [15_000, 20_000, 25_000, 30_000] {
                let percent = Double(calibration.humidityMilliPercent(adcH: adcH, fine: fine)) / 1000
                #expect(abs(percent - float.humidity(adcH, fine: reference.fine)) < 0.05, "adcT \(adcT) adcH \(adcH)")
            }
        }
    }

    @Test("gas resistance from ADC and range agrees with const_array1/2 (table 16) within 0.5 %")
    func gasResistance() throws {
        let float = DatasheetFloat(c: calibration)
        for range in 0..<16 {
            for adc in [100, 400, 600, 900, 1023] {
                let ohms = Double(try #require(calibration.gasResistanceOhms(adc: UInt16(adc), range: UInt8(range))))
                let reference = float.gas(adc, range: range)
                // The fixed-point lookup (const_array1 × (2^31 - 1), const_array2 × 512) and its
                // integer division round differently from the float form.
                #expect(abs(ohms - reference) / reference < 0.005, "range \(range) adc \(adc): \(ohms) vs \(reference)")
            }
        }
    }

    @Test("res_heat_0 is the datasheet's formula truncated; the target is capped at 400 °C")
    func heaterResistance() {
        let float = DatasheetFloat(c: calibration)
        for target in [200, 250, 320, 400] {
            for ambient in [0, 25, 40] {
                let code = Int(calibration.heaterResistanceCode(targetCelsius: target, ambientCelsius: ambient))
                let reference = float.heater(target: Double(target), ambient: Double(ambient))
                #expect(code == Int(reference), "target \(target) ambient \(ambient): \(code) vs \(reference)")
            }
        }
        #expect(calibration.heaterResistanceCode(targetCelsius: 450, ambientCelsius: 25)
                == calibration.heaterResistanceCode(targetCelsius: 400, ambientCelsius: 25))
    }

    @Test("gas_wait (5.3.3.4): 6-bit count × 1/4/16/64; 100 ms is 0x59, 4032 ms and more 0xFF")
    func gasWait() {
        #expect(BME680Heater.gasWaitCode(milliseconds: 100) == 0x59)   // 25 × 4
        #expect(BME680Heater.gasWaitCode(milliseconds: 150) == 0x65)   // 37 × 4 = 148 ms
        #expect(BME680Heater.gasWaitCode(milliseconds: 63) == 0x3F)
        #expect(BME680Heater.gasWaitCode(milliseconds: 64) == 0x50)    // 16 × 4
        #expect(BME680Heater.gasWaitCode(milliseconds: 1) == 0x01)
        #expect(BME680Heater.gasWaitCode(milliseconds: 4032) == 0xFF)
        #expect(BME680Heater.gasWaitMilliseconds(code: 0x65) == 148)
        #expect(BME680Heater.gasWaitMilliseconds(code: 0xFF) == 4032)
    }

    @Test("field data (5.3.5): 20-bit press/temp, 16-bit hum, 10-bit gas with range, valid and stable bits")
    func fieldData() throws {
        var bytes = [UInt8](repeating: 0, count: 15)
        bytes[0] = 0x80
        bytes[2] = 0x5A; bytes[3] = 0xBC; bytes[4] = 0xD0      // press 0x5ABCD
        bytes[5] = 0x7F; bytes[6] = 0x12; bytes[7] = 0x30      // temp 0x7F123
        bytes[8] = 0x66; bytes[9] = 0x77                       // hum 0x6677
        bytes[13] = 0xAB; bytes[14] = 0b1111_0110             // gas 0xAB << 2 | 0b11, valid, stable, range 6
        let raw = try BME680RawSample(fieldData: bytes)
        #expect(raw.hasNewData)
        #expect(raw.adcP == 0x5ABCD && raw.adcT == 0x7F123 && raw.adcH == 0x6677)
        #expect(raw.adcGas == 0x2AF && raw.gasRange == 6 && raw.gasValid && raw.heaterStable)
    }
}

@Suite("BME680 driver over the simulated chip")
struct BME680SimulatedTests {
    static func rig(_ configure: (SimulatedBME680) -> Void = { _ in }, chipID: UInt8 = 0x61)
        -> (SimulatedClock, SimulatedI2CBus, SimulatedBME680) {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedBME680(chipID: chipID, clock: clock)
        configure(chip)
        bus.attach(chip, at: address)
        return (clock, bus, chip)
    }

    @Test("the environment reads back; 5 transactions to start, 2 per sample; heater registers as configured")
    func endToEnd() async throws {
        let (clock, bus, chip) = Self.rig {
            $0.environment = .init(temperatureCelsius: 23.4, pressurePascal: 98_765, humidityPercent: 55.5, gasOhms: 87_000)
        }
        let sensor = BME680(bus: bus, address: address, clock: clock)
        try await sensor.start()
        #expect(bus.transactionCount == 5)   // id, three calibration reads, one write of the settings
        #expect(chip.register(0x72) == 0x01 && chip.register(0x75) == 0x00)
        #expect(chip.register(0x64) == 0x65)                    // 150 ms -> 37 × 4
        #expect(chip.register(0x71) == 0x10 && chip.register(0x70) == 0x00)   // run_gas, profile 0; heater on
        bus.resetCounters()
        let sample = try await sensor.measure()
        #expect(bus.transactionCount == 2)   // trigger pairs, one burst
        // The wire: res_heat_0 (0x5A) and ctrl_meas (0x74 = osrs_t x1, osrs_p x1, forced) as
        // register/value pairs of one write, then the pointer 0x1D and 15 bytes to 0x2B.
        let log = bus.log
        let heaterCode = try #require(chip.heaterCodes.first)
        #expect(log.map(\.operations) == [[.write([0x5A, heaterCode, 0x74, 0x25])], [.write([0x1D]), .read(count: 15)]])
        #expect(chip.register(0x74) == 0b001_001_01)              // x1, x1, forced
        #expect(abs(sample.temperatureCelsius - 23.4) <= 0.011)
        #expect(abs((sample.pressurePascal ?? 0) - 98_765) <= 2)
        #expect(abs((sample.humidityPercent ?? 0) - 55.5) <= 0.06)
        guard case .resistance(let ohms) = sample.gas else {
            Issue.record("no gas: \(sample.gas)")
            return
        }
        #expect(abs(ohms - 87_000) / 87_000 < 0.01)
        // res_heat_0 for 320 °C at the 25 °C assumed before the first measurement.
        let float = DatasheetFloat(c: calibration)
        let firstCode = try #require(chip.heaterCodes.first)
        #expect(Int(firstCode) == Int(float.heater(target: 320, ambient: 25)))
    }

    @Test("the wait is TPH + gas_wait: (3 × 1963 + 9 × 477 + 1000) µs + 148 ms after the trigger")
    func measurementTime() async throws {
        let (clock, bus, _) = Self.rig()
        let timed = TimestampingI2CBus(bus, clock: clock)
        let sensor = BME680(bus: timed, address: address, clock: clock)
        try await sensor.start()
        _ = try await sensor.measure()
        let t = timed.times
        #expect(t[6] - t[5] == .microseconds(3 * 1963 + 9 * 477 + 1000) + .milliseconds(148))
    }

    @Test("an unstable heater: no gas reading that sample, counted; temperature, pressure and humidity still reported")
    func unstableHeater() async throws {
        let (clock, bus, _) = Self.rig { $0.heaterUnstable = true }
        let sensor = BME680(bus: bus, address: address, clock: clock)
        let sample = try await sensor.measure()
        #expect(sample.gas == .heaterUnstable)
        #expect(await sensor.unusableGasSamples == 1)
        let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)
        #expect(sample.readings(sensorID: "air", at: stamp).map(\.quantity) == ["temperature", "pressure", "humidity"])
    }

    @Test("heater off: run_gas 0, heat_off 1, no gas reading, and no heating time waited")
    func heaterOff() async throws {
        let (clock, bus, chip) = Self.rig()
        let sensor = BME680(bus: bus, address: address, settings: BME680Settings(heater: .off), clock: clock)
        try await sensor.start()
        #expect(chip.register(0x71) == 0x00 && chip.register(0x70) == 0x08)
        let before = clock.elapsed
        let sample = try await sensor.measure()
        #expect(clock.elapsed - before == .microseconds(3 * 1963 + 9 * 477 + 1000))
        #expect(sample.gas == .off)
        #expect(chip.heaterCodes.isEmpty)
        #expect(await sensor.unusableGasSamples == 0)
    }

    @Test("a BME280 at the address is named: expected 0x61 (BME680), found BME280 (id 0x60)")
    func wrongChip() async throws {
        let (clock, bus, _) = Self.rig(chipID: 0x60)
        let error = await #expect(throws: HALError.self) { try await BME680(bus: bus, address: address, clock: clock).start() }
        #expect(error?.kind == .badData)
        #expect(error?.detail == "expected chip id 0x61 (BME680), found BME280 (id 0x60)")
    }

    @Test("a chip that never finishes: .timeout at the deadline, in virtual time")
    func neverReady() async throws {
        let (clock, bus, _) = Self.rig { $0.neverReady = true }
        let sensor = BME680(bus: bus, address: address, clock: clock)
        try await sensor.start()
        let before = clock.elapsed
        let error = await #expect(throws: HALError.self) { try await sensor.measure() }
        #expect(error?.kind == .timeout)
        // Wait 159.182 ms; deadline × 1.25 + 5 ms = 203.9775 ms; polled every 1 ms, not faster.
        let waited = clock.elapsed - before
        #expect(waited >= .microseconds(203_977) && waited < .microseconds(205_000))
    }

    @Test("fault sweep: any one failed transaction of start + sample is a typed error, never a reading")
    func faultSweep() async throws {
        let (cleanClock, clean, _) = Self.rig()
        let cleanSensor = BME680(bus: clean, address: address, clock: cleanClock)
        try await cleanSensor.start()
        _ = try await cleanSensor.measure()
        #expect(clean.transactionCount == 7)
        for index in 0..<7 {
            // `.unsupported` is what an SMBus-only adapter says to a multi-pair write before
            // anything is sent; the transport then writes the pairs one by one, by design.
            for kind in HALError.Kind.allCases where kind != .unsupported {
                let (clock, bus, _) = Self.rig()
                let sensor = BME680(bus: FailOneTransactionBus(bus, failing: index, with: kind), address: address, clock: clock)
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

@Suite("BME680 as a sensor kind")
struct BME680KindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    @Test("registered as bme680 on I2C at 0x76 and on SPI, with Cel, Pa, %RH and Ohm")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "bme680"))
        #expect(kind.buses == [.i2c, .spi])
        #expect(kind.defaultI2CAddress == I2CAddress(0x76))
        #expect(kind.optionKeys == ["oversampling", "heater"])
        #expect(kind.quantities.map(\.quantity) == ["temperature", "pressure", "humidity", "gas_resistance"])
        #expect(kind.quantities.map(\.unit.rawValue) == ["Cel", "Pa", "%RH", "Ohm"])
    }

    @Test("the simulated board hosts it and it follows the weather")
    func simulatedBoard() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(id: "air", kind: "bme680", bus: .i2c(bus: 1, address: address))
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn, clock: SimulatedClock())
        let sensor = BME680Kind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        #expect(readings.map(\.unit.rawValue) == ["Cel", "Pa", "%RH", "Ohm"])
        #expect((19.4...23.6).contains(readings[0].numberOrNaN))
        #expect((39.9...50.1).contains(readings[2].numberOrNaN))
    }

    static func yaml(_ extra: String...) -> String {
        (["gateway:", "  id: gw", "board: simulated", "sensors:", "  - id: air", "    type: bme680",
          "    i2c: { bus: 1, address: 0x77 }"] + extra
            + ["storage:", "  path: outbox.sqlite", "mqtt:", "  host: localhost", "  tls: false", ""]).joined(separator: "\n")
    }

    static func parse(_ yaml: String) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: yaml, file: "sensorgw.yaml", baseDirectory: "/tmp", kinds: SensorRegistry.builtIn.catalog)
    }

    static func error(_ yaml: String) -> String? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("heater and oversampling decode; defaults 320 °C / 150 ms and x1")
    func decodes() throws {
        let set = try Self.parse(Self.yaml("    heater: { temperature: 300, duration: 100ms }", "    oversampling: { humidity: 2 }"))
        #expect(set.sensors[0].options.isEqual(to: BME680Kind.Options(humidity: 2, heater: .on(temperature: 300, milliseconds: 100))))
        let off = try Self.parse(Self.yaml("    heater: off"))
        #expect(off.sensors[0].options.isEqual(to: BME680Kind.Options(heater: .off)))
        let plain = try Self.parse(Self.yaml())
        #expect(plain.sensors[0].options.isEqual(to: BME680Kind.Options()))
    }

    @Test("bad heater values name file, line and key")
    func badHeater() {
        #expect(Self.error(Self.yaml("    heater: { temperature: 450 }"))?.hasPrefix("sensorgw.yaml:8:") == true)
        #expect(Self.error(Self.yaml("    heater: { temperature: 450 }"))?.contains("sensors[0].heater.temperature") == true)
        #expect(Self.error(Self.yaml("    heater: { duration: 5s }"))?.contains("sensors[0].heater.duration") == true)
        #expect(Self.error(Self.yaml("    heater: { power: 3 }"))?.contains("sensors[0].heater.power") == true)
        #expect(Self.error(Self.yaml("    heater: on"))?.contains("sensors[0].heater: expected off or {temperature, duration}") == true)
        #expect(Self.error(Self.yaml("    oversampling: { temperature: 0 }"))?.contains("sensors[0].oversampling") == true)
    }
}

@Suite("BME680 over 4-wire SPI (datasheet 6.3: 7-bit addresses, two pages)")
struct BME680SPITests {
    static func rig() -> (SimulatedClock, FailOneSPITransaction, SimulatedBME680SPI) {
        let clock = SimulatedClock()
        let chip = SimulatedBME680(clock: clock)
        chip.environment = .init(temperatureCelsius: 23.4, pressurePascal: 98_765, humidityPercent: 55.5, gasOhms: 87_000)
        let spi = SimulatedBME680SPI(chip, configuration: SPIConfiguration())
        return (clock, FailOneSPITransaction(spi), spi)
    }

    @Test("pages: 0x80...0xFF on page 0 (spi_mem_page 0), 0x00...0x7F on page 1; bit 7 of the address byte is R/W")
    func pageMap() {
        #expect(BME680SPITransport.page(of: 0xD0) == 0 && BME680SPITransport.page(of: 0x89) == 0)
        #expect(BME680SPITransport.page(of: 0x1D) == 1 && BME680SPITransport.page(of: 0x74) == 1)
        #expect(BME680SPITransport.page(of: 0x00) == 1 && BME680SPITransport.page(of: 0x7F) == 1 && BME680SPITransport.page(of: 0x80) == 0)
    }

    @Test("the wire: page 0 for id and calibration, page 1 for the heater calibration and settings; a sample is 2 frames with no page switch")
    func wire() async throws {
        let (clock, device, spi) = Self.rig()
        let sensor = BME680(spi: device, clock: clock)
        try await sensor.start()
        let start = device.log
        // Status 0x73 read (0xF3) and written with bit 4 clear (page 0); chip id 0xD0 is 0x50 on
        // page 0, read as 0x50 | 0x80; calibration 0x89 and 0xE1 likewise keep bit 7.
        #expect(Array(start.prefix(5)) == [[.write([0xF3]), .read(count: 1)], [.write([0x73, 0x00])],
                                          [.write([0xD0]), .read(count: 1)],
                                          [.write([0x89]), .read(count: 25)], [.write([0xE1]), .read(count: 16)]])
        // Page 1 (bit 4 set) for 0x00...0x04, read as 0x80; then the settings as address/value pairs.
        #expect(Array(start[5...7]) == [[.write([0xF3]), .read(count: 1)], [.write([0x73, 0x10])], [.write([0x80]), .read(count: 5)]])
        guard case .write(let settings)? = start[8].first else { Issue.record("no settings frame"); return }
        #expect(stride(from: 0, to: settings.count, by: 2).map { settings[$0] } == [0x72, 0x75, 0x64, 0x71, 0x70])
        #expect(start.count == 9)
        #expect(spi.pageSelections == [0x00, 0x10])

        device.resetLog()
        let sample = try await sensor.measure()
        let heaterCode = try #require(spi.chip.heaterCodes.first)
        // res_heat_0 (0x5A) and ctrl_meas (0x74) are on page 1 already; field data 0x1D read as 0x9D.
        #expect(device.log == [[.write([0x5A, heaterCode, 0x74, 0x25])], [.write([0x9D]), .read(count: 15)]])
        #expect(abs(sample.temperatureCelsius - 23.4) <= 0.011)
        #expect(abs((sample.pressurePascal ?? 0) - 98_765) <= 2)
        #expect(abs((sample.humidityPercent ?? 0) - 55.5) <= 0.06)
        guard case .resistance(let ohms) = sample.gas else { Issue.record("no gas: \(sample.gas)"); return }
        #expect(abs(ohms - 87_000) / 87_000 < 0.01)
    }

    @Test("every start selects the page again (a reset chip is back on page 0)")
    func startReselects() async throws {
        let (clock, device, spi) = Self.rig()
        let sensor = BME680(spi: device, clock: clock)
        try await sensor.start()
        try await sensor.start()
        #expect(spi.pageSelections == [0x00, 0x10, 0x00, 0x10])
    }

    @Test("fault sweep over SPI: any one failed frame of start + sample is a typed error; the next start recovers")
    func faultSweep() async throws {
        let (cleanClock, clean, _) = Self.rig()
        let cleanSensor = BME680(spi: clean, clock: cleanClock)
        try await cleanSensor.start()
        _ = try await cleanSensor.measure()
        #expect(clean.log.count == 11)
        for index in 0..<11 {
            for kind in HALError.Kind.allCases {
                let (clock, _, spi) = Self.rig()
                let sensor = BME680(spi: FailOneSPITransaction(spi, failing: index, with: kind), clock: clock)
                do {
                    try await sensor.start()
                    let sample = try await sensor.measure()
                    Issue.record("frame \(index) \(kind) gave \(sample)")
                } catch let error as HALError {
                    #expect(error.kind == kind, "frame \(index): \(error)")
                } catch {
                    Issue.record("frame \(index) \(kind): untyped \(error)")
                }
                // After the failure the transport forgot its page; a new start reads right.
                try await sensor.start()
                let again = try await sensor.measure()
                #expect(abs(again.temperatureCelsius - 23.4) <= 0.011, "frame \(index) \(kind): recovered")
            }
        }
    }

    @Test("the simulated board hosts it on an SPI device node")
    func simulatedBoard() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(
            id: "air", kind: "bme680", bus: .spi(device: "/dev/spidev0.0", configuration: SPIConfiguration()))
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn, clock: SimulatedClock())
        let sensor = BME680Kind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true))
        #expect(readings.map(\.unit.rawValue) == ["Cel", "Pa", "%RH", "Ohm"])
        #expect((19.4...23.6).contains(readings[0].numberOrNaN))
    }
}
