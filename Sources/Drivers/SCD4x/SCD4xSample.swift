import HAL

/// One SCD4x measurement as read_measurement returns it (datasheet 3.5.2, table 11): three
/// words, CO2 in ppm, then the temperature and humidity signals.
public struct SCD4xSample: Sendable, Hashable {
    /// CO2 concentration in ppm, as sent.
    public var co2PPM: UInt16
    /// The temperature signal word.
    public var rawTemperature: UInt16
    /// The humidity signal word.
    public var rawHumidity: UInt16

    /// Creates a sample from raw words.
    public init(co2PPM: UInt16, rawTemperature: UInt16, rawHumidity: UInt16) {
        self.co2PPM = co2PPM
        self.rawTemperature = rawTemperature
        self.rawHumidity = rawHumidity
    }

    /// Parses the 9 bytes of read_measurement: each word MSB, LSB, CRC.
    /// - Throws: ``HALError`` `.badData` for a short frame or a CRC mismatch (naming the word).
    public init(frame: [UInt8], operation: String) throws {
        guard frame.count == 9 else {
            throw HALError(.badData, operation: operation, detail: "expected 9 bytes, got \(frame.count)")
        }
        co2PPM = try CRC8.sensirion.checkedWord(frame, at: 0, name: "co2", operation: operation)
        rawTemperature = try CRC8.sensirion.checkedWord(frame, at: 3, name: "temperature", operation: operation)
        rawHumidity = try CRC8.sensirion.checkedWord(frame, at: 6, name: "humidity", operation: operation)
    }

    /// T = -45 + 175 · word / (2^16 - 1), in °C.
    public var temperatureCelsius: Double {
        -45 + 175 * Double(rawTemperature) / 65535
    }

    /// RH = 100 · word / (2^16 - 1), in %.
    public var humidityPercent: Double {
        100 * Double(rawHumidity) / 65535
    }

    /// Whether the CO2 word is a measurement: Sensirion's reference drivers treat 0 ppm as an
    /// invalid sample (the chip sends it before its first CO2 value is settled), so no CO2
    /// reading is made from it.
    public var hasCO2: Bool { co2PPM != 0 }
}

/// The argument words of the settings commands (datasheet 3.6.1 and 3.6.3).
public enum SCD4xSetting {
    /// set_temperature_offset's word: T_offset · (2^16 - 1) / 175, rounded to the nearest.
    public static func temperatureOffsetWord(celsius: Double) -> UInt16 {
        let value = (celsius * 65535 / 175).rounded()
        guard value.isFinite else { return 0 }
        return UInt16(min(max(value, 0), 65535))
    }

    /// The offsets a configuration may give, in °C. The word cannot be negative, and the
    /// datasheet's guidance (3.6.1) puts a useful offset well below 20 °C.
    public static let temperatureOffsetRange: ClosedRange<Double> = 0...20

    /// The altitudes set_sensor_altitude accepts, in metres above sea level (3.6.3).
    public static let altitudeRange: ClosedRange<Int> = 0...3000
}

/// get_data_ready_status's word (3.8.2).
public struct SCD4xDataReadyStatus: Sendable, Hashable {
    /// The word as read.
    public var rawValue: UInt16
    /// Wraps a word.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// Data is ready when the least significant 11 bits are not all 0; the upper bits carry
    /// nothing the host may rely on.
    public var isReady: Bool { rawValue & 0x07FF != 0 }
}
