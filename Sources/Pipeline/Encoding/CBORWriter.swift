/// Writes the small subset of CBOR (RFC 8949) the gateway's payloads use: unsigned and negative
/// integers, byte and text strings, arrays and maps of known length, booleans and floats.
///
/// Hand-written because no CBOR library is among the project's packages, and the subset is a
/// page of code; an independent decoder (Python's cbor2) checks it in the tests.
struct CBORWriter {
    private static let unsignedMajor: UInt8 = 0
    private static let negativeMajor: UInt8 = 1
    private static let bytesMajor: UInt8 = 2
    private static let textMajor: UInt8 = 3
    private static let arrayMajor: UInt8 = 4
    private static let mapMajor: UInt8 = 5

    /// A data item's head: major type and argument, in the shortest form (RFC 8949 section 3).
    static func appendHead(major: UInt8, _ argument: UInt64, to bytes: inout [UInt8]) {
        let type = major << 5
        switch argument {
        case 0..<24:
            bytes.append(type | UInt8(argument))
        case 24...0xFF:
            bytes.append(type | 24)
            bytes.append(UInt8(argument))
        case 0x100...0xFFFF:
            bytes.append(type | 25)
            appendBigEndian(argument, byteCount: 2, to: &bytes)
        case 0x1_0000...0xFFFF_FFFF:
            bytes.append(type | 26)
            appendBigEndian(argument, byteCount: 4, to: &bytes)
        default:
            bytes.append(type | 27)
            appendBigEndian(argument, byteCount: 8, to: &bytes)
        }
    }

    static func appendUnsigned(_ value: UInt64, to bytes: inout [UInt8]) {
        appendHead(major: unsignedMajor, value, to: &bytes)
    }

    /// Any integer; negative ones are major type 1 with argument `-1 - value`.
    static func appendInteger(_ value: Int64, to bytes: inout [UInt8]) {
        if value >= 0 {
            appendHead(major: unsignedMajor, UInt64(value), to: &bytes)
        } else {
            appendHead(major: negativeMajor, UInt64(-(value + 1)), to: &bytes)
        }
    }

    static func appendText(_ text: String, to bytes: inout [UInt8]) {
        let utf8 = text.utf8
        appendHead(major: textMajor, UInt64(utf8.count), to: &bytes)
        bytes.append(contentsOf: utf8)
    }

    static func appendBytes(_ data: [UInt8], to bytes: inout [UInt8]) {
        appendHead(major: bytesMajor, UInt64(data.count), to: &bytes)
        bytes.append(contentsOf: data)
    }

    /// A number as an integer when it is one exactly (and not -0.0), else as the shortest exact
    /// float: 21 takes one byte, 101325 five, 21.5 three.
    static func appendNumber(_ value: Double, to bytes: inout [UInt8]) {
        if value != 0 || value.sign == .plus, let integer = Int64(exactly: value) {
            appendInteger(integer, to: &bytes)
        } else {
            appendFloat(value, to: &bytes)
        }
    }

    /// The head of a text string of `byteCount` UTF-8 bytes, for text written in parts.
    static func appendTextHeader(byteCount: Int, to bytes: inout [UInt8]) {
        appendHead(major: textMajor, UInt64(byteCount), to: &bytes)
    }

    static func appendText(_ text: StaticString, to bytes: inout [UInt8]) {
        appendHead(major: textMajor, UInt64(text.utf8CodeUnitCount), to: &bytes)
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    static func appendArrayHeader(count: Int, to bytes: inout [UInt8]) {
        appendHead(major: arrayMajor, UInt64(count), to: &bytes)
    }

    static func appendMapHeader(count: Int, to bytes: inout [UInt8]) {
        appendHead(major: mapMajor, UInt64(count), to: &bytes)
    }

    static func appendBool(_ value: Bool, to bytes: inout [UInt8]) {
        bytes.append(value ? 0xF5 : 0xF4)
    }

    /// A float in the shortest of half, single and double precision that holds it exactly
    /// (RFC 8949 section 4.2.2's preferred serialization); NaN and infinity are never passed.
    static func appendFloat(_ value: Double, to bytes: inout [UInt8]) {
        if let half = halfPrecisionBits(exactly: value) {
            bytes.append(0xF9)
            appendBigEndian(UInt64(half), byteCount: 2, to: &bytes)
        } else if let single = Float(exactly: value) {
            bytes.append(0xFA)
            appendBigEndian(UInt64(single.bitPattern), byteCount: 4, to: &bytes)
        } else {
            bytes.append(0xFB)
            appendBigEndian(value.bitPattern, byteCount: 8, to: &bytes)
        }
    }

    /// IEEE 754 binary16 bits for `value` when it is exactly representable (subnormals included).
    /// Done by hand: `Float16` does not exist on every platform Swift builds this for.
    static func halfPrecisionBits(exactly value: Double) -> UInt16? {
        guard let single = Float(exactly: value), single.isFinite else { return nil }
        let bits = single.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
        let biasedExponent = Int((bits >> 23) & 0xFF)
        let fraction = bits & 0x7F_FFFF
        if biasedExponent == 0 {
            // Zero is exact; a single-precision subnormal is far below half's range.
            return fraction == 0 ? sign : nil
        }
        let exponent = biasedExponent - 127
        switch exponent {
        case -14...15:
            // Normal half: 10 fraction bits, so the low 13 of single's 23 must be zero.
            guard fraction & 0x1FFF == 0 else { return nil }
            return sign | UInt16(exponent + 15) << 10 | UInt16(fraction >> 13)
        case -24 ... -15:
            // Subnormal half: value = m * 2^-24 with m below 1024.
            let significand = fraction | 0x80_0000
            let shift = UInt32(-exponent - 1)
            guard significand & ((1 << shift) - 1) == 0 else { return nil }
            return sign | UInt16(significand >> shift)
        default:
            return nil
        }
    }

    private static func appendBigEndian(_ value: UInt64, byteCount: Int, to bytes: inout [UInt8]) {
        for index in stride(from: byteCount - 1, through: 0, by: -1) {
            bytes.append(UInt8(truncatingIfNeeded: value >> (UInt64(index) * 8)))
        }
    }
}
