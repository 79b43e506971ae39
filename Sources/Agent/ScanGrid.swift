import HAL

/// Renders scan results as `i2cdetect` does: one row per 16 addresses, `--` for silence,
/// blanks for the reserved addresses that are never probed.
public enum ScanGrid {
    /// The grid text, ending in a newline.
    public static func render(_ found: [I2CAddress]) -> String {
        let present = Set(found.map(\.rawValue))
        var text = "    " + (0..<16).map { " " + String($0, radix: 16) + " " }.joined().dropLast() + "\n"
        for row in stride(from: 0, to: 0x80, by: 0x10) {
            text += hex2(UInt8(row)) + ":"
            for column in 0..<16 {
                let address = UInt8(row + column)
                if !I2CAddress.scannable.contains(address) {
                    text += "   "
                } else if present.contains(address) {
                    text += " " + hex2(address)
                } else {
                    text += " --"
                }
            }
            text += "\n"
        }
        return text
    }

    private static func hex2(_ value: UInt8) -> String {
        let digits = String(value, radix: 16)
        return digits.count < 2 ? "0" + digits : digits
    }
}
