/// What the BMP280's register map (BST-BMP280-DS001 4.3, table 18) has beyond
/// ``BMx280Register``, which it shares with the BME280.
public enum BMP280Register {
    /// The chip ids a BMP280 answers at 0xD0: 0x58 in production, 0x56/0x57 on engineering
    /// samples still sold on breakout boards (Bosch's BMP2 API accepts all three).
    public static let acceptedChipIDs: [UInt8] = [0x58, 0x56, 0x57]
    /// Length of the data block 0xF7...0xFC (pressure, then temperature; no humidity).
    public static let dataLength = 6
}
