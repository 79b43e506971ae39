import HAL

/// The factory trimming parameters of one BME680 and the integer compensation of the BME68x
/// Sensor API (Bosch's reference C code, the datasheet's section 3.3 in fixed point).
///
/// Pure value type: built once from the three calibration reads, then every conversion is a
/// function of raw ADC values, tested against the datasheet's floating-point formulas with no
/// bus at all. Arithmetic uses wrapping operators (and 64 bits where Bosch's code does) so a
/// garbage calibration gives a wrong number caught by range checks, never a trap.
public struct BME680Calibration: Sendable, Hashable {
    public var parT1: UInt16, parT2: Int16, parT3: Int8
    public var parP1: UInt16, parP2: Int16, parP3: Int8, parP4: Int16, parP5: Int16
    public var parP6: Int8, parP7: Int8, parP8: Int16, parP9: Int16, parP10: UInt8
    public var parH1: UInt16, parH2: UInt16, parH3: Int8, parH4: Int8, parH5: Int8, parH6: UInt8, parH7: Int8
    public var parG1: Int8, parG2: Int16, parG3: Int8
    /// res_heat_range, 0x02 bits 5:4.
    public var resHeatRange: UInt8
    /// res_heat_val, 0x00, signed.
    public var resHeatVal: Int8
    /// range_switching_error, 0x04 bits 7:4, signed 4 bits.
    public var rangeSwitchingError: Int8

    /// Creates a calibration from known parameters (tests, simulations).
    public init(parT1: UInt16, parT2: Int16, parT3: Int8,
                parP1: UInt16, parP2: Int16, parP3: Int8, parP4: Int16, parP5: Int16,
                parP6: Int8, parP7: Int8, parP8: Int16, parP9: Int16, parP10: UInt8,
                parH1: UInt16, parH2: UInt16, parH3: Int8, parH4: Int8, parH5: Int8, parH6: UInt8, parH7: Int8,
                parG1: Int8, parG2: Int16, parG3: Int8, resHeatRange: UInt8, resHeatVal: Int8, rangeSwitchingError: Int8) {
        self.parT1 = parT1; self.parT2 = parT2; self.parT3 = parT3
        self.parP1 = parP1; self.parP2 = parP2; self.parP3 = parP3; self.parP4 = parP4; self.parP5 = parP5
        self.parP6 = parP6; self.parP7 = parP7; self.parP8 = parP8; self.parP9 = parP9; self.parP10 = parP10
        self.parH1 = parH1; self.parH2 = parH2; self.parH3 = parH3; self.parH4 = parH4; self.parH5 = parH5
        self.parH6 = parH6; self.parH7 = parH7
        self.parG1 = parG1; self.parG2 = parG2; self.parG3 = parG3
        self.resHeatRange = resHeatRange; self.resHeatVal = resHeatVal; self.rangeSwitchingError = rangeSwitchingError
    }

    /// Parses the three calibration reads (datasheet table 11 for T/P/H, 14 for the heater;
    /// gas parameters as the BME68x API reads them).
    ///
    /// - Parameters:
    ///   - bank1: 25 bytes at 0x89...0xA1.
    ///   - bank2: 16 bytes at 0xE1...0xF0.
    ///   - heater: 5 bytes at 0x00...0x04.
    /// - Throws: ``HALError`` `.badData` for a wrong length or a blank bank (all 0x00 or all
    ///   0xFF: a floating or shorted bus).
    public init(bank1: [UInt8], bank2: [UInt8], heater: [UInt8]) throws {
        let operation = "bme680 calibration"
        for (bank, length, start) in [(bank1, BME680Register.calibrationBank1Length, "0x89"),
                                      (bank2, BME680Register.calibrationBank2Length, "0xE1"),
                                      (heater, BME680Register.heaterCalibrationLength, "0x00")] {
            guard bank.count == length else {
                throw HALError(.badData, operation: operation, detail: "expected \(length) bytes at \(start), got \(bank.count)")
            }
        }
        for (bank, start) in [(bank1, "0x89"), (bank2, "0xE1")] where bank.allSatisfy({ $0 == 0 }) || bank.allSatisfy({ $0 == 0xFF }) {
            throw HALError(.badData, operation: operation, detail: "calibration at \(start) is blank (all 0x\(bank[0] == 0 ? "00" : "FF"))")
        }
        // Bank 1 index i is register 0x89 + i; bank 2 index i is 0xE1 + i.
        func u16(_ b: [UInt8], _ lsb: Int, _ msb: Int) -> UInt16 { UInt16(b[msb]) << 8 | UInt16(b[lsb]) }
        func s16(_ b: [UInt8], _ lsb: Int, _ msb: Int) -> Int16 { Int16(bitPattern: u16(b, lsb, msb)) }
        func s8(_ byte: UInt8) -> Int8 { Int8(bitPattern: byte) }
        parT2 = s16(bank1, 1, 2)           // 0x8A/0x8B
        parT3 = s8(bank1[3])               // 0x8C
        parP1 = u16(bank1, 5, 6)           // 0x8E/0x8F
        parP2 = s16(bank1, 7, 8)           // 0x90/0x91
        parP3 = s8(bank1[9])               // 0x92
        parP4 = s16(bank1, 11, 12)         // 0x94/0x95
        parP5 = s16(bank1, 13, 14)         // 0x96/0x97
        parP7 = s8(bank1[15])              // 0x98
        parP6 = s8(bank1[16])              // 0x99
        parP8 = s16(bank1, 19, 20)         // 0x9C/0x9D
        parP9 = s16(bank1, 21, 22)         // 0x9E/0x9F
        parP10 = bank1[23]                 // 0xA0
        // Humidity: par_h1 is 0xE3 (bits 11:4) and 0xE2 bits 3:0; par_h2 is 0xE1 (bits 11:4)
        // and 0xE2 bits 7:4 — a shared nibble byte, unlike the BME280's layout.
        parH1 = UInt16(bank2[2]) << 4 | UInt16(bank2[1] & 0x0F)
        parH2 = UInt16(bank2[0]) << 4 | UInt16(bank2[1] >> 4)
        parH3 = s8(bank2[3])               // 0xE4
        parH4 = s8(bank2[4])               // 0xE5
        parH5 = s8(bank2[5])               // 0xE6
        parH6 = bank2[6]                   // 0xE7
        parH7 = s8(bank2[7])               // 0xE8
        parT1 = u16(bank2, 8, 9)           // 0xE9/0xEA
        parG2 = s16(bank2, 10, 11)         // 0xEB/0xEC
        parG1 = s8(bank2[12])              // 0xED
        parG3 = s8(bank2[13])              // 0xEE
        resHeatVal = s8(heater[0])                         // 0x00
        resHeatRange = (heater[2] & 0x30) >> 4             // 0x02 bits 5:4
        rangeSwitchingError = s8(heater[4] & 0xF0) >> 4    // 0x04 bits 7:4, arithmetic shift keeps the sign
    }

    /// t_fine and the temperature in 0.01 °C (calc_temperature).
    public func temperature(adcT: Int32) -> (fine: Int32, centiCelsius: Int32) {
        let var1 = (adcT >> 3) &- (Int32(parT1) << 1)
        let var2 = (var1 &* Int32(parT2)) >> 11
        var var3 = ((var1 >> 1) &* (var1 >> 1)) >> 12
        var3 = (var3 &* (Int32(parT3) << 4)) >> 14
        let fine = var2 &+ var3
        return (fine, ((fine &* 5) &+ 128) >> 8)
    }

    /// Pressure in Pa (calc_pressure); `nil` when the formula's divisor is 0.
    public func pressurePascal(adcP: Int32, fine: Int32) -> Int32? {
        var var1 = (fine >> 1) &- 64000
        var var2 = ((((var1 >> 2) &* (var1 >> 2)) >> 11) &* Int32(parP6)) >> 2
        var2 = var2 &+ ((var1 &* Int32(parP5)) << 1)
        var2 = (var2 >> 2) &+ (Int32(parP4) << 16)
        var1 = (((((var1 >> 2) &* (var1 >> 2)) >> 13) &* (Int32(parP3) << 5)) >> 3) &+ ((Int32(parP2) &* var1) >> 1)
        var1 = var1 >> 18
        var1 = ((32768 &+ var1) &* Int32(parP1)) >> 15
        guard var1 != 0 else { return nil }
        var pressure = 1_048_576 &- adcP
        pressure = (pressure &- (var2 >> 12)) &* 3125
        if pressure >= 1 << 30 {
            pressure = (pressure / var1) << 1
        } else {
            pressure = (pressure << 1) / var1
        }
        var1 = (Int32(parP9) &* (((pressure >> 3) &* (pressure >> 3)) >> 13)) >> 12
        var2 = ((pressure >> 2) &* Int32(parP8)) >> 13
        // Bosch's code takes this cube in 32 bits, which wraps above about 108 kPa with a
        // typical par_p10 (an error of 2048 Pa); 64 bits keep it exact.
        let cube = Int64(pressure >> 8) * Int64(pressure >> 8) * Int64(pressure >> 8)
        let var3 = Int32(truncatingIfNeeded: (cube * Int64(parP10)) >> 17)
        return pressure &+ ((var1 &+ var2 &+ var3 &+ (Int32(parP7) << 7)) >> 4)
    }

    /// Relative humidity in 0.001 %RH, clamped to 0...100 % (calc_humidity).
    public func humidityMilliPercent(adcH: Int32, fine: Int32) -> Int32 {
        let scaled = ((fine &* 5) &+ 128) >> 8
        let var1 = (adcH &- Int32(parH1) &* 16) &- (((scaled &* Int32(parH3)) / 100) >> 1)
        let var2 = (Int32(parH2) &* (((scaled &* Int32(parH4)) / 100)
            &+ (((scaled &* ((scaled &* Int32(parH5)) / 100)) >> 6) / 100) &+ (1 << 14))) >> 10
        let var3 = var1 &* var2
        var var4 = Int32(parH6) << 7
        var4 = (var4 &+ ((scaled &* Int32(parH7)) / 100)) >> 4
        let var5 = ((var3 >> 14) &* (var3 >> 14)) >> 10
        let var6 = (var4 &* var5) >> 1
        let humidity = (((var3 &+ var6) >> 10) &* 1000) >> 12
        return min(max(humidity, 0), 100_000)
    }

    /// The BME68x API's fixed-point form of the datasheet's const_array1 and const_array2
    /// (table 16), scaled by 2^31 - 1 and by 512: the BME680's gas range lookup.
    static let gasLookup1: [Int64] = [2_147_483_647, 2_147_483_647, 2_147_483_647, 2_147_483_647, 2_147_483_647,
                                      2_126_008_810, 2_147_483_647, 2_130_303_777, 2_147_483_647, 2_147_483_647,
                                      2_143_188_679, 2_136_746_228, 2_147_483_647, 2_126_008_810, 2_147_483_647,
                                      2_147_483_647]
    static let gasLookup2: [Int64] = [4_096_000_000, 2_048_000_000, 1_024_000_000, 512_000_000, 255_744_255,
                                      127_110_228, 64_000_000, 32_258_064, 16_016_016, 8_000_000, 4_000_000,
                                      2_000_000, 1_000_000, 500_000, 250_000, 125_000]

    /// Gas resistance in Ω from the 10-bit ADC value and its range (calc_gas_resistance_low);
    /// `nil` when the divisor is 0.
    public func gasResistanceOhms(adc: UInt16, range: UInt8) -> UInt32? {
        let index = Int(range & 0x0F)
        let var1 = ((1340 + 5 * Int64(rangeSwitchingError)) * Self.gasLookup1[index]) >> 16
        let var2 = (Int64(adc) << 15) - 16_777_216 + var1
        guard var2 != 0 else { return nil }
        let var3 = (Self.gasLookup2[index] * var1) >> 9
        let value = (var3 + (var2 >> 1)) / var2
        return UInt32(clamping: value)
    }

    /// res_heat_x for a heater target and the ambient temperature, both in °C, by the
    /// datasheet's formula (3.3.5) in floating point; the target is capped at 400 °C, the
    /// datasheet's maximum. (The BME68x API's fixed-point form scales the ambient term down by
    /// 10^4 and lands up to 2 codes away; the datasheet is the reference.)
    public func heaterResistanceCode(targetCelsius: Int, ambientCelsius: Int) -> UInt8 {
        let target = Double(min(targetCelsius, 400))
        let var1 = Double(parG1) / 16 + 49
        let var2 = Double(parG2) / 32768 * 0.0005 + 0.00235
        let var3 = Double(parG3) / 1024
        let var4 = var1 * (1 + var2 * target)
        let var5 = var4 + var3 * Double(ambientCelsius)
        let code = 3.4 * (var5 * (4 / (4 + Double(resHeatRange))) * (1 / (1 + Double(resHeatVal) * 0.002)) - 25)
        guard code.isFinite else { return 0 }
        // The datasheet truncates (a cast to uint8_t).
        return UInt8(min(max(code, 0), 255))
    }
}
