import HAL
import Testing
@testable import Drivers

/// The datasheet's worked example (BMP280 datasheet BST-BMP280-DS001 3.12, whose T/P formulas
/// the BME280 datasheet BST-BME280-DS002 8.2 repeats unchanged), restated here rather than taken
/// from the driver.
let datasheetExample = BME280Calibration(
    digT1: 27504, digT2: 26435, digT3: -1000,
    digP1: 36477, digP2: -10685, digP3: 3024, digP4: 2855, digP5: 140, digP6: -7,
    digP7: 15500, digP8: -14600, digP9: 6000,
    // Bosch publishes no humidity example; these are typical values of a real chip.
    digH1: 75, digH2: 362, digH3: 0, digH4: 313, digH5: 50, digH6: 30)

/// The two calibration banks of `datasheetExample`, written out byte by byte.
/// 0x88...0xA1: T1 T2 T3 P1...P9 little-endian, 0xA0 reserved, 0xA1 = H1 = 75.
let datasheetBank1: [UInt8] = [
    0x70, 0x6B, 0x43, 0x67, 0x18, 0xFC, // T1 27504, T2 26435, T3 -1000
    0x7D, 0x8E, 0x43, 0xD6, 0xD0, 0x0B, // P1 36477, P2 -10685, P3 3024
    0x27, 0x0B, 0x8C, 0x00, 0xF9, 0xFF, // P4 2855, P5 140, P6 -7
    0x8C, 0x3C, 0xF8, 0xC6, 0x70, 0x17, // P7 15500, P8 -14600, P9 6000
    0x00, 0x4B,                         // reserved, H1 75
]
/// 0xE1...0xE7: H2 = 362 (6A 01), H3 = 0, H4 = 313 = 0x139 -> E4 = 0x13, E5[3:0] = 9,
/// H5 = 50 = 0x032 -> E5[7:4] = 2, E6 = 0x03; H6 = 30.
let datasheetBank2: [UInt8] = [0x6A, 0x01, 0x00, 0x13, 0x29, 0x03, 0x1E]

@Suite("BME280 compensation against the datasheet")
struct BME280CompensationTests {
    let example = datasheetExample

    @Test("temperature: adc_T 519888 gives t_fine 128422 and 25.08 °C")
    func temperatureExample() {
        // var1 = ((519888>>3) - 27504*2) * 26435 >> 11 = (64986 - 55008) * 26435 >> 11 = 128793
        // var2 = (((519888>>4) - 27504)^2 >> 12) * -1000 >> 14 = (4989^2 >> 12) * -1000 >> 14
        //      = 6076 * -1000 >> 14 = -371
        // t_fine = 128422; T = (128422*5 + 128) >> 8 = 2508
        let tFine = example.fineTemperature(adcT: 519_888)
        #expect(tFine == 128_422)
        #expect(example.temperatureCentiCelsius(fineTemperature: tFine) == 2508)
    }

    @Test("pressure: adc_P 415148 gives Q24.8 25767233 = 100653.25 Pa")
    func pressureExample() {
        // Worked by hand (python3) through BME280_compensate_P_int64 with t_fine 128422:
        //   var1 = 422, var2 = 422²·(-7) + (422·140 << 17) + (2855 << 35) = 98104795527812
        //   var1 = (422²·3024 >> 8) + (422·(-10685) << 12), then ((1<<47)+var1)·36477 >> 33
        //        = 597560748
        //   p = ((633428 << 31) - var2)·3125 / 597560748 = 6600644165
        //   var1 = 6000·(p>>13)² >> 25 = 116089612, var2 = -14600·p >> 19 = -183810053
        //   p = ((p + var1 + var2) >> 8) + (15500 << 4) = 25767233
        // The datasheet's table prints 25767236 / 100653.27 Pa, which is the double-precision
        // formula's value; executing the published int64 code gives 25767233 (0.012 Pa less).
        let q = example.pressureQ24_8(adcP: 415_148, fineTemperature: 128_422)
        #expect(q == 25_767_233)
        #expect(abs(Double(q) / 256 - 100_653.27) < 0.05)
    }

    @Test("humidity: adc_H 30000 at t_fine 128422 gives Q22.10 56317 = 54.997 %RH")
    func humidityExample() {
        // With H1..H6 = 75, 362, 0, 313, 50, 30 through bme280_compensate_H_int32:
        //   v = 128422 - 76800 = 51622
        //   ((30000<<14) - (313<<20) - 50·51622 + 16384) >> 15 = 4905
        //   ((((51622·30 >> 10)·((51622·0 >> 11) + 32768) >> 10) + 2097152)·362 + 8192) >> 14 = 47405
        //   v = 4905·47405 = 232521525; v -= ((v>>15)² >> 7)·75 >> 4; v >> 12 = 56317
        // The datasheet's double formula gives 55.0007 %RH for the same input.
        let q = example.humidityQ22_10(adcH: 30_000, fineTemperature: 128_422)
        #expect(q == 56_317)
        #expect(abs(Double(q) / 1024 - 55.0007) < 0.01)
    }

    @Test("humidity: a non-zero dig_H3 enters the formula (H3 = 13 gives 56330)")
    func humidityWithH3() {
        var calibration = example
        calibration.digH3 = 13
        #expect(calibration.humidityQ22_10(adcH: 30_000, fineTemperature: 128_422) == 56_330)
    }

    @Test("humidity is clamped to 0...100 %RH by the formula")
    func humidityClamped() {
        #expect(example.humidityQ22_10(adcH: 0, fineTemperature: 128_422) == 0)
        #expect(example.humidityQ22_10(adcH: 65_535, fineTemperature: 128_422) == 102_400)
    }

    @Test("calibration parsing: little-endian, signed fields, H4/H5 nibble packing")
    func parseCalibration() throws {
        let parsed = try BME280Calibration(bank1: datasheetBank1, bank2: datasheetBank2)
        #expect(parsed == example)
    }

    @Test("calibration parsing: negative 12-bit H4 and H5 are sign-extended from E4 and E6")
    func parseNegativeH4H5() throws {
        var bank1 = [UInt8](repeating: 0x11, count: 26)
        bank1[25] = 0
        // H4 = -5 = 0xFFB (12 bit): E4 = 0xFF, E5[3:0] = 0xB.
        // H5 = -300 = 0xED4 (12 bit): E6 = 0xED, E5[7:4] = 0x4. H6 = 0xF6 = -10. H2 = 0xFF38 = -200.
        let bank2: [UInt8] = [0x38, 0xFF, 0xA5, 0xFF, 0x4B, 0xED, 0xF6]
        let parsed = try BME280Calibration(bank1: bank1, bank2: bank2)
        #expect(parsed.digH2 == -200)
        #expect(parsed.digH3 == 0xA5)
        #expect(parsed.digH4 == -5)
        #expect(parsed.digH5 == -300)
        #expect(parsed.digH6 == -10)
        #expect(parsed.digT2 == 0x1111)
    }

    @Test("calibration parsing refuses blank or short banks with .badData")
    func parseBlank() {
        let bank2 = [UInt8](repeating: 0x10, count: 7)
        for bank1 in [[UInt8](repeating: 0, count: 26), [UInt8](repeating: 0xFF, count: 26),
                      [UInt8](repeating: 0x10, count: 25)] {
            let error = #expect(throws: HALError.self) { try BME280Calibration(bank1: bank1, bank2: bank2) }
            #expect(error?.kind == .badData)
        }
    }

    @Test("data block unpacking: 20-bit P and T with xlsb[7:4], 16-bit H")
    func unpackData() throws {
        // adc_P 415148 = 0x655AC -> 65 5A C0; adc_T 519888 = 0x7EED0 -> 7E ED 00; adc_H 30000 = 75 30.
        // Low nibbles of the xlsb bytes are not part of the value and are set to 0xF here.
        let raw = try BME280RawSample(dataBlock: [0x65, 0x5A, 0xCF, 0x7E, 0xED, 0x0F, 0x75, 0x30])
        #expect(raw.adcP == 415_148)
        #expect(raw.adcT == 519_888)
        #expect(raw.adcH == 30_000)
        #expect(throws: HALError.self) { try BME280RawSample(dataBlock: [0x65, 0x59]) }
    }

    @Test("sentinels: 0x80000 / 0x8000 mean not measured")
    func sentinels() throws {
        let settings = BME280Settings()
        let skippedT = BME280RawSample(adcP: 415_148, adcT: 0x80000, adcH: 30_000)
        #expect(throws: HALError.self) { try example.compensate(skippedT, settings: settings) }
        let skippedH = BME280RawSample(adcP: 415_148, adcT: 519_888, adcH: 0x8000)
        #expect(throws: HALError.self) { try example.compensate(skippedH, settings: settings) }
        let skippedP = BME280RawSample(adcP: 0x80000, adcT: 519_888, adcH: 30_000)
        #expect(throws: HALError.self) { try example.compensate(skippedP, settings: settings) }
        // Asked to skip humidity and pressure: the sentinel is expected and reported as nil.
        let quiet = BME280Settings(pressureOversampling: .skip, humidityOversampling: .skip)
        let sample = try example.compensate(
            BME280RawSample(adcP: 0x80000, adcT: 519_888, adcH: 0x8000), settings: quiet)
        #expect(sample.temperatureCelsius == 25.08)
        #expect(sample.pressurePascal == nil)
        #expect(sample.humidityPercent == nil)
    }

    @Test("full compensation of the example")
    func compensateExample() throws {
        let sample = try example.compensate(
            BME280RawSample(adcP: 415_148, adcT: 519_888, adcH: 30_000), settings: BME280Settings())
        #expect(sample.temperatureCelsius == 25.08)
        #expect(sample.pressurePascal == 25_767_233.0 / 256)
        #expect(sample.humidityPercent == 56_317.0 / 1024)
    }

    @Test("measurement time per datasheet Appendix B")
    func measurementTime() {
        // x1/x1/x1: 1.25 + 2.3 + (2.3 + 0.575) + (2.3 + 0.575) = 9.3 ms (datasheet table 9.3 ms).
        #expect(BME280Settings().maximumMeasurementMicroseconds == 9300)
        // x16 everywhere: 1.25 + 36.8 + 37.375 + 37.375 = 112.8 ms.
        let x16 = BME280Settings(temperatureOversampling: .x16, pressureOversampling: .x16,
                                 humidityOversampling: .x16)
        #expect(x16.maximumMeasurementMicroseconds == 112_800)
        // Temperature only: 1.25 + 2.3 = 3.55 ms (skipped quantities add nothing).
        let tOnly = BME280Settings(pressureOversampling: .skip, humidityOversampling: .skip)
        #expect(tOnly.maximumMeasurementMicroseconds == 3550)
    }

    @Test("register values: ctrl_meas forced mode bits, ctrl_hum, config filter")
    func registerValues() {
        let settings = BME280Settings(temperatureOversampling: .x2, pressureOversampling: .x16,
                                      humidityOversampling: .x4, filter: .x4)
        // osrs_t x2 = 0b010 << 5, osrs_p x16 = 0b101 << 2, mode forced = 0b01 -> 0x55.
        #expect(settings.ctrlMeasForcedValue == 0b010_101_01)
        #expect(settings.ctrlHumValue == 0b011)
        // filter 4 = 0b010 in bits 4:2.
        #expect(settings.configValue == 0b000_010_0_0)
    }
}
