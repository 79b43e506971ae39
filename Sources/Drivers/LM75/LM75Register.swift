/// Register map of the LM75 family (TI/National LM75B/C datasheet SNIS153, 7.6; NXP LM75B
/// datasheet, section 7.4): a one-byte pointer selects Temp (16 bits, MSB first), Conf (8
/// bits), Thyst and Tos (16 bits).
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// datasheet's numbers instead of reading these, so a typo here cannot pass its own test.
public enum LM75Register {
    /// Temperature (read only), left-aligned two's complement.
    public static let temperature: UInt8 = 0x00
    /// Configuration, 8 bits: 7:5 reserved (0), 4:3 fault queue, 2 OS polarity,
    /// 1 comparator/interrupt, 0 shutdown.
    public static let configuration: UInt8 = 0x01
    /// T_HYST set point (75 °C after power-up).
    public static let hysteresis: UInt8 = 0x02
    /// T_OS set point (80 °C after power-up).
    public static let overtemperature: UInt8 = 0x03

    /// What the driver writes to Conf: normal operation, comparator mode, OS active low, fault
    /// queue 1, which is also the power-up value. Writing it wakes a chip left in shutdown.
    public static let normalConfiguration: UInt8 = 0x00

    /// A2...A0 low; A2...A0 select 0x48...0x4F.
    public static let baseAddress: UInt8 = 0x48
}

/// Which LM75 the sensor is: the original 9-bit part or NXP's 11-bit LM75A/LM75B.
///
/// The same name covers both: TI's (formerly National's) LM75B is a 9-bit part, NXP's LM75B an
/// 11-bit one, so the configuration names the resolution rather than a part number.
public enum LM75Resolution: Int, Sendable, Hashable, CaseIterable {
    /// 0.5 °C in bits 15:7 (TI/National LM75, LM75B, LM75C; most clones).
    case nineBit = 9
    /// 0.125 °C in bits 15:5 (NXP LM75A, LM75B).
    case elevenBit = 11

    /// The step of one count, °C.
    public var step: Double {
        switch self {
        case .nineBit: return 0.5
        case .elevenBit: return 0.125
        }
    }

    /// How long a conversion may take after a chip leaves shutdown or powers up: TI's 300 ms
    /// maximum (SNIS153 6.5, "Temperature conversion time"), NXP's 100 ms conversion period
    /// (LM75B table 10: a 10 ms conversion every 100 ms).
    public var conversionTime: Duration {
        switch self {
        case .nineBit: return .milliseconds(300)
        case .elevenBit: return .milliseconds(100)
        }
    }
}
