/// The BH1750's measurement time register MTreg, 31...254 (default 69): the integration time
/// in units of the default's 1/69, which trades range for sensitivity (datasheet "Adjust
/// measurement result for influence of optical window").
public struct BH1750MeasurementTime: Sendable, Hashable {
    /// The register value.
    public let rawValue: UInt8

    /// The smallest value the chip accepts.
    public static let minimum = 31
    /// The largest value the chip accepts.
    public static let maximum = 254
    /// The value after power-on.
    public static let `default` = BH1750MeasurementTime(uncheckedValue: 69)

    /// Creates a measurement time; `nil` outside 31...254.
    public init?(_ value: Int) {
        guard (Self.minimum...Self.maximum).contains(value) else { return nil }
        rawValue = UInt8(value)
    }

    private init(uncheckedValue: UInt8) { rawValue = uncheckedValue }

    /// The two instructions that set it: `0x40 | MT[7:5]`, then `0x60 | MT[4:0]`.
    public var opcodes: [UInt8] {
        [BH1750Opcode.measurementTimeHighBits | (rawValue >> 5),
         BH1750Opcode.measurementTimeLowBits | (rawValue & 0x1F)]
    }

    /// The maximum high-resolution measurement time: 180 ms at MTreg 69, proportional to
    /// MTreg, rounded up to the microsecond so the wait is never short.
    public var maximumHighResolutionDuration: Duration {
        .microseconds((180_000 * Int(rawValue) + 68) / 69)
    }

    /// Illuminance for a raw count: lx = count / 1.2 × (69 / MTreg).
    public func lux(count: UInt16) -> Double {
        Double(count) / 1.2 * (69 / Double(rawValue))
    }
}
