/// Register map of the ams TSL2591 (datasheet ams163.5 / v2-04, "Register Set" and "Command
/// Register"): every access starts with a command byte, CMD (bit 7) set and TRANSACTION
/// (bits 6:5) 01 for a normal operation, the register in bits 4:0; reads auto-increment.
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// datasheet's numbers instead of reading these, so a typo here cannot pass its own test.
public enum TSL2591Register {
    /// CMD | normal transaction.
    public static let command: UInt8 = 0xA0
    /// ENABLE (0x00): NPIEN 7, SAI 6, AIEN 4, AEN 1, PON 0.
    public static let enable: UInt8 = 0x00
    /// CONTROL (0x01): SRESET 7, AGAIN 5:4, ATIME 2:0.
    public static let control: UInt8 = 0x01
    /// ID (0x12): 0x50.
    public static let identity: UInt8 = 0x12
    /// STATUS (0x13): NPINTR 5, AINT 4, AVALID 0; directly before the data, so one read gives
    /// the status of the integration it returns.
    public static let status: UInt8 = 0x13
    /// C0DATAL (0x14): CH0 (full spectrum) low, high, then CH1 (infrared) low, high to 0x17.
    public static let channel0Low: UInt8 = 0x14

    /// The device id.
    public static let expectedID: UInt8 = 0x50
    /// ENABLE with the oscillator on (PON) and the ALS integrating (AEN).
    public static let enableValue: UInt8 = 0x03
    /// AVALID: an integration has completed since AEN was set.
    public static let statusValid: UInt8 = 0x01
    /// The fixed address.
    public static let address: UInt8 = 0x29
    /// LUX_DF: the device factor of the lux formula.
    public static let luxDeviceFactor = 408.0
}

/// AGAIN (CONTROL bits 5:4).
public enum TSL2591Gain: String, Sendable, Hashable, CaseIterable {
    /// 00, 1×.
    case low
    /// 01, 25× typical.
    case medium
    /// 10, 428× typical.
    case high
    /// 11, 9876× typical.
    case max

    /// The typical gain relative to low, as Adafruit's library and ams's reference code use
    /// them for the counts-per-lux.
    public var factor: Double {
        switch self {
        case .low: return 1
        case .medium: return 25
        case .high: return 428
        case .max: return 9_876
        }
    }

    /// The two bits in place.
    public var bits: UInt8 { UInt8(Self.allCases.firstIndex(of: self) ?? 0) << 4 }
}

/// ATIME (CONTROL bits 2:0): 000 100 ms ... 101 600 ms.
public enum TSL2591IntegrationTime: Int, Sendable, Hashable, CaseIterable {
    case ms100 = 100, ms200 = 200, ms300 = 300, ms400 = 400, ms500 = 500, ms600 = 600

    /// The configuration's spelling: `100ms` ... `600ms`.
    public var name: String { "\(rawValue)ms" }

    /// The three bits: (ms / 100) − 1.
    public var bits: UInt8 { UInt8(rawValue / 100 - 1) }

    /// The integration time.
    public var duration: Duration { .milliseconds(rawValue) }

    /// MAX COUNT: a channel's full count at this time, 37888 at 100 ms (the ADC counts 1024 per
    /// 2.73 ms step) and 65535 beyond.
    public var maximumCount: UInt16 { self == .ms100 ? 37_888 : 65_535 }
}

/// The settings a lux value depends on.
public struct TSL2591Settings: Sendable, Hashable {
    /// The gain.
    public var gain: TSL2591Gain
    /// The integration time.
    public var integrationTime: TSL2591IntegrationTime

    /// Creates settings; the default is medium gain, 100 ms (Adafruit's starting point).
    public init(gain: TSL2591Gain = .medium, integrationTime: TSL2591IntegrationTime = .ms100) {
        self.gain = gain
        self.integrationTime = integrationTime
    }

    /// CONTROL: AGAIN and ATIME, no reset.
    public var control: UInt8 { gain.bits | integrationTime.bits }

    /// Counts per lux: ATIME_ms × AGAIN / LUX_DF.
    public var countsPerLux: Double { Double(integrationTime.rawValue) * gain.factor / TSL2591Register.luxDeviceFactor }

    /// The lux of a count pair by Adafruit's TSL2591 library (v1.2 on, after ams's DN40
    /// simplification to one coefficient): (CH0 − CH1) × (1 − CH1 / CH0) / CPL; 0 in the dark.
    public func lux(fullSpectrum: UInt16, infrared: UInt16) -> Double {
        guard fullSpectrum > 0 else { return 0 }
        let ch0 = Double(fullSpectrum), ch1 = Double(infrared)
        return (ch0 - ch1) * (1 - ch1 / ch0) / countsPerLux
    }

    /// The largest lux the formula gives below saturation: CH0 at MAX COUNT, no infrared.
    public var maximumLux: Double { Double(integrationTime.maximumCount) / countsPerLux }
}
