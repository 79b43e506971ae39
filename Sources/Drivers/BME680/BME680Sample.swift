import HAL

/// The raw field data of one forced measurement, unpacked from the burst at 0x1D (5.3.5).
public struct BME680RawSample: Sendable, Hashable {
    /// meas_status_0.
    public var status: UInt8
    /// 20-bit pressure ADC value.
    public var adcP: Int32
    /// 20-bit temperature ADC value.
    public var adcT: Int32
    /// 16-bit humidity ADC value.
    public var adcH: Int32
    /// 10-bit gas ADC value (gas_r 9:2 at 0x2A, 1:0 in 0x2B bits 7:6).
    public var adcGas: UInt16
    /// gas_range_r, 0x2B bits 3:0.
    public var gasRange: UInt8
    /// gas_valid_r, 0x2B bit 5.
    public var gasValid: Bool
    /// heat_stab_r, 0x2B bit 4.
    public var heaterStable: Bool

    /// Creates a raw sample from known values.
    public init(status: UInt8 = BME680Register.newData, adcP: Int32, adcT: Int32, adcH: Int32,
                adcGas: UInt16, gasRange: UInt8, gasValid: Bool, heaterStable: Bool) {
        self.status = status
        self.adcP = adcP; self.adcT = adcT; self.adcH = adcH
        self.adcGas = adcGas; self.gasRange = gasRange
        self.gasValid = gasValid; self.heaterStable = heaterStable
    }

    /// Unpacks the 15 bytes 0x1D...0x2B.
    /// - Throws: ``HALError`` `.badData` for a wrong length.
    public init(fieldData bytes: [UInt8]) throws {
        guard bytes.count == BME680Register.fieldDataLength else {
            throw HALError(.badData, operation: "bme680 field data",
                           detail: "expected \(BME680Register.fieldDataLength) bytes at 0x1D, got \(bytes.count)")
        }
        status = bytes[0]
        adcP = BMx280Register.twentyBit(bytes, at: 2)      // 0x1F...0x21
        adcT = BMx280Register.twentyBit(bytes, at: 5)      // 0x22...0x24
        adcH = Int32(bytes[8]) << 8 | Int32(bytes[9])      // 0x25, 0x26
        adcGas = UInt16(bytes[13]) << 2 | UInt16(bytes[14] >> 6)   // 0x2A, 0x2B
        gasRange = bytes[14] & 0x0F
        gasValid = bytes[14] & BME680Register.gasValid != 0
        heaterStable = bytes[14] & BME680Register.heaterStable != 0
    }

    /// new_data_0: the registers hold a measurement not read before.
    public var hasNewData: Bool { status & BME680Register.newData != 0 }
}

/// What became of one sample's gas conversion.
public enum BME680Gas: Sendable, Hashable {
    /// A resistance in Ω.
    case resistance(Double)
    /// The heater is off by configuration: no gas conversion was asked for.
    case off
    /// The heater did not reach its target (heat_stab_r 0): too short a duration or too high a
    /// temperature for the supply; the resistance would not mean anything.
    case heaterUnstable
    /// gas_valid_r 0: the conversion did not run.
    case invalid
}

/// One compensated BME680 measurement.
public struct BME680Sample: Sendable, Hashable {
    /// °C, 0.01 °C resolution.
    public var temperatureCelsius: Double
    /// Pa; `nil` when pressure oversampling is skip.
    public var pressurePascal: Double?
    /// %RH, 0.001 % resolution; `nil` when humidity oversampling is skip.
    public var humidityPercent: Double?
    /// The gas conversion.
    public var gas: BME680Gas

    /// Creates a sample.
    public init(temperatureCelsius: Double, pressurePascal: Double?, humidityPercent: Double?, gas: BME680Gas) {
        self.temperatureCelsius = temperatureCelsius
        self.pressurePascal = pressurePascal
        self.humidityPercent = humidityPercent
        self.gas = gas
    }
}

extension BME680Calibration {
    /// Compensates a raw sample taken with `settings`.
    /// - Throws: ``HALError`` `.badData` when the pressure formula hits its zero divisor or the
    ///   temperature reads the "skipped" value 0x80000.
    public func compensate(_ raw: BME680RawSample, settings: BME680Settings) throws -> BME680Sample {
        guard raw.adcT != 0x80000 else {
            throw HALError(.badData, operation: "bme680 compensation", detail: "temperature reads 0x80000 (not measured)")
        }
        let (fine, centi) = temperature(adcT: raw.adcT)
        var pressure: Double?
        if settings.pressureOversampling != .skip {
            guard let pascal = pressurePascal(adcP: raw.adcP, fine: fine) else {
                throw HALError(.badData, operation: "bme680 compensation", detail: "pressure divisor is 0 (calibration p1)")
            }
            pressure = Double(pascal)
        }
        let humidity = settings.humidityOversampling == .skip
            ? nil : Double(humidityMilliPercent(adcH: raw.adcH, fine: fine)) / 1000
        let gas: BME680Gas
        if case .off = settings.heater {
            gas = .off
        } else if !raw.gasValid {
            gas = .invalid
        } else if !raw.heaterStable {
            gas = .heaterUnstable
        } else if let ohms = gasResistanceOhms(adc: raw.adcGas, range: raw.gasRange) {
            gas = .resistance(Double(ohms))
        } else {
            gas = .invalid
        }
        return BME680Sample(temperatureCelsius: Double(centi) / 100, pressurePascal: pressure,
                            humidityPercent: humidity, gas: gas)
    }
}
