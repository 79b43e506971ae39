/// One TMP102 temperature register as read (datasheet SBOS397, 7.5.2, tables 7-2 and 7-3).
public struct TMP102Sample: Sendable, Hashable {
    /// The 16 bits as read, MSB first.
    public var raw: UInt16

    /// Wraps a temperature word.
    public init(raw: UInt16) { self.raw = raw }

    /// Bit 0: set when the word is in the 13-bit extended format. The datasheet offers it to
    /// tell the formats apart, so a chip reset back to normal mode still decodes right.
    public var isExtendedFormat: Bool { raw & 0x0001 != 0 }

    /// Two's complement in 1/16 °C: bits 15:3 in extended mode, 15:4 otherwise.
    public var temperatureCelsius: Double {
        let signed = Int16(bitPattern: raw) >> (isExtendedFormat ? 3 : 4)
        return Double(signed) / 16
    }
}
