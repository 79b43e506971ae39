/// Register map of the TI TMP102 (datasheet SBOS397, 7.5 "Programming", tables 7-8 to 7-12):
/// a one-byte pointer (P1:P0) selects one of four 16-bit registers, MSB first.
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// datasheet's numbers instead of reading these, so a typo here cannot pass its own test.
public enum TMP102Register {
    /// Temperature (read only): 12 bits in 15:4, or 13 bits in 15:3 with bit 0 set in extended mode.
    public static let temperature: UInt8 = 0x00
    /// Configuration: OS R1 R0 F1 F0 POL TM SD | CR1 CR0 AL EM 0 0 0 0.
    public static let configuration: UInt8 = 0x01
    /// T_LOW limit.
    public static let lowLimit: UInt8 = 0x02
    /// T_HIGH limit.
    public static let highLimit: UInt8 = 0x03

    /// Configuration after power-up or reset: R1:R0 = 11 (read only), 4 Hz, AL = 1.
    public static let powerUpConfiguration: UInt16 = 0x60A0
    /// R1:R0, the read-only converter resolution bits that always read 11 on a TMP102.
    public static let resolutionBits: UInt16 = 0x6000
    /// SD: shutdown.
    public static let shutdownBit: UInt16 = 0x0100
    /// CR1:CR0 (7:6): 00 0.25 Hz, 01 1 Hz, 10 4 Hz (default), 11 8 Hz.
    public static let conversionRateBits: UInt16 = 0x00C0
    /// EM: extended mode, 13-bit temperature up to 150 °C.
    public static let extendedModeBit: UInt16 = 0x0010

    /// ADD0 to GND; V+, SDA and SCL give 0x49, 0x4A and 0x4B.
    public static let baseAddress: UInt8 = 0x48

    /// Conversion time, maximum (table 6.5: 26 ms typical, 35 ms maximum).
    public static let conversionTime: Duration = .milliseconds(35)
}
