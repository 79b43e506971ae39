import HAL

/// One HTU21D / Si7021 measurement: the raw 16-bit words (status bits 1:0 included) and their
/// conversion (HTU21D "Conversion of signal outputs", Si7021 5.1.1 and 5.1.2).
public struct HTU21DSample: Sendable, Hashable {
    /// Raw humidity word as read.
    public var rawHumidity: UInt16
    /// Raw temperature word as read.
    public var rawTemperature: UInt16

    /// Creates a sample from raw words.
    public init(rawHumidity: UInt16, rawTemperature: UInt16) {
        self.rawHumidity = rawHumidity
        self.rawTemperature = rawTemperature
    }

    /// RH = -6 + 125 · S_RH / 2^16 with the two status bits cleared, cropped to 0...100 (the
    /// formula reaches slightly beyond, Si7021 5.1.1).
    public var humidityPercent: Double {
        min(max(-6 + 125 * Double(rawHumidity & 0xFFFC) / 65536, 0), 100)
    }

    /// T = -46.85 + 175.72 · S_T / 2^16 with the two status bits cleared.
    public var temperatureCelsius: Double {
        -46.85 + 175.72 * Double(rawTemperature & 0xFFFC) / 65536
    }

    /// The word of a 3-byte measurement read (MSB, LSB, CRC), checked.
    /// - Throws: ``HALError`` `.badData` for a short read or a CRC mismatch.
    static func word(_ bytes: [UInt8], name: String, operation: String) throws -> UInt16 {
        guard bytes.count == 3 else {
            throw HALError(.badData, operation: operation, detail: "\(name): expected 3 bytes, got \(bytes.count)")
        }
        return try HTU21DCommand.crc.checkedWord(bytes, at: 0, name: name, operation: operation)
    }
}
