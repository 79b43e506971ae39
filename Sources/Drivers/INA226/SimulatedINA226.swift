import HALSimulation

/// A behavioural model of a TI INA226 for ``SimulatedWordRegisterChip``: a load drawing
/// `loadAmperes` through `shuntOhms` at `busVolts`.
///
/// The registers are worked out here from the datasheet (7.5, equations 3 and 4; 7.6) rather
/// than shared with the driver: shunt = V_shunt / 2.5 µV saturating at ±32767, bus = V_bus /
/// 1.25 mV, Current = trunc(Shunt × Cal / 2048), Power = trunc(|Current| × Bus / 20000).
/// Current and Power read 0 until Calibration is written, as after reset. The ids read 0x5449
/// and 0x2260 unless changed to play another chip.
public struct SimulatedINA226: SimulatedCurrentShuntModel {
    /// The load current, A.
    public var loadAmperes = 0.5
    /// The bus voltage at VBUS, V.
    public var busVolts = 12.0
    /// The shunt the board carries, Ω.
    public var shuntOhms = 0.1
    /// The manufacturer id it reports.
    public var manufacturerID: UInt16 = 0x5449
    /// The die id it reports.
    public var dieID: UInt16 = 0x2260
    /// Configuration.
    public private(set) var configuration: UInt16 = 0x4127
    /// Calibration.
    public private(set) var calibration: UInt16 = 0

    /// A chip just powered up.
    public init() {}

    /// A power cycle of the chip alone: every register back to its reset value.
    public mutating func reset() {
        configuration = 0x4127
        calibration = 0
    }

    public func width(of register: UInt8) -> Int { 2 }

    public mutating func write(_ register: UInt8, value: UInt16, at now: SimulatedClock.Instant?) {
        switch register {
        case 0x00:
            if value & 0x8000 != 0 { reset() } else { configuration = value & 0x0FFF | 0x4000 }
        case 0x05:
            calibration = value & 0x7FFF
        default:
            break
        }
    }

    public mutating func read(_ register: UInt8, at now: SimulatedClock.Instant?) -> UInt16 {
        switch register {
        case 0x00: return configuration
        case 0x01: return UInt16(bitPattern: Int16(shuntCount))
        case 0x02: return UInt16(max(min(Int((busVolts / 0.00125).rounded()), 0x7FFF), 0))
        case 0x03: return UInt16(clamping: abs(currentCount) * Int(read(0x02, at: now)) / 20_000)
        case 0x04: return UInt16(bitPattern: Int16(clamping: currentCount))
        case 0x05: return calibration
        case 0xFE: return manufacturerID
        case 0xFF: return dieID
        default: return 0
        }
    }

    private var shuntCount: Int { max(min(Int((loadAmperes * shuntOhms / 2.5e-6).rounded()), 32_767), -32_768) }
    private var currentCount: Int { shuntCount * Int(calibration) / 2048 }
}
