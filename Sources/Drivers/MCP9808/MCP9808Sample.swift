/// One MCP9808 ambient-temperature word (datasheet 5.1.3, register 5-4).
public struct MCP9808Sample: Sendable, Hashable {
    /// The 16 bits of T_A as read.
    public var raw: UInt16

    /// Wraps a T_A word.
    public init(raw: UInt16) { self.raw = raw }

    /// Bits 12:0 as a 13-bit two's-complement count of 1/16 °C. (The datasheet's equation 5-1
    /// for negative values, `256 - (upper · 16 + lower / 16)`, has the sign backwards; two's
    /// complement is what the chip sends.)
    public var temperatureCelsius: Double {
        let signed = Int16(bitPattern: raw << 3) >> 3
        return Double(signed) / 16
    }

    /// Bit 15: T_A ≥ T_CRIT.
    public var aboveCritical: Bool { raw & 0x8000 != 0 }
}
