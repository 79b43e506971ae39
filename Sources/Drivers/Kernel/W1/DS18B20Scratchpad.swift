import HAL

/// The nine scratchpad bytes of a DS18B20 as the kernel's `w1_therm` driver prints them in
/// `w1_slave`, with its verdict on the CRC:
///
/// ```
/// 72 01 4b 46 7f ff 0e 10 57 : crc=57 YES
/// 72 01 4b 46 7f ff 0e 10 57 t=23125
/// ```
///
/// Datasheet (Maxim DS18B20, "Memory", figure 7): byte 0 temperature LSB, 1 MSB, 2 TH, 3 TL,
/// 4 configuration (`0 R1 R0 1 1 1 1 1`), 5...7 reserved, 8 the CRC of bytes 0...7.
public struct DS18B20Scratchpad: Sendable, Hashable {
    /// The nine bytes.
    public var bytes: [UInt8]

    /// The power-on reset value of the temperature register, +85 °C (datasheet, "Operation —
    /// measuring temperature" and table 1: 0x0550).
    public static let powerOnValue: Int16 = 0x0550

    /// Parses `w1_slave` and checks it: nine bytes on both lines, the kernel's `YES`, our own
    /// CRC-8 over bytes 0...7 equal to byte 8, and the configuration register's fixed bits.
    /// - Throws: ``HALError`` `.badData` saying which check failed.
    public init(w1Slave text: String, path: String) throws {
        let lines = text.split(separator: "\n").map(String.init)
        func bad(_ detail: String) -> HALError { HALError(.badData, operation: "read \(path)", detail: detail) }
        // Linux 6.1's w1_therm retries a read whose CRC fails and, when every retry fails,
        // leaves w1_slave empty rather than printing "NO" (seen in the QEMU stage's w1 check).
        guard !lines.isEmpty else {
            throw bad("the kernel returned no scratchpad: every read failed its CRC or the sensor did not answer (a noisy or long 1-Wire line, a missing pull-up)")
        }
        guard lines.count >= 2 else { throw bad("expected two lines, got \(lines.count)") }
        let first = lines[0].split(separator: ":", maxSplits: 1)
        guard first.count == 2 else { throw bad("first line has no ': crc=' part") }
        let bytes = first[0].split(separator: " ").compactMap { UInt8($0, radix: 16) }
        guard bytes.count == 9, first[0].split(separator: " ").count == 9 else {
            throw bad("expected 9 hex bytes, got '\(SysfsValue.excerpt(String(first[0])))'")
        }
        let verdict = first[1].split(separator: " ").map(String.init)
        guard verdict.count == 2, verdict[0].hasPrefix("crc="), let kernelCRC = UInt8(verdict[0].dropFirst(4), radix: 16) else {
            throw bad("no 'crc=XX YES|NO' after the bytes")
        }
        guard verdict[1] == "YES" else {
            throw bad("the kernel found a CRC mismatch (crc=\(verdict[0].dropFirst(4)) \(verdict[1])): a noisy or long 1-Wire line")
        }
        let computed = MaximCRC8.checksum(bytes[0..<8])
        guard computed == bytes[8], kernelCRC == bytes[8] else {
            throw bad("CRC mismatch: computed 0x\(Self.hex(computed)), byte 8 is 0x\(Self.hex(bytes[8]))")
        }
        let second = lines[1].split(separator: " ").compactMap { UInt8($0, radix: 16) }
        guard Array(second.prefix(9)) == bytes, lines[1].contains("t=") else {
            throw bad("the second line does not repeat the scratchpad with t=")
        }
        // Bits 4:0 of the configuration register read as 1 and bit 7 as 0; eight zero bytes
        // (a CRC of 0, so they pass the CRC) are a sensor that pulled the line low throughout.
        guard bytes[4] & 0x9F == 0x1F else {
            throw bad("configuration register 0x\(Self.hex(bytes[4])) lacks its fixed bits: not a DS18B20 answering")
        }
        self.bytes = bytes
    }

    /// Creates a scratchpad from nine bytes, unchecked (the simulated model writes them).
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The conversion resolution from R1:R0, 9...12 bits (datasheet table 2).
    public var resolutionBits: Int { 9 + Int((bytes[4] >> 5) & 0x03) }

    /// The temperature register as the datasheet's table 1 reads it, with the bits the
    /// resolution leaves undefined cleared (bit 0 at 11 bits, 1:0 at 10, 2:0 at 9).
    public var rawTemperature: Int16 {
        let raw = Int16(bitPattern: UInt16(bytes[1]) << 8 | UInt16(bytes[0]))
        let undefined = Int16(12 - resolutionBits)
        return raw & ~((1 << undefined) - 1)
    }

    /// The temperature in °C: the register in sixteenths of a degree, two's complement.
    public var temperatureCelsius: Double { Double(rawTemperature) / 16 }

    static func hex(_ byte: UInt8) -> String {
        let text = String(byte, radix: 16)
        return text.count == 1 ? "0" + text : text
    }
}
