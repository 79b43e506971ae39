/// One LM75 temperature register as read, with the resolution that tells its unused bits.
public struct LM75Sample: Sendable, Hashable {
    /// The 16 bits as read, MSB first.
    public var raw: UInt16
    /// The part's resolution.
    public var resolution: LM75Resolution

    /// Wraps a temperature word.
    public init(raw: UInt16, resolution: LM75Resolution) {
        self.raw = raw
        self.resolution = resolution
    }

    /// The top `resolution` bits as two's complement counts of ``LM75Resolution/step``; the bits
    /// below are undefined on a 9-bit part and ignored.
    public var temperatureCelsius: Double {
        let signed = Int16(bitPattern: raw) >> (16 - resolution.rawValue)
        return Double(signed) * resolution.step
    }
}
