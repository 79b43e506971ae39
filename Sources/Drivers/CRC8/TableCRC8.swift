/// The CRC-8 the simulated Sensirion chips (SHT3x, SHT4x, SCD4x) and the AHT20 send:
/// polynomial 0x31 from 0xFF, computed by a table of the 256 one-byte remainders rather than
/// bit by bit as the drivers' ``CRC8`` does, so a model cannot share a driver's mistake.
public enum TableCRC8 {
    /// The CRC of `bytes`.
    public static func sensirion(_ bytes: some Sequence<UInt8>) -> UInt8 {
        bytes.reduce(UInt8(0xFF)) { crc, byte in table[Int(crc ^ byte)] }
    }

    /// A word as the chips frame it: MSB, LSB, CRC (inverted when `corrupt`, for tests of the
    /// drivers' CRC check).
    public static func framed(_ word: UInt16, corrupt: Bool = false) -> [UInt8] {
        let bytes = [UInt8(word >> 8), UInt8(word & 0xFF)]
        let crc = sensirion(bytes)
        return bytes + [corrupt ? ~crc : crc]
    }

    private static let table: [UInt8] = (0..<256).map { index in
        var remainder = UInt8(index)
        for _ in 0..<8 {
            let carry = remainder & 0x80 != 0
            remainder <<= 1
            if carry { remainder ^= 0x31 }
        }
        return remainder
    }
}
