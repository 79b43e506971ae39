/// Register map of the ST LIS3DH (DocID17530 rev 2, section 7 and table 17): byte registers,
/// the acceleration as 16-bit little-endian left-justified two's complement words.
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// datasheet's numbers instead of reading these, so a typo here cannot pass its own test.
public enum LIS3DHRegister {
    /// WHO_AM_I (0x0F, 8.10): 0x33.
    public static let whoAmI: UInt8 = 0x0F
    /// CTRL_REG1 (0x20, 8.8): ODR 7:4, LPen 3, Zen 2, Yen 1, Xen 0.
    public static let control1: UInt8 = 0x20
    /// CTRL_REG4 (0x23, 8.11): BDU 7, BLE 6, FS 5:4, HR 3, ST 2:1, SIM 0.
    public static let control4: UInt8 = 0x23
    /// OUT_X_L (0x28, 8.18): X, Y, Z low and high bytes follow to 0x2D.
    public static let outXLow: UInt8 = 0x28

    /// The WHO_AM_I of a LIS3DH.
    public static let expectedWhoAmI: UInt8 = 0x33
    /// The data block's length: three little-endian words.
    public static let dataLength = 6
    /// I2C: bit 7 of the sub-address asks for auto-increment (6.1.1).
    public static let i2cAutoIncrement: UInt8 = 0x80
    /// SPI: bit 7 of the first byte is RW (1 = read), bit 6 is MS (1 = increment the address
    /// in multiple-byte transfers) (6.2).
    public static let spiRead: UInt8 = 0x80
    /// SPI: the MS bit.
    public static let spiMultiple: UInt8 = 0x40
    /// The address with SA0 low; 0x19 with SA0 high.
    public static let address: UInt8 = 0x18

    /// Parts of ST's accelerometer family that answer at 0x0F, by WHO_AM_I, so a wrong part is
    /// named. (The LIS2DH12 and LSM303AGR's accelerometer answer 0x33 too, and are compatible.)
    public static func chipName(_ whoAmI: UInt8) -> String? {
        switch whoAmI {
        case 0x33: return "LIS3DH"
        case 0x32: return "LIS331DLH"
        case 0x3B: return "LIS302DL"
        case 0x3F: return "LIS3DSH"
        case 0x44: return "LIS2DW12"
        default: return nil
        }
    }

    /// Standard gravity, m/s² (the `g` of mg/digit).
    public static let standardGravity = 9.80665
}

/// The operating mode: LPen in CTRL_REG1 and HR in CTRL_REG4 (table 10).
public enum LIS3DHMode: String, Sendable, Hashable, CaseIterable {
    /// 8-bit data, LPen = 1, HR = 0.
    case lowPower = "low_power"
    /// 10-bit data, LPen = 0, HR = 0.
    case normal
    /// 12-bit data, LPen = 0, HR = 1.
    case highResolution = "high_resolution"

    /// Bits of the left-justified word that carry data.
    public var bits: Int {
        switch self {
        case .lowPower: return 8
        case .normal: return 10
        case .highResolution: return 12
        }
    }

    /// The turn-on time from power-down (table 10): 1 ms low-power, 1.6 ms normal, 7/ODR high
    /// resolution.
    public func turnOnTime(_ rate: LIS3DHDataRate) -> Duration {
        switch self {
        case .lowPower: return .microseconds(1_000)
        case .normal: return .microseconds(1_600)
        case .highResolution: return rate.period * 7
        }
    }
}

/// The full scale, FS in CTRL_REG4 bits 5:4 (table 4 and 8.11).
public enum LIS3DHRange: Int, Sendable, Hashable, CaseIterable {
    case g2 = 2, g4 = 4, g8 = 8, g16 = 16

    /// FS 0...3.
    public var code: UInt8 {
        switch self {
        case .g2: return 0
        case .g4: return 1
        case .g8: return 2
        case .g16: return 3
        }
    }

    /// Table 4's sensitivity in mg/digit for `mode`: high resolution 1/2/4/12, normal
    /// 4/8/16/48, low-power 16/32/64/192 (the ±16 g step is 3×, not 2×).
    public func milligPerDigit(_ mode: LIS3DHMode) -> Double {
        let highResolution: Double
        switch self {
        case .g2: highResolution = 1
        case .g4: highResolution = 2
        case .g8: highResolution = 4
        case .g16: highResolution = 12
        }
        switch mode {
        case .highResolution: return highResolution
        case .normal: return highResolution * 4
        case .lowPower: return highResolution * 16
        }
    }
}

/// The output data rate, ODR in CTRL_REG1 bits 7:4 (table 31).
public enum LIS3DHDataRate: Int, Sendable, Hashable, CaseIterable {
    case hz1 = 1, hz10 = 10, hz25 = 25, hz50 = 50, hz100 = 100, hz200 = 200, hz400 = 400
    /// 1.344 kHz, normal and high-resolution modes only (code 1001).
    case hz1344 = 1344
    /// 1.6 kHz, low-power mode only (code 1000).
    case hz1620 = 1620
    /// 5.376 kHz, low-power mode only (code 1001).
    case hz5376 = 5376

    /// ODR 1...9.
    public var code: UInt8 {
        switch self {
        case .hz1: return 1
        case .hz10: return 2
        case .hz25: return 3
        case .hz50: return 4
        case .hz100: return 5
        case .hz200: return 6
        case .hz400: return 7
        case .hz1620: return 8
        case .hz1344, .hz5376: return 9
        }
    }

    /// Whether the rate exists in `mode`.
    public func isAvailable(in mode: LIS3DHMode) -> Bool {
        switch self {
        case .hz1344: return mode != .lowPower
        case .hz1620, .hz5376: return mode == .lowPower
        default: return true
        }
    }

    /// One output period.
    public var period: Duration { .nanoseconds(1_000_000_000 / Int64(rawValue)) }
}
