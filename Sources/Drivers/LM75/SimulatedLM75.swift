import HALSimulation

/// A behavioural model of an LM75 for ``SimulatedWordRegisterChip``.
///
/// Conf is one byte (reserved bits 7:5 read 0); Temp reads 0 °C from power-up, or while the
/// conversion started by leaving shutdown is not done (`conversionTime` on the model's clock),
/// then the environment truncated to the part's step, left-aligned, restated from the
/// datasheets' tables rather than shared with the driver. Shutdown keeps the last result.
public struct SimulatedLM75: WordRegisterModel {
    /// The ambient temperature in °C the chip converts.
    public var temperatureCelsius = 21.5
    /// 9 or 11 significant bits.
    public let bits: Int
    /// Conf.
    public private(set) var configuration: UInt8 = 0x00
    private var limits: [UInt16] = [0x4B00, 0x5000]
    private let conversionTime: Duration
    private var convertedFrom: SimulatedClock.Instant?
    private var pending = true
    private var lastResult: UInt16 = 0

    /// A chip of `bits` resolution just powered up at `now` (`nil`: converted at once).
    public init(bits: Int = 9, conversionTime: Duration = .milliseconds(100), poweredUpAt now: SimulatedClock.Instant? = nil) {
        self.bits = bits
        self.conversionTime = conversionTime
        convertedFrom = now.map { $0.advanced(by: conversionTime) }
    }

    public func width(of register: UInt8) -> Int { register & 0x03 == 0x01 ? 1 : 2 }

    public mutating func write(_ register: UInt8, value: UInt16, at now: SimulatedClock.Instant?) {
        switch register & 0x03 {
        case 0x01:
            let wasShutDown = configuration & 0x01 != 0
            configuration = UInt8(value & 0x1F)
            if wasShutDown && configuration & 0x01 == 0 {
                convertedFrom = now.map { $0.advanced(by: conversionTime) }
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
            var converting = false
            if pending, let now, let from = convertedFrom { converting = now < from }
            if configuration & 0x01 == 0 && !converting {
                pending = false
                // 9 bits: counts of 0.5 °C; 11 bits: counts of 0.125 °C.
                let counts = Int((temperatureCelsius * (bits == 11 ? 8 : 2)).rounded(.down))
                let limit = 1 << (bits - 1)
                let clamped = max(min(counts, limit - 1), -limit)
                lastResult = UInt16(bitPattern: Int16(clamped) << (16 - bits))
            }
            return lastResult
        case 0x01: return UInt16(configuration)
        case 0x02: return limits[0]
        default: return limits[1]
        }
    }
}
