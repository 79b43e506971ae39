/// The Dallas/Maxim 1-Wire CRC-8 (polynomial x⁸ + x⁵ + x⁴ + 1, 0x31, processed LSB first, so
/// 0x8C reflected; initial value 0), as Maxim application note 27 defines it. A scratchpad or
/// ROM code whose last byte is the CRC of the others has a CRC of 0 over all its bytes.
public enum MaximCRC8 {
    /// The CRC of `bytes`.
    public static func checksum<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt8 {
        var crc: UInt8 = 0
        for byte in bytes {
            crc ^= byte
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0x8C : crc >> 1
            }
        }
        return crc
    }
}
