/// An MSB-first CRC-8 with no reflection and no final XOR, the checksum the climate chips put
/// after their data: Sensirion's SHT3x/SHT4x/SCD4x and the Aosong AHT20 use polynomial 0x31
/// (x^8 + x^5 + x^4 + 1) from 0xFF, the HTU21D/Si7021 the same polynomial (written 0x131 with
/// its x^8 term) from 0x00.
public struct CRC8: Sendable, Hashable {
    /// The polynomial without its x^8 term.
    public var polynomial: UInt8
    /// The register's value before the first byte.
    public var initial: UInt8

    /// Creates a CRC.
    public init(polynomial: UInt8, initial: UInt8) {
        self.polynomial = polynomial
        self.initial = initial
    }

    /// Sensirion's CRC (SHT3x datasheet 4.12, SHT4x 4.4, SCD4x 3.11): 0x31 from 0xFF;
    /// CRC(0xBE 0xEF) = 0x92.
    public static let sensirion = CRC8(polynomial: 0x31, initial: 0xFF)

    /// The checksum of `bytes`.
    public func checksum(_ bytes: some Sequence<UInt8>) -> UInt8 {
        var crc = initial
        for byte in bytes {
            crc ^= byte
            for _ in 0..<8 {
                crc = crc & 0x80 != 0 ? (crc << 1) ^ polynomial : crc << 1
            }
        }
        return crc
    }

    /// `0x5A`-style text for error details.
    static func hex(_ byte: UInt8) -> String {
        let text = String(byte, radix: 16, uppercase: true)
        return text.count < 2 ? "0" + text : text
    }
}
