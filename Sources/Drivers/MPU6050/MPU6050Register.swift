/// Register map of the InvenSense MPU-6000/MPU-6050 (RM-MPU-6000A-00 rev 4.2, section 3 and
/// the register descriptions of section 4): one-byte registers behind an auto-incrementing
/// pointer, multi-byte values most significant byte first.
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// register map's numbers instead of reading these, so a typo here cannot pass its own test.
public enum MPU6050Register {
    /// CONFIG (26): DLPF_CFG in 2:0.
    public static let config: UInt8 = 0x1A
    /// GYRO_CONFIG (27): FS_SEL in 4:3.
    public static let gyroConfig: UInt8 = 0x1B
    /// ACCEL_CONFIG (28): AFS_SEL in 4:3.
    public static let accelConfig: UInt8 = 0x1C
    /// ACCEL_XOUT_H (59): the first of the 14 data registers, accelerometer x/y/z, TEMP_OUT,
    /// gyroscope x/y/z (4.17 to 4.19).
    public static let accelXOutHigh: UInt8 = 0x3B
    /// PWR_MGMT_1 (107): DEVICE_RESET 7, SLEEP 6, CYCLE 5, TEMP_DIS 3, CLKSEL 2:0; 0x40 after
    /// power-up (asleep, 4.28).
    public static let powerManagement1: UInt8 = 0x6B
    /// WHO_AM_I (117): bits 6:1 of the address, 0x68 whatever AD0 is (4.32).
    public static let whoAmI: UInt8 = 0x75

    /// The WHO_AM_I of an MPU-6000/6050 (and the MPU-9150, which has one inside).
    public static let expectedWhoAmI: UInt8 = 0x68
    /// The data block's length: 7 big-endian words.
    public static let dataLength = 14
    /// PWR_MGMT_1 awake with the PLL on the X gyroscope as clock (CLKSEL 1), which 4.28
    /// recommends over the internal 8 MHz oscillator for stability.
    public static let powerManagementAwake: UInt8 = 0x01
    /// The address with AD0 low; 0x69 with AD0 high.
    public static let address: UInt8 = 0x68
    /// Gyroscope start-up time from sleep (PS-MPU-6000A-00 rev 3.4, 6.1: 30 ms typical; no
    /// maximum is published).
    public static let startUpTime: Duration = .milliseconds(30)

    /// Chips of the family that answer at 0x75, by WHO_AM_I, so a wrong part is named.
    public static func chipName(_ whoAmI: UInt8) -> String? {
        switch whoAmI {
        case 0x68: return "MPU-6000/6050"
        case 0x70: return "MPU-6500"
        case 0x71: return "MPU-9250"
        case 0x73: return "MPU-9255"
        default: return nil
        }
    }

    /// Standard gravity (CGPM 1901; the `g` the register map's LSB/g means), m/s².
    public static let standardGravity = 9.80665
}

/// ACCEL_CONFIG AFS_SEL: the accelerometer's full scale (RM 4.5; PS 6.2 sensitivity).
public enum MPU6050AccelRange: Int, Sendable, Hashable, CaseIterable {
    case g2 = 2, g4 = 4, g8 = 8, g16 = 16

    /// AFS_SEL 0...3.
    public var code: UInt8 {
        switch self {
        case .g2: return 0
        case .g4: return 1
        case .g8: return 2
        case .g16: return 3
        }
    }

    /// ACCEL_CONFIG with AFS_SEL in 4:3 (self-test off).
    public var registerValue: UInt8 { code << 3 }

    /// LSB per g: 16384, 8192, 4096, 2048.
    public var countsPerG: Double { 16_384 / Double(1 << Int(code)) }
}

/// GYRO_CONFIG FS_SEL: the gyroscope's full scale in °/s (RM 4.4; PS 6.1 sensitivity).
public enum MPU6050GyroRange: Int, Sendable, Hashable, CaseIterable {
    case dps250 = 250, dps500 = 500, dps1000 = 1000, dps2000 = 2000

    /// FS_SEL 0...3.
    public var code: UInt8 {
        switch self {
        case .dps250: return 0
        case .dps500: return 1
        case .dps1000: return 2
        case .dps2000: return 3
        }
    }

    /// GYRO_CONFIG with FS_SEL in 4:3 (self-test off).
    public var registerValue: UInt8 { code << 3 }

    /// LSB per °/s as the product specification lists them: 131, 65.5, 32.8, 16.4 (rounded
    /// there, so not exactly 131 / 2^FS_SEL).
    public var countsPerDegreePerSecond: Double {
        switch self {
        case .dps250: return 131
        case .dps500: return 65.5
        case .dps1000: return 32.8
        case .dps2000: return 16.4
        }
    }
}

/// CONFIG DLPF_CFG: the digital low-pass filter, named by its accelerometer bandwidth in Hz
/// (RM 4.3 table: 260, 184, 94, 44, 21, 10, 5 for codes 0...6).
public enum MPU6050LowPassFilter: Int, Sendable, Hashable, CaseIterable {
    case hz260 = 260, hz184 = 184, hz94 = 94, hz44 = 44, hz21 = 21, hz10 = 10, hz5 = 5

    /// DLPF_CFG 0...6 (CONFIG's other bits, EXT_SYNC_SET, stay 0).
    public var code: UInt8 {
        UInt8(Self.allCases.firstIndex(of: self) ?? 0)
    }

    /// The accelerometer delay of this setting in ms (RM 4.3 table), which the first sample
    /// after waking waits out as well.
    public var accelerometerDelay: Duration {
        switch self {
        case .hz260: return .microseconds(0)
        case .hz184: return .microseconds(2_000)
        case .hz94: return .microseconds(3_000)
        case .hz44: return .microseconds(4_900)
        case .hz21: return .microseconds(8_500)
        case .hz10: return .microseconds(13_800)
        case .hz5: return .microseconds(19_000)
        }
    }
}
