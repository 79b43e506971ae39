/// JSON text helpers for the gateway's hand-written, fixed-shape messages.
public enum JSONText {
    /// A JSON string literal, escaping what RFC 8259 requires.
    public static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        appendQuoted(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` as a JSON string literal.
    public static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        appendEscaped(text, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends the inside of a JSON string literal for `text`: a literal may be written in
    /// parts, because escaping works byte by byte (every byte of a multi-byte UTF-8 sequence is
    /// 0x80 or above and passes through).
    public static func appendEscaped(_ text: String, to bytes: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
    }

    /// Appends an unsigned integer in decimal.
    public static func appendDecimal(_ value: UInt64, to bytes: inout [UInt8]) {
        let start = bytes.count
        var rest = value
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        bytes[start...].reverse()
    }

    /// Appends a finite double in Swift's shortest round-trip form, which is always a valid JSON
    /// number (`1e-05`, `21.53`, `101325.0`).
    public static func appendNumber(_ value: Double, to bytes: inout [UInt8]) {
        // Short enough to stay a small (unallocated) string for the values readings carry.
        var text = value.description
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends a finite double as an integer when it is one exactly (`101325`, not
    /// `101325.0`), else as ``appendNumber(_:to:)`` does. -0.0 keeps its sign (`-0.0`).
    public static func appendCompactNumber(_ value: Double, to bytes: inout [UInt8]) {
        if value != 0 || value.sign == .plus, value.magnitude < 9_007_199_254_740_992, let integer = Int64(exactly: value) {
            if integer < 0 { bytes.append(UInt8(ascii: "-")) }
            appendDecimal(integer.magnitude, to: &bytes)
        } else {
            appendNumber(value, to: &bytes)
        }
    }

    /// Appends `data` in base64url without padding (RFC 4648 section 5), SenML JSON's form of
    /// `vd` (RFC 8428 section 4.3).
    public static func appendBase64URL(_ data: [UInt8], to bytes: inout [UInt8]) {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        alphabet.withUTF8Buffer { symbols in
            var index = 0
            while index + 3 <= data.count {
                let group = UInt32(data[index]) << 16 | UInt32(data[index + 1]) << 8 | UInt32(data[index + 2])
                for shift in [18, 12, 6, 0] as [UInt32] { bytes.append(symbols[Int(group >> shift & 0x3F)]) }
                index += 3
            }
            let rest = data.count - index
            if rest == 1 {
                let group = UInt32(data[index]) << 16
                bytes.append(symbols[Int(group >> 18 & 0x3F)])
                bytes.append(symbols[Int(group >> 12 & 0x3F)])
            } else if rest == 2 {
                let group = UInt32(data[index]) << 16 | UInt32(data[index + 1]) << 8
                bytes.append(symbols[Int(group >> 18 & 0x3F)])
                bytes.append(symbols[Int(group >> 12 & 0x3F)])
                bytes.append(symbols[Int(group >> 6 & 0x3F)])
            }
        }
    }
}
