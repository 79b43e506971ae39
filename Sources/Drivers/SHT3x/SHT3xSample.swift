import HAL

/// One SHT3x measurement: the raw signal words and their conversion (datasheet 4.13).
public struct SHT3xSample: Sendable, Hashable {
    /// Raw temperature signal S_T.
    public var rawTemperature: UInt16
    /// Raw humidity signal S_RH.
    public var rawHumidity: UInt16

    /// Creates a sample from raw words.
    public init(rawTemperature: UInt16, rawHumidity: UInt16) {
        self.rawTemperature = rawTemperature
        self.rawHumidity = rawHumidity
    }

    /// Parses the six bytes of a measurement read: T msb, T lsb, T CRC, RH msb, RH lsb, RH CRC.
    ///
    /// - Throws: ``HALError`` `.badData` when the frame is not six bytes or a word's CRC does not
    ///   match: a flipped bit in transit must never become a plausible reading.
    public init(frame: [UInt8], operation: String) throws {
        guard frame.count == 6 else {
            throw HALError(.badData, operation: operation, detail: "expected 6 bytes, got \(frame.count)")
        }
        rawTemperature = try SHT3xSample.checkedWord(frame, at: 0, name: "temperature", operation: operation)
        rawHumidity = try SHT3xSample.checkedWord(frame, at: 3, name: "humidity", operation: operation)
    }

    /// The 16-bit word at `index`, `index + 1`, checked against the CRC at `index + 2` (4.12:
    /// Sensirion's CRC-8, shared with the other chips that use it).
    static func checkedWord(_ bytes: [UInt8], at index: Int, name: String, operation: String) throws -> UInt16 {
        try CRC8.sensirion.checkedWord(bytes, at: index, name: name, operation: operation)
    }

    /// T = -45 + 175 · S_T / (2^16 - 1), in °C.
    public var temperatureCelsius: Double {
        -45 + 175 * Double(rawTemperature) / 65535
    }

    /// RH = 100 · S_RH / (2^16 - 1), in %.
    public var humidityPercent: Double {
        100 * Double(rawHumidity) / 65535
    }
}
