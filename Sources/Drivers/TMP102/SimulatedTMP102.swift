import HALSimulation

/// A behavioural model of a TI TMP102 for ``SimulatedWordRegisterChip``.
///
/// Configuration writes keep the read-only bits (R1:R0 = 11, AL); the temperature register reads
/// 0 °C from power-up, or while a conversion started by leaving shutdown is not done (26 ms,
/// the typical time, on the model's clock), then the environment truncated to 1/16 °C in the
/// format EM selects, restated from the datasheet (7.5.2) rather than shared with the driver.
/// Shutdown keeps the last result. One-shot (OS) is not modelled.
public struct SimulatedTMP102: WordRegisterModel {
    /// The ambient temperature in °C the chip converts.
    public var temperatureCelsius = 21.5
    /// The configuration register.
    public private(set) var configuration: UInt16 = 0x60A0
    /// T_LOW and T_HIGH (75 and 80 °C after power-up).
    public private(set) var limits: [UInt16] = [0x4B00, 0x5000]
    private var convertedFrom: SimulatedClock.Instant?
    private var lastResult: UInt16 = 0
    private var pending = true

    /// A chip just powered up at `now` (`nil`: its first conversion is done at once).
    public init(poweredUpAt now: SimulatedClock.Instant? = nil) {
        convertedFrom = now.map { $0.advanced(by: .milliseconds(26)) }
    }

    public func width(of register: UInt8) -> Int { 2 }

    public mutating func write(_ register: UInt8, value: UInt16, at now: SimulatedClock.Instant?) {
        switch register & 0x03 {
        case 0x01:
            let wasShutDown = configuration & 0x0100 != 0
            // R1:R0 (14:13) and AL (5) are read only.
            configuration = (value & ~0x6020) | (configuration & 0x6020)
            if wasShutDown && configuration & 0x0100 == 0 {
                convertedFrom = now.map { $0.advanced(by: .milliseconds(26)) }
                pending = true
            }
        case 0x02: limits[0] = value
        case 0x03: limits[1] = value
        default: break
        }
    }

    public mutating func read(_ register: UInt8, at now: SimulatedClock.Instant?) -> UInt16 {
        switch register & 0x03 {
        case 0x00:
            let shutDown = configuration & 0x0100 != 0
            var converting = false
            if pending, let now, let from = convertedFrom { converting = now < from }
            if !shutDown && !converting {
                pending = false
                lastResult = Self.encode(temperatureCelsius, extended: configuration & 0x0010 != 0)
            }
            return lastResult
        case 0x01: return configuration
        case 0x02: return limits[0]
        default: return limits[1]
        }
    }

    /// 1/16 °C counts, truncated towards -inf, clamped to the format's range, left-aligned; bit 0
    /// flags the 13-bit format.
    private static func encode(_ celsius: Double, extended: Bool) -> UInt16 {
        let sixteenths = Int((celsius * 16).rounded(.down))
        if extended {
            let clamped = max(min(sixteenths, 4095), -4096)
            return UInt16(bitPattern: Int16(clamped) << 3) | 0x0001
        }
        let clamped = max(min(sixteenths, 2047), -2048)
        return UInt16(bitPattern: Int16(clamped) << 4)
    }
}
