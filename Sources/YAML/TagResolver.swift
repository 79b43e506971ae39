/// The tag of an untagged plain scalar, decided from its text as Yams' default resolver did
/// (YAML 1.1 types), without regular expressions so no Foundation is needed.
///
/// Rules are tried in Yams' order, the first that matches wins: bool, int, float, merge, null,
/// timestamp, value; anything else is a string. Each matcher below restates one of Yams'
/// anchored patterns (quoted above it) over ASCII bytes.
public enum TagResolver {
    /// The tag YAML 1.1 gives the plain scalar `text`.
    public static func resolve(plain text: String) -> YAMLTag {
        let bytes = Array(text.utf8)
        if isBool(text) { return .bool }
        if isInt(bytes) { return .int }
        if isFloat(bytes) { return .float }
        if text == "<<" { return .merge }
        if isNull(text) { return .null }
        if isTimestamp(bytes) { return .timestamp }
        if text == "=" { return .value }
        return .str
    }

    private static let bools: Set<String> = [
        "yes", "Yes", "YES", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
    ]

    static func isBool(_ text: String) -> Bool { bools.contains(text) }

    // ^(?:~|null|Null|NULL|)$
    static func isNull(_ text: String) -> Bool {
        text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    // ^(?:[-+]?0b[0-1_]+
    //   |[-+]?0o?[0-7_]+
    //   |[-+]?(?:0|[1-9][0-9_]*)
    //   |[-+]?0x[0-9a-fA-F_]+
    //   |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$
    static func isInt(_ bytes: [UInt8]) -> Bool {
        var start = ByteCursor(bytes)
        start.skipSign()
        var cursor = start
        if cursor.take("0") {
            if cursor.atEnd { return true }  // 0
            var binary = cursor
            if binary.take("b"), binary.skip(while: isBinaryDigitOrUnderscore) > 0, binary.atEnd { return true }
            var hex = cursor
            if hex.take("x"), hex.skip(while: isHexDigitOrUnderscore) > 0, hex.atEnd { return true }
            var octal = cursor
            _ = octal.take("o")
            return octal.skip(while: isOctalDigitOrUnderscore) > 0 && octal.atEnd
        }
        guard cursor.take(where: { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }) else { return false }
        cursor.skip(while: isDigitOrUnderscore)
        if cursor.atEnd { return true }
        return cursor.skipSexagesimalParts() > 0 && cursor.atEnd
    }

    // ^(?:[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
    //   |\.[0-9_]+(?:[eE][-+][0-9]+)?
    //   |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    //   |[-+]?\.(?:inf|Inf|INF)
    //   |\.(?:nan|NaN|NAN))$
    static func isFloat(_ bytes: [UInt8]) -> Bool {
        // No sign: `.5`, `.5e+3`, `.nan`.
        var unsigned = ByteCursor(bytes)
        if unsigned.take(".") {
            if ["nan", "NaN", "NAN", "inf", "Inf", "INF"].contains(where: { unsigned.restIs($0) }) {
                return true
            }
            if unsigned.skip(while: isDigitOrUnderscore) > 0 {
                if unsigned.atEnd { return true }
                if unsigned.take(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }),
                   unsigned.take(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }),
                   unsigned.skip(while: isDigit) > 0, unsigned.atEnd {
                    return true
                }
            }
        }
        var cursor = ByteCursor(bytes)
        cursor.skipSign()
        // Signed infinity: `-.inf`.
        var infinity = cursor
        if infinity.take("."), ["inf", "Inf", "INF"].contains(where: { infinity.restIs($0) }) {
            return true
        }
        guard cursor.take(where: isDigit) else { return false }
        cursor.skip(while: isDigitOrUnderscore)
        // Base 60 with a fraction: `1:30.5`.
        var sexagesimal = cursor
        if sexagesimal.skipSexagesimalParts() > 0 {
            guard sexagesimal.take(".") else { return false }
            sexagesimal.skip(while: isDigitOrUnderscore)
            return sexagesimal.atEnd
        }
        if cursor.take(".") { cursor.skip(while: isDigitOrUnderscore) }
        if cursor.take(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            cursor.skipSign()
            guard cursor.skip(while: isDigit) > 0 else { return false }
        }
        return cursor.atEnd
    }

    // ^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    //   |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?
    //    :[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$
    static func isTimestamp(_ bytes: [UInt8]) -> Bool {
        var cursor = ByteCursor(bytes)
        guard cursor.digits(exactly: 4), cursor.take("-") else { return false }
        let month = cursor.digits(upTo: 2)
        guard month > 0, cursor.take("-") else { return false }
        let day = cursor.digits(upTo: 2)
        guard day > 0 else { return false }
        if cursor.atEnd { return month == 2 && day == 2 }
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard cursor.take(where: { $0 == UInt8(ascii: "T") || $0 == UInt8(ascii: "t") }) || cursor.skip(while: isBlank) > 0
        else { return false }
        guard cursor.digits(upTo: 2) > 0, cursor.take(":"), cursor.digits(exactly: 2),
              cursor.take(":"), cursor.digits(exactly: 2) else { return false }
        if cursor.take(".") { cursor.skip(while: isDigit) }
        if cursor.atEnd { return true }
        // Blanks only before a zone.
        cursor.skip(while: isBlank)
        if cursor.take("Z") { return cursor.atEnd }
        guard cursor.take(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }),
              cursor.digits(upTo: 2) > 0 else { return false }
        if cursor.take(":") { guard cursor.digits(exactly: 2) else { return false } }
        return cursor.atEnd
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    static func isDigitOrUnderscore(_ byte: UInt8) -> Bool { isDigit(byte) || byte == UInt8(ascii: "_") }
    static func isBinaryDigitOrUnderscore(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "0") || byte == UInt8(ascii: "1") || byte == UInt8(ascii: "_")
    }
    static func isOctalDigitOrUnderscore(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7")) || byte == UInt8(ascii: "_")
    }
    static func isHexDigitOrUnderscore(_ byte: UInt8) -> Bool {
        isDigitOrUnderscore(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }
}

/// A read position in ASCII-pattern matching; copies are cheap backtracking points.
struct ByteCursor {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }
    /// Whether what is left is exactly `text`.
    func restIs(_ text: String) -> Bool { bytes[index...].elementsEqual(text.utf8) }

    mutating func take(where matches: (UInt8) -> Bool) -> Bool {
        guard index < bytes.count, matches(bytes[index]) else { return false }
        index += 1
        return true
    }

    mutating func take(_ character: Unicode.Scalar) -> Bool {
        take { $0 == UInt8(ascii: character) }
    }

    @discardableResult
    mutating func skip(while matches: (UInt8) -> Bool) -> Int {
        let start = index
        while index < bytes.count, matches(bytes[index]) { index += 1 }
        return index - start
    }

    mutating func skipSign() {
        _ = take { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
    }

    /// Exactly `count` digits.
    mutating func digits(exactly count: Int) -> Bool {
        for _ in 0..<count { guard take(where: TagResolver.isDigit) else { return false } }
        return true
    }

    /// One to `limit` digits, as many as there are; returns how many.
    mutating func digits(upTo limit: Int) -> Int {
        var taken = 0
        while taken < limit, take(where: TagResolver.isDigit) { taken += 1 }
        return taken
    }

    /// `(?::[0-5]?[0-9])*`, greedily; returns how many parts. Greedy is exact here: the part is
    /// followed by `:`, `.` or the end, never by a digit, so backtracking could not help.
    mutating func skipSexagesimalParts() -> Int {
        var parts = 0
        while true {
            var part = self
            guard part.take(":") else { return parts }
            let isSixtyDigit: (UInt8) -> Bool = { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "5") }
            var two = part
            if two.take(where: isSixtyDigit), two.take(where: TagResolver.isDigit) {
                part = two
            } else if !part.take(where: TagResolver.isDigit) {
                return parts
            }
            self = part
            parts += 1
        }
    }
}
