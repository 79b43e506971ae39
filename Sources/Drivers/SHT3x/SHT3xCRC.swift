/// The SHT3x's CRC-8 over each 16-bit word it sends (datasheet 4.12, table 19): polynomial 0x31
/// (x^8 + x^5 + x^4 + 1), initial value 0xFF, no reflection, no final XOR. CRC(0xBE 0xEF) = 0x92.
public enum SHT3xCRC {
    /// The checksum of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt8 {
        var crc: UInt8 = 0xFF
        for byte in bytes {
            crc ^= byte
            for _ in 0..<8 {
                crc = crc & 0x80 != 0 ? (crc << 1) ^ 0x31 : crc << 1
            }
        }
        return crc
    }
}

extension SHT3xCRC {
    /// `0x5A`-style text for error details; namespaced because Drivers hosts many chips.
    static func hex(_ byte: UInt8) -> String {
        let text = String(byte, radix: 16, uppercase: true)
        return text.count < 2 ? "0" + text : text
    }
}
