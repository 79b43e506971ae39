/// Register map of the Microchip MCP9808 (datasheet DS25095, table 5-1 "Register pointers").
/// Registers are 16 bits, MSB first, except the 8-bit resolution register.
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// datasheet's numbers instead of reading these, so a typo here cannot pass its own test.
public enum MCP9808Register {
    /// CONFIG (5.1.1): shutdown bit 8; 0x0000 is continuous conversion, alerts off.
    public static let configuration: UInt8 = 0x01
    /// T_A, ambient temperature (5.1.3): flags 15:13, sign 12, value 11:0 in 1/16 °C.
    public static let ambientTemperature: UInt8 = 0x05
    /// Manufacturer id (5.1.4): 0x0054.
    public static let manufacturerID: UInt8 = 0x06
    /// Device id (high byte, 0x04) and revision (low byte) (5.1.5).
    public static let deviceID: UInt8 = 0x07
    /// Resolution (5.1.6), 8 bits: 0b00 0.5 °C ... 0b11 0.0625 °C.
    public static let resolution: UInt8 = 0x08

    /// What ``manufacturerID`` reads on a Microchip part.
    public static let expectedManufacturerID: UInt16 = 0x0054
    /// The high byte of ``deviceID`` on an MCP9808.
    public static let expectedDeviceID: UInt8 = 0x04

    /// Base address with A2...A0 low; A2...A0 select 0x18...0x1F.
    public static let baseAddress: UInt8 = 0x18
}

/// The MCP9808's resolution setting (register 0x08, table 5-8): finer is a longer conversion.
public enum MCP9808Resolution: UInt8, Sendable, Hashable, CaseIterable {
    /// 0.5 °C, t_CONV 30 ms.
    case halfDegree = 0x00
    /// 0.25 °C, t_CONV 65 ms.
    case quarterDegree = 0x01
    /// 0.125 °C, t_CONV 130 ms.
    case eighthDegree = 0x02
    /// 0.0625 °C, t_CONV 250 ms (the power-up default).
    case sixteenthDegree = 0x03

    /// The step in °C, as the configuration names it.
    public var step: Double {
        switch self {
        case .halfDegree: return 0.5
        case .quarterDegree: return 0.25
        case .eighthDegree: return 0.125
        case .sixteenthDegree: return 0.0625
        }
    }

    /// Conversion time, typical (table 1-1, t_CONV; the datasheet gives no maximum), with 25 %
    /// added: the first conversion after ``MCP9808/start()`` must be over before a read.
    public var conversionTime: Duration {
        switch self {
        case .halfDegree: return .microseconds(37_500)
        case .quarterDegree: return .microseconds(81_250)
        case .eighthDegree: return .microseconds(162_500)
        case .sixteenthDegree: return .microseconds(312_500)
        }
    }
}
