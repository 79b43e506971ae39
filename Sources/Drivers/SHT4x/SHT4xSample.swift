import HAL

/// One SHT4x measurement: the raw signal words and their conversion (datasheet 4.6).
public struct SHT4xSample: Sendable, Hashable {
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
    /// - Throws: ``HALError`` `.badData` when the frame is not six bytes or a word's CRC does
    ///   not match.
    public init(frame: [UInt8], operation: String) throws {
        guard frame.count == 6 else {
            throw HALError(.badData, operation: operation, detail: "expected 6 bytes, got \(frame.count)")
        }
        rawTemperature = try CRC8.sensirion.checkedWord(frame, at: 0, name: "temperature", operation: operation)
        rawHumidity = try CRC8.sensirion.checkedWord(frame, at: 3, name: "humidity", operation: operation)
    }

    /// T = -45 + 175 · S_T / (2^16 - 1), in °C.
    public var temperatureCelsius: Double {
        -45 + 175 * Double(rawTemperature) / 65535
    }

    /// RH = -6 + 125 · S_RH / (2^16 - 1), in %, cropped to 0...100 as the datasheet recommends
    /// (4.6): the formula spans -6...119 %RH so that a saturated sensor still reads 100.
    public var humidityPercent: Double {
        min(max(-6 + 125 * Double(rawHumidity) / 65535, 0), 100)
    }
}
