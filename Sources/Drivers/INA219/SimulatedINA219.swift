import HALSimulation

/// A behavioural model of a TI INA219 for ``SimulatedWordRegisterChip``: a load drawing
/// `loadAmperes` through `shuntOhms` at `busVolts`.
///
/// The registers are worked out here from the datasheet (8.5.1, equations 4 and 5; 8.6.3)
/// rather than shared with the driver: shunt = V_shunt / 10 µV clamped to the PGA's range, bus
/// = V_bus / 4 mV in bits 15:3, Current = trunc(Shunt × Cal / 4096), Power = trunc(Current × Bus
/// / 5000), OVF when Current does not fit 16 bits. Current and Power read 0 until Calibration is
/// written, as after reset. A configuration write with RST set restores every register.
public struct SimulatedINA219: SimulatedCurrentShuntModel {
    /// The load current, A.
    public var loadAmperes = 0.5
    /// The bus voltage at IN-, V.
    public var busVolts = 5.0
    /// The shunt the board carries, Ω.
    public var shuntOhms = 0.1
    /// Configuration.
    public private(set) var configuration: UInt16 = 0x399F
    /// Calibration.
    public private(set) var calibration: UInt16 = 0

    /// A chip just powered up.
    public init() {}

    /// A power cycle of the chip alone: every register back to its reset value.
    public mutating func reset() {
        configuration = 0x399F
        calibration = 0
    }

    public func width(of register: UInt8) -> Int { 2 }

    public mutating func write(_ register: UInt8, value: UInt16, at now: SimulatedClock.Instant?) {
        switch register {
        case 0x00:
            if value & 0x8000 != 0 { reset() } else { configuration = value }
        case 0x05:
            calibration = value & 0xFFFE
        default:
            break
        }
    }

    public mutating func read(_ register: UInt8, at now: SimulatedClock.Instant?) -> UInt16 {
        switch register {
        case 0x00: return configuration
        case 0x01: return UInt16(bitPattern: Int16(shuntCount))
        case 0x02: return UInt16(busCount) << 3 | (overflows ? 0x0001 : 0)
        case 0x03: return overflows ? 0 : UInt16(clamping: abs(currentCount) * busCount / 5000)
        case 0x04: return overflows ? 0 : UInt16(bitPattern: Int16(currentCount))
        case 0x05: return calibration
        default: return 0
        }
    }

    /// ±4000 counts of 10 µV per PGA step (PG 00 40 mV ... 11 320 mV).
    private var shuntCount: Int {
        let limit = 4000 << Int((configuration >> 11) & 0x3)
        return max(min(Int((loadAmperes * shuntOhms / 10e-6).rounded()), limit), -limit)
    }

    private var busCount: Int { max(min(Int((busVolts / 0.004).rounded()), 0x1FFF), 0) }
    private var currentCount: Int { shuntCount * Int(calibration) / 4096 }
    private var overflows: Bool { currentCount > Int(Int16.max) || currentCount < Int(Int16.min) }
}
