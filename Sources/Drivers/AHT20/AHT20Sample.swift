import HAL

/// One AHT20 measurement: the 20-bit signals and their conversion (datasheet 6.1, 6.2).
public struct AHT20Sample: Sendable, Hashable {
    /// Raw humidity signal S_RH, 20 bits.
    public var rawHumidity: UInt32
    /// Raw temperature signal S_T, 20 bits.
    public var rawTemperature: UInt32

    /// Creates a sample from raw signals.
    public init(rawHumidity: UInt32, rawTemperature: UInt32) {
        self.rawHumidity = rawHumidity
        self.rawTemperature = rawTemperature
    }

    /// Parses the seven bytes of a measurement read (5.4 step 4): status, S_RH[19:12],
    /// S_RH[11:4], S_RH[3:0] | S_T[19:16], S_T[15:8], S_T[7:0], CRC over the first six bytes.
    ///
    /// - Returns: `nil` while the status says busy (the chip has not finished).
    /// - Throws: ``HALError`` `.badData` for a short frame or a CRC mismatch.
    public static func parse(_ frame: [UInt8], operation: String) throws -> AHT20Sample? {
        guard frame.count == 7 else {
            throw HALError(.badData, operation: operation, detail: "expected 7 bytes, got \(frame.count)")
        }
        if frame[0] & AHT20Command.statusBusy != 0 { return nil }
        let expected = CRC8.sensirion.checksum(frame.prefix(6))
        guard frame[6] == expected else {
            throw HALError(.badData, operation: operation,
                           detail: "CRC mismatch: received 0x\(CRC8.hex(frame[6])), computed 0x\(CRC8.hex(expected))")
        }
        let humidity = UInt32(frame[1]) << 12 | UInt32(frame[2]) << 4 | UInt32(frame[3]) >> 4
        let temperature = UInt32(frame[3] & 0x0F) << 16 | UInt32(frame[4]) << 8 | UInt32(frame[5])
        return AHT20Sample(rawHumidity: humidity, rawTemperature: temperature)
    }

    /// RH = S_RH / 2^20 · 100 %.
    public var humidityPercent: Double {
        Double(rawHumidity) / 1_048_576 * 100
    }

    /// T = S_T / 2^20 · 200 - 50 °C.
    public var temperatureCelsius: Double {
        Double(rawTemperature) / 1_048_576 * 200 - 50
    }
}
