/// Instructions of the ROHM BH1750FVI ambient light sensor (datasheet "BH1750FVI", Instruction
/// Set Architecture). Every instruction is one byte written on its own; the result is a plain
/// two-byte read with no register pointer and no checksum.
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// datasheet's numbers instead of reading these, so a typo here cannot pass its own test.
public enum BH1750Opcode {
    /// Power down: no active state.
    public static let powerDown: UInt8 = 0x00
    /// Power on: waiting for a measurement instruction.
    public static let powerOn: UInt8 = 0x01
    /// One-time high-resolution mode: one measurement at 1 lx resolution (at MTreg 69), then
    /// the chip powers itself down.
    public static let oneTimeHighResolution: UInt8 = 0x20
    /// Change measurement time, high bits: `0b01000_hhh` carries MTreg bits 7:5.
    public static let measurementTimeHighBits: UInt8 = 0x40
    /// Change measurement time, low bits: `0b011_lllll` carries MTreg bits 4:0.
    public static let measurementTimeLowBits: UInt8 = 0x60

    /// I2C address with ADDR tied low (the default).
    public static let primaryAddress: UInt8 = 0x23
    /// I2C address with ADDR tied high.
    public static let secondaryAddress: UInt8 = 0x5C
}
