/// Register map of the Vishay VEML7700 (datasheet 84286, "Command Register Format"): a
/// one-byte command code selects a 16-bit register, least significant byte first.
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// datasheet's numbers instead of reading these, so a typo here cannot pass its own test.
public enum VEML7700Register {
    /// ALS_CONF_0: ALS_GAIN 12:11, ALS_IT 9:6, ALS_PERS 5:4, ALS_INT_EN 1, ALS_SD 0.
    public static let configuration: UInt8 = 0x00
    /// Power saving mode: PSM 2:1, PSM_EN 0.
    public static let powerSaving: UInt8 = 0x03
    /// ALS: the ambient light count.
    public static let ambientLight: UInt8 = 0x04
    /// WHITE: the wide-band count.
    public static let white: UInt8 = 0x05
    /// ID: device id code 0x81 in 7:0, the address option in 15:8.
    public static let identity: UInt8 = 0x07

    /// The device id code (the low byte of ``identity``).
    public static let expectedDeviceID: UInt8 = 0x81
    /// The fixed address.
    public static let address: UInt8 = 0x10
    /// The wait after ALS_SD is cleared before the first integration starts (datasheet: 2.5 ms).
    public static let wakeUpTime: Duration = .microseconds(2_500)
}

/// ALS_GAIN (bits 12:11).
public enum VEML7700Gain: String, Sendable, Hashable, CaseIterable {
    /// ×1/8, code 10: the widest range, the app note's starting point.
    case eighth = "1/8"
    /// ×1/4, code 11.
    case quarter = "1/4"
    /// ×1, code 00.
    case one = "1"
    /// ×2, code 01.
    case two = "2"

    /// The gain.
    public var factor: Double {
        switch self {
        case .eighth: return 0.125
        case .quarter: return 0.25
        case .one: return 1
        case .two: return 2
        }
    }

    /// The two bits in place.
    public var bits: UInt16 {
        switch self {
        case .one: return 0b00 << 11
        case .two: return 0b01 << 11
        case .eighth: return 0b10 << 11
        case .quarter: return 0b11 << 11
        }
    }
}

/// ALS_IT (bits 9:6).
public enum VEML7700IntegrationTime: Int, Sendable, Hashable, CaseIterable {
    case ms25 = 25, ms50 = 50, ms100 = 100, ms200 = 200, ms400 = 400, ms800 = 800

    /// The configuration's spelling: `25ms` ... `800ms`.
    public var name: String { "\(rawValue)ms" }

    /// The four bits in place: 1100 25 ms, 1000 50 ms, 0000 100 ms, 0001 200 ms, 0010 400 ms,
    /// 0011 800 ms.
    public var bits: UInt16 {
        let code: UInt16
        switch self {
        case .ms25: code = 0b1100
        case .ms50: code = 0b1000
        case .ms100: code = 0b0000
        case .ms200: code = 0b0001
        case .ms400: code = 0b0010
        case .ms800: code = 0b0011
        }
        return code << 6
    }

    /// The integration time.
    public var duration: Duration { .milliseconds(rawValue) }
}

/// The lux a count is worth at a gain and integration time: the application note's table
/// ("Designing the VEML7700 Into an Application", 84323, resolution and maximum
/// illuminance), 0.0036 lx at gain 2 and 800 ms, doubling with each halving of either.
public struct VEML7700Resolution: Sendable, Hashable {
    /// The gain.
    public var gain: VEML7700Gain
    /// The integration time.
    public var integrationTime: VEML7700IntegrationTime

    /// Creates a setting.
    public init(gain: VEML7700Gain, integrationTime: VEML7700IntegrationTime) {
        self.gain = gain
        self.integrationTime = integrationTime
    }

    /// lx per count.
    public var luxPerCount: Double {
        0.0036 * (2 / gain.factor) * (800 / Double(integrationTime.rawValue))
    }

    /// The illuminance of the full count 65535.
    public var maximumLux: Double { 65_535 * luxPerCount }

    /// The application note's correction for the non-linearity at high illuminance (the
    /// gains 1/4 and 1/8): 6.0135e-13 lx⁴ − 9.3924e-9 lx³ + 8.1488e-5 lx² + 1.0023 lx.
    public static func corrected(_ lux: Double) -> Double {
        (((6.0135e-13 * lux - 9.3924e-9) * lux + 8.1488e-5) * lux + 1.0023) * lux
    }
}
