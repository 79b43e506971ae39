import HALSimulation

/// A behavioural model of a Vishay VEML7700 for ``SimulatedWordRegisterChip`` (little-endian).
///
/// ALS reads 0 from power-up and while shut down; once ALS_SD is cleared, the first result is
/// ready after 2.5 ms and one integration time on the model's clock (at once without one), and
/// is then the environment's lux divided by the app note's resolution for the configured gain
/// and integration time, worked out here from the table rather than shared with the driver,
/// rounded and saturating at 65535. The id reads 0xC481.
public struct SimulatedVEML7700: WordRegisterModel {
    /// The light the chip sees, lx.
    public var illuminanceLux = 300.0
    /// The id register.
    public var identity: UInt16 = 0xC481
    /// ALS_CONF_0 (0x0001 after power-up: shut down).
    public private(set) var configuration: UInt16 = 0x0001
    /// Power saving mode.
    public private(set) var powerSaving: UInt16 = 0x0000
    private var readyAt: SimulatedClock.Instant?
    private var everStarted = false

    /// A chip just powered up (shut down).
    public init() {}

    public func width(of register: UInt8) -> Int { 2 }

    public mutating func write(_ register: UInt8, value: UInt16, at now: SimulatedClock.Instant?) {
        switch register {
        case 0x00:
            let waking = configuration & 0x0001 != 0 && value & 0x0001 == 0
            configuration = value
            if waking {
                everStarted = true
                readyAt = now.map { $0.advanced(by: .microseconds(2_500) + .milliseconds(Self.integrationMilliseconds(value))) }
            }
        case 0x03: powerSaving = value
        default: break
        }
    }

    public mutating func read(_ register: UInt8, at now: SimulatedClock.Instant?) -> UInt16 {
        switch register {
        case 0x00: return configuration
        case 0x03: return powerSaving
        case 0x04:
            guard everStarted, configuration & 0x0001 == 0 else { return 0 }
            if let now, let readyAt, now < readyAt { return 0 }
            return count
        case 0x07: return identity
        default: return 0
        }
    }

    /// The app note's table: 0.0036 lx per count at gain 2, 800 ms.
    private var count: UInt16 {
        let gain: Double = [1, 2, 0.125, 0.25][Int((configuration >> 11) & 0x3)]
        let milliseconds = Double(Self.integrationMilliseconds(configuration))
        let luxPerCount = 0.0036 * (2 / gain) * (800 / milliseconds)
        return UInt16(min((illuminanceLux / luxPerCount).rounded(), 65_535))
    }

    private static func integrationMilliseconds(_ configuration: UInt16) -> Int {
        switch (configuration >> 6) & 0xF {
        case 0b1100: return 25
        case 0b1000: return 50
        case 0b0001: return 200
        case 0b0010: return 400
        case 0b0011: return 800
        default: return 100
        }
    }
}
