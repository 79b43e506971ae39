import YAML

/// Reads typed values out of a composed YAML tree, turning every mismatch into a
/// ``ConfigurationError`` that names the file, the node's position and the dotted key path.
///
/// Mappings are walked entry by entry in file order and each value is checked before the next
/// key is looked at, so the first error reported is the first one in the file. Problems with a
/// mapping as a whole (a missing key, keys that conflict) are reported after its entries.
struct NodeReader {
    /// The file name put into errors.
    let file: String
    /// What `pin:` options resolve against; nil until the schema has read `board`.
    var headerPins: HeaderPinContext?

    func error(_ key: String?, at mark: Mark?, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: mark?.line, column: mark?.column, key: key, message: message)
    }

    func missing(_ key: String, in parent: Mark?) -> ConfigurationError {
        error(key, at: parent, "missing required key")
    }

    /// Calls `body(key, value, keyMark, keyPath)` for each entry of the mapping `node`, in file
    /// order; a key not in `allowed` is an error at the key.
    func forEachEntry(
        of node: Node, path: String, allowed: [String], unknownKeyNote: String? = nil,
        _ body: (String, Node, Mark?, String) throws(ConfigurationError) -> Void
    ) throws(ConfigurationError) {
        guard case .mapping(let mapping) = node else {
            throw error(path.isEmpty ? nil : path, at: node.mark, "expected a mapping, found \(kind(of: node))")
        }
        for pair in mapping {
            let (keyNode, value) = (pair.key, pair.value)
            guard case .scalar(let keyScalar) = keyNode else {
                throw error(path.isEmpty ? nil : path, at: keyNode.mark,
                            "keys must be plain names, found \(kind(of: keyNode))")
            }
            let key = keyScalar.string
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            guard allowed.contains(key) else {
                let note = unknownKeyNote.map { " \($0)" } ?? ""
                throw error(keyPath, at: keyNode.mark,
                            "unknown key\(note); expected one of: \(allowed.joined(separator: ", "))")
            }
            try body(key, value, keyNode.mark, keyPath)
        }
    }

    /// The items of a list.
    func items(_ node: Node, path: String) throws(ConfigurationError) -> [Node] {
        guard case .sequence(let sequence) = node else {
            throw error(path, at: node.mark, "expected a list, found \(kind(of: node))")
        }
        return Array(sequence)
    }

    /// Text from a scalar. Numbers are taken as written (an id may be `42`); null and booleans
    /// are refused, because `yes` or an empty value is almost never meant as text.
    func string(_ node: Node, path: String) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node else {
            throw error(path, at: node.mark, "expected a string, found \(kind(of: node))")
        }
        switch tagName(node) {
        case .null, .bool:
            throw error(path, at: node.mark, "expected a string, found \(kind(of: node)); quote it if you mean the text")
        default:
            return scalar.string
        }
    }

    /// A non-empty string.
    func nonEmptyString(_ node: Node, path: String) throws(ConfigurationError) -> String {
        let text = try string(node, path: path)
        guard !text.isEmpty else { throw error(path, at: node.mark, "must not be empty") }
        return text
    }

    /// An integer in `range`: decimal, or hexadecimal with `0x`, whether YAML resolved it as an
    /// int or it was quoted. Leading zeros are refused: YAML 1.1 would read `076` as octal.
    func integer(_ node: Node, path: String, in range: ClosedRange<Int>,
                 describe: (Int) -> String = { String($0) }) throws(ConfigurationError) -> Int {
        guard case .scalar(let scalar) = node, [.int, .str].contains(tagName(node)) else {
            throw error(path, at: node.mark, "expected an integer, found \(kind(of: node))")
        }
        guard let value = Self.parseInteger(scalar.string) else {
            throw error(path, at: node.mark,
                        "expected an integer (decimal, or hexadecimal like 0x76), found '\(Self.excerpt(scalar.string))'")
        }
        guard range.contains(value) else {
            throw error(path, at: node.mark,
                        "\(describe(value)) is out of range \(describe(range.lowerBound))...\(describe(range.upperBound))")
        }
        return value
    }

    static func parseInteger(_ text: String) -> Int? {
        let lower = text.lowercased()
        if lower.hasPrefix("0x") {
            let digits = lower.dropFirst(2)
            guard !digits.isEmpty, digits.count <= 8 else { return nil }
            return Int(digits, radix: 16)
        }
        guard !text.isEmpty, text.count <= 12, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        guard text == "0" || !text.hasPrefix("0") else { return nil }
        return Int(text)
    }

    /// A duration written as a whole number and a unit: `500ms`, `10s`, `5m`, `1h`, within `range`.
    func duration(_ node: Node, path: String, in range: ClosedRange<Duration>) throws(ConfigurationError) -> Duration {
        guard case .scalar(let scalar) = node, ![.null, .bool].contains(tagName(node)) else {
            throw error(path, at: node.mark, "expected a duration like 10s, found \(kind(of: node))")
        }
        guard let value = Self.parseDuration(scalar.string) else {
            throw error(path, at: node.mark,
                        "invalid duration '\(Self.excerpt(scalar.string))'; write a whole number and a unit: 500ms, 10s, 5m, 1h or 7d")
        }
        guard range.contains(value) else {
            throw error(path, at: node.mark,
                        "\(scalar.string) is out of range \(Self.format(range.lowerBound))...\(Self.format(range.upperBound))")
        }
        return value
    }

    static func parseDuration(_ text: String) -> Duration? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 9, let number = Int64(digits) else { return nil }
        switch text.dropFirst(digits.count) {
        case "ms": return .milliseconds(number)
        case "s": return .seconds(number)
        case "m": return .seconds(number * 60)
        case "h": return .seconds(number * 3600)
        case "d": return .seconds(number * 86_400)
        default: return nil
        }
    }

    /// A size in bytes written as a whole number and a unit: `512KB`, `64MB`, `1GB` (powers of
    /// 1024, as `df -h` counts), or a plain number of bytes, within `range`.
    func byteSize(_ node: Node, path: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard case .scalar(let scalar) = node, ![.null, .bool].contains(tagName(node)) else {
            throw error(path, at: node.mark, "expected a size like 64MB, found \(kind(of: node))")
        }
        guard let value = Self.parseByteSize(scalar.string) else {
            throw error(path, at: node.mark, "invalid size '\(Self.excerpt(scalar.string))'; write a whole number and a unit: 512KB, 64MB or 1GB")
        }
        guard range.contains(value) else {
            throw error(path, at: node.mark, "\(scalar.string) is out of range \(range.lowerBound / 1024)KB...\(range.upperBound >> 30)GB")
        }
        return value
    }

    static func parseByteSize(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 12, let number = Int(digits) else { return nil }
        switch text.dropFirst(digits.count) {
        case "": return number
        case "KB": return number << 10
        case "MB": return number << 20
        case "GB": return number << 30
        default: return nil
        }
    }

    /// Writes a duration in the largest unit that divides it, as the file would.
    static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 86_400_000 == 0 { return "\(milliseconds / 86_400_000)d" }
        if milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }

    /// The most characters of a value a message quotes.
    static let excerptLength = 80

    /// `text` as a message quotes it: whole up to ``excerptLength`` characters, else its start and
    /// an ellipsis, so a runaway value (a pasted certificate, a megabyte of junk) does not flood
    /// the terminal and the journal. Line breaks are shown as `\n` to keep the message one line.
    static func excerpt(_ text: String) -> String {
        var shown = ""
        var count = 0
        for character in text {
            guard count < excerptLength else { return shown + "…" }
            shown += character.isNewline ? "\\n" : String(character)
            count += 1
        }
        return shown
    }

    /// The node's resolved tag (`int`, `str`, `bool`, `null`, ...).
    func tagName(_ node: Node) -> YAMLTag {
        node.tag
    }

    /// How a node reads in a message: "a mapping", "the boolean 'yes'", ...
    func kind(of node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar):
            switch tagName(node) {
            case .null: return "nothing"
            case .bool: return "the boolean '\(scalar.string)'"
            case .int: return "the integer \(Self.excerpt(scalar.string))"
            case .float: return "the number \(Self.excerpt(scalar.string))"
            default: return "the string '\(Self.excerpt(scalar.string))'"
            }
        }
    }
}
