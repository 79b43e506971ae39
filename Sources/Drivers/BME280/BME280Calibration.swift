import HAL

/// The factory trimming coefficients of one BME280, and the datasheet's integer compensation
/// (temperature and pressure from ``BMx280TemperaturePressureCompensation``, shared with the
/// BMP280; humidity here).
///
/// Pure value type: built once from the two calibration banks, then every conversion is a
/// function of raw ADC values only, so it is tested against the datasheet's worked numbers with
/// no bus at all. Arithmetic uses wrapping operators so calibration garbage from a loose wire can
/// give a wrong number (caught by range checks above) but never a trap.
public struct BME280Calibration: BMx280TemperaturePressureCompensation, Hashable {
    /// dig_T1, unsigned short at 0x88/0x89.
    public var digT1: UInt16
    /// dig_T2, signed short at 0x8A/0x8B.
    public var digT2: Int16
    /// dig_T3, signed short at 0x8C/0x8D.
    public var digT3: Int16
    /// dig_P1, unsigned short at 0x8E/0x8F.
    public var digP1: UInt16
    /// dig_P2, signed short at 0x90/0x91.
    public var digP2: Int16
    /// dig_P3, signed short at 0x92/0x93.
    public var digP3: Int16
    /// dig_P4, signed short at 0x94/0x95.
    public var digP4: Int16
    /// dig_P5, signed short at 0x96/0x97.
    public var digP5: Int16
    /// dig_P6, signed short at 0x98/0x99.
    public var digP6: Int16
    /// dig_P7, signed short at 0x9A/0x9B.
    public var digP7: Int16
    /// dig_P8, signed short at 0x9C/0x9D.
    public var digP8: Int16
    /// dig_P9, signed short at 0x9E/0x9F.
    public var digP9: Int16
    /// dig_H1, unsigned char at 0xA1.
    public var digH1: UInt8
    /// dig_H2, signed short at 0xE1/0xE2.
    public var digH2: Int16
    /// dig_H3, unsigned char at 0xE3.
    public var digH3: UInt8
    /// dig_H4, signed 12 bits: 0xE4 is bits 11:4, 0xE5 bits 3:0 are bits 3:0.
    public var digH4: Int16
    /// dig_H5, signed 12 bits: 0xE5 bits 7:4 are bits 3:0, 0xE6 is bits 11:4.
    public var digH5: Int16
    /// dig_H6, signed char at 0xE7.
    public var digH6: Int8

    /// Creates a calibration from known coefficients (tests, simulations).
    public init(digT1: UInt16, digT2: Int16, digT3: Int16,
                digP1: UInt16, digP2: Int16, digP3: Int16, digP4: Int16, digP5: Int16,
                digP6: Int16, digP7: Int16, digP8: Int16, digP9: Int16,
                digH1: UInt8, digH2: Int16, digH3: UInt8, digH4: Int16, digH5: Int16, digH6: Int8) {
        self.digT1 = digT1; self.digT2 = digT2; self.digT3 = digT3
        self.digP1 = digP1; self.digP2 = digP2; self.digP3 = digP3; self.digP4 = digP4
        self.digP5 = digP5; self.digP6 = digP6; self.digP7 = digP7; self.digP8 = digP8
        self.digP9 = digP9
        self.digH1 = digH1; self.digH2 = digH2; self.digH3 = digH3; self.digH4 = digH4
        self.digH5 = digH5; self.digH6 = digH6
    }

    /// Parses the two calibration banks as read from the chip.
    ///
    /// - Parameters:
    ///   - bank1: the 26 bytes at 0x88...0xA1.
    ///   - bank2: the 7 bytes at 0xE1...0xE7.
    /// - Throws: ``HALError`` `.badData` when a bank has the wrong length or is blank (all 0x00 or
    ///   all 0xFF, what a floating or shorted bus returns), since compensating with it would
    ///   produce plausible-looking nonsense.
    public init(bank1: [UInt8], bank2: [UInt8]) throws {
        let operation = "bme280 calibration"
        let words = try BMx280TemperaturePressureCalibration(bank: bank1, expectedLength: BME280Register.calibrationBank1Length,
                                                            operation: operation)
        guard bank2.count == BME280Register.calibrationBank2Length else {
            throw HALError(.badData, operation: operation,
                           detail: "expected 7 bytes at 0xE1, got \(bank2.count)")
        }
        digT1 = words.digT1; digT2 = words.digT2; digT3 = words.digT3
        digP1 = words.digP1; digP2 = words.digP2; digP3 = words.digP3; digP4 = words.digP4
        digP5 = words.digP5; digP6 = words.digP6; digP7 = words.digP7; digP8 = words.digP8
        digP9 = words.digP9
        // bank1[24] is 0xA0, reserved.
        digH1 = bank1[25]
        digH2 = Int16(bitPattern: UInt16(bank2[0]) | (UInt16(bank2[1]) << 8))
        digH3 = bank2[2]
        // H4 and H5 share 0xE5; the sign comes from the whole byte 0xE4 (resp. 0xE6) taken as
        // int8, exactly as Bosch's reference driver does (`(int16_t)(int8_t)msb * 16 | nibble`).
        digH4 = Int16(Int8(bitPattern: bank2[3])) * 16 | Int16(bank2[4] & 0x0F)
        digH5 = Int16(Int8(bitPattern: bank2[5])) * 16 | Int16(bank2[4] >> 4)
        digH6 = Int8(bitPattern: bank2[6])
    }

    /// Relative humidity in %RH as unsigned Q22.10 (bme280_compensate_H_int32): 47445 is
    /// 46.333 %RH. Clamped by the formula itself to 0...100 %RH.
    public func humidityQ22_10(adcH: Int32, fineTemperature tFine: Int32) -> UInt32 {
        let h1 = Int32(digH1), h2 = Int32(digH2), h3 = Int32(digH3)
        let h4 = Int32(digH4), h5 = Int32(digH5), h6 = Int32(digH6)
        var v = tFine &- 76800
        let offset = ((((adcH << 14) &- (h4 << 20)) &- (h5 &* v)) &+ 16384) >> 15
        let inner = (((v &* h6) >> 10) &* (((v &* h3) >> 11) &+ 32768)) >> 10
        let scale = (((inner &+ 2_097_152) &* h2) &+ 8192) >> 14
        v = offset &* scale
        v = v &- (((((v >> 15) &* (v >> 15)) >> 7) &* h1) >> 4)
        v = min(max(v, 0), 419_430_400)
        return UInt32(v >> 12)
    }
}

/// The raw ADC values of one measurement, as packed in the data block 0xF7...0xFE.
public struct BME280RawSample: Sendable, Hashable {
    /// 20-bit pressure ADC value (0x80000 when skipped).
    public var adcP: Int32
    /// 20-bit temperature ADC value (0x80000 when skipped).
    public var adcT: Int32
    /// 16-bit humidity ADC value (0x8000 when skipped).
    public var adcH: Int32

    /// Creates a raw sample from known ADC values.
    public init(adcP: Int32, adcT: Int32, adcH: Int32) {
        self.adcP = adcP
        self.adcT = adcT
        self.adcH = adcH
    }

    /// Unpacks the 8-byte data block: press msb/lsb/xlsb[7:4], temp msb/lsb/xlsb[7:4], hum msb/lsb.
    /// - Throws: ``HALError`` `.badData` when the block is not 8 bytes.
    public init(dataBlock bytes: [UInt8]) throws {
        guard bytes.count == BME280Register.dataLength else {
            throw HALError(.badData, operation: "bme280 data block",
                           detail: "expected 8 bytes at 0xF7, got \(bytes.count)")
        }
        adcP = BMx280Register.twentyBit(bytes, at: 0)
        adcT = BMx280Register.twentyBit(bytes, at: 3)
        adcH = (Int32(bytes[6]) << 8) | Int32(bytes[7])
    }

    /// Whether temperature holds the "not measured" value 0x80000.
    public var temperatureSkipped: Bool { adcT == BME280Register.skippedTemperaturePressure }
    /// Whether pressure holds the "not measured" value 0x80000.
    public var pressureSkipped: Bool { adcP == BME280Register.skippedTemperaturePressure }
    /// Whether humidity holds the "not measured" value 0x8000.
    public var humiditySkipped: Bool { adcH == BME280Register.skippedHumidity }
}

/// One compensated BME280 measurement.
public struct BME280Sample: Sendable, Hashable {
    /// Temperature in °C, 0.01 °C resolution.
    public var temperatureCelsius: Double
    /// Pressure in Pa, 1/256 Pa resolution; `nil` when pressure oversampling is `.skip`.
    public var pressurePascal: Double?
    /// Relative humidity in %RH, 1/1024 %RH resolution; `nil` when humidity oversampling is `.skip`.
    public var humidityPercent: Double?

    /// Creates a sample.
    public init(temperatureCelsius: Double, pressurePascal: Double?, humidityPercent: Double?) {
        self.temperatureCelsius = temperatureCelsius
        self.pressurePascal = pressurePascal
        self.humidityPercent = humidityPercent
    }
}

extension BME280Calibration {
    /// Compensates a raw sample.
    ///
    /// - Parameters:
    ///   - raw: the unpacked data block.
    ///   - settings: what was asked for; a quantity that was measured but reads the "skipped"
    ///     sentinel is an error, one that was skipped is reported as `nil`.
    /// - Throws: ``HALError`` `.badData` when temperature reads the sentinel (no t_fine, so
    ///   nothing can be compensated), when a requested quantity reads its sentinel, or when the
    ///   pressure formula hits its zero divisor.
    public func compensate(_ raw: BME280RawSample, settings: BME280Settings) throws -> BME280Sample {
        let operation = "bme280 compensate"
        let (celsius, tFine, pascal) = try compensateTemperaturePressure(
            adcT: raw.adcT, adcP: raw.adcP, pressureRequested: settings.pressureOversampling != .skip,
            operation: operation)

        var humidity: Double?
        if settings.humidityOversampling != .skip {
            if raw.humiditySkipped {
                throw HALError(.badData, operation: operation,
                               detail: "humidity was requested but reads the not-measured value 0x8000")
            }
            humidity = Double(humidityQ22_10(adcH: raw.adcH, fineTemperature: tFine)) / 1024
        }
        return BME280Sample(temperatureCelsius: celsius, pressurePascal: pascal, humidityPercent: humidity)
    }
}
