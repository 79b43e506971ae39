/// Register map of the TI INA219 (datasheet SBOS448, 8.6, table 2): a one-byte pointer selects
/// a 16-bit register, MSB first.
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// datasheet's numbers instead of reading these, so a typo here cannot pass its own test.
public enum INA219Register {
    /// Configuration: RST 15, BRNG 13, PG 12:11, BADC 10:7, SADC 6:3, MODE 2:0 (reset 0x399F).
    public static let configuration: UInt8 = 0x00
    /// Shunt voltage, two's complement, 10 µV per LSB at every PGA setting.
    public static let shuntVoltage: UInt8 = 0x01
    /// Bus voltage: BD12...BD0 in 15:3 (4 mV per LSB), CNVR 1, OVF 0.
    public static let busVoltage: UInt8 = 0x02
    /// Power, Power_LSB = 20 × Current_LSB.
    public static let power: UInt8 = 0x03
    /// Current, Current_LSB per count.
    public static let current: UInt8 = 0x04
    /// Calibration (bits 15:1).
    public static let calibration: UInt8 = 0x05

    /// OVF in the bus voltage register: the current or power calculation overflowed.
    public static let overflowBit: UInt16 = 0x0001
    /// MODE = 111: shunt and bus, continuous.
    public static let continuousShuntAndBus: UInt16 = 0b111

    /// A1 and A0 to GND; the pins select 0x40...0x4F.
    public static let baseAddress: UInt8 = 0x40
}

/// The INA219's bus voltage range (BRNG, bit 13).
public enum INA219BusRange: Int, Sendable, Hashable, CaseIterable {
    /// 16 V full scale.
    case sixteenVolts = 16
    /// 32 V full scale (the reset value).
    case thirtyTwoVolts = 32

    /// BRNG.
    public var bits: UInt16 { self == .thirtyTwoVolts ? 1 << 13 : 0 }
}

/// The INA219's PGA (bits 12:11): the shunt voltage full scale.
public enum INA219ShuntRange: Int, Sendable, Hashable, CaseIterable {
    /// ±40 mV, gain 1.
    case millivolts40 = 40
    /// ±80 mV, gain /2.
    case millivolts80 = 80
    /// ±160 mV, gain /4.
    case millivolts160 = 160
    /// ±320 mV, gain /8 (the reset value).
    case millivolts320 = 320

    /// Full scale, V.
    public var volts: Double { Double(rawValue) / 1000 }

    /// PG1:PG0.
    public var bits: UInt16 {
        switch self {
        case .millivolts40: return 0b00 << 11
        case .millivolts80: return 0b01 << 11
        case .millivolts160: return 0b10 << 11
        case .millivolts320: return 0b11 << 11
        }
    }
}

/// The INA219's ADC setting (BADC and SADC, table 5): 12-bit single conversions or 12-bit
/// samples averaged.
public struct INA219Averaging: Sendable, Hashable {
    /// Samples averaged: 1, 2, 4, ..., 128.
    public let samples: Int

    /// Every count the chip offers.
    public static let allowed = [1, 2, 4, 8, 16, 32, 64, 128]

    /// One 12-bit conversion, the reset value.
    public static let single = INA219Averaging(exactly: 1)

    private init(exactly samples: Int) { self.samples = samples }

    /// Creates a setting; `nil` for a count the chip lacks.
    public init?(samples: Int) {
        guard Self.allowed.contains(samples) else { return nil }
        self.samples = samples
    }

    /// The four ADC bits: 0011 for one 12-bit conversion, 1nnn for 2^nnn samples.
    public var bits: UInt16 {
        samples == 1 ? 0b0011 : 0b1000 | UInt16(samples.trailingZeroBitCount)
    }

    /// One conversion's maximum time (table 5 / 7.5 "Conversion time"): 586 µs at 12 bits, and
    /// for averaging 1.17, 2.35, 4.69, 9.36, 18.72, 37.45, 74.91 ms.
    public var conversionTime: Duration {
        switch samples {
        case 1: return .microseconds(586)
        case 2: return .microseconds(1_170)
        case 4: return .microseconds(2_350)
        case 8: return .microseconds(4_690)
        case 16: return .microseconds(9_360)
        case 32: return .microseconds(18_720)
        case 64: return .microseconds(37_450)
        default: return .microseconds(74_910)
        }
    }
}
