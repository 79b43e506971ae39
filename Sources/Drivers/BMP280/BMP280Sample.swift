import HAL

/// The BMP280's calibration: exactly the temperature and pressure coefficients at 0x88...0x9F
/// (BST-BMP280-DS001 3.11.2, table 17) that the BME280 starts its own with.
public typealias BMP280Calibration = BMx280TemperaturePressureCalibration

/// The raw ADC values of one BMP280 measurement, as packed in 0xF7...0xFC.
public struct BMP280RawSample: Sendable, Hashable {
    /// 20-bit pressure ADC value (0x80000 when skipped).
    public var adcP: Int32
    /// 20-bit temperature ADC value (0x80000 when skipped).
    public var adcT: Int32

    /// Creates a raw sample from known ADC values.
    public init(adcP: Int32, adcT: Int32) {
        self.adcP = adcP
        self.adcT = adcT
    }

    /// Unpacks the 6-byte data block (4.3.6, 4.3.7): press msb/lsb/xlsb[7:4], temp msb/lsb/xlsb[7:4].
    /// - Throws: ``HALError`` `.badData` when the block is not 6 bytes.
    public init(dataBlock bytes: [UInt8]) throws {
        guard bytes.count == BMP280Register.dataLength else {
            throw HALError(.badData, operation: "bmp280 data block", detail: "expected 6 bytes at 0xF7, got \(bytes.count)")
        }
        adcP = BMx280Register.twentyBit(bytes, at: 0)
        adcT = BMx280Register.twentyBit(bytes, at: 3)
    }
}

/// One compensated BMP280 measurement.
public struct BMP280Sample: Sendable, Hashable {
    /// Temperature in °C, 0.01 °C resolution.
    public var temperatureCelsius: Double
    /// Pressure in Pa, 1/256 Pa resolution; `nil` when pressure oversampling is `.skip`.
    public var pressurePascal: Double?

    /// Creates a sample.
    public init(temperatureCelsius: Double, pressurePascal: Double?) {
        self.temperatureCelsius = temperatureCelsius
        self.pressurePascal = pressurePascal
    }
}

extension BMx280TemperaturePressureCalibration {
    /// Compensates a raw BMP280 sample with the datasheet's integer formulas (3.11.3, 8.2).
    /// - Throws: ``HALError`` `.badData` for the not-measured sentinel where a value was asked
    ///   for, or the pressure formula's zero divisor.
    public func compensate(_ raw: BMP280RawSample, settings: BMP280Settings) throws -> BMP280Sample {
        let result = try compensateTemperaturePressure(adcT: raw.adcT, adcP: raw.adcP,
                                                       pressureRequested: settings.pressureOversampling != .skip,
                                                       operation: "bmp280 compensate")
        return BMP280Sample(temperatureCelsius: result.celsius, pressurePascal: result.pascal)
    }
}
