import YAML

/// A parsed JSON document, for reading the agent's own small files back (`status.json`); the
/// gateway writes its JSON with `JSONText`.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Members in document order.
    case object([(key: String, value: JSONValue)])

    /// The member named `key` of an object (the first, should it repeat); nil for anything else.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .number(let value): hasher.combine(value)
        case .string(let value): hasher.combine(value)
        case .array(let values): hasher.combine(values)
        case .object(let members):
            for member in members {
                hasher.combine(member.key)
                hasher.combine(member.value)
            }
        }
    }
}

/// Why a text is not a JSON document, with where libyaml gave up when it was libyaml.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension JSONValue {
    /// Nesting deeper than this is refused: a file the agent wrote is three levels deep.
    public static let maximumDepth = YAMLLimits.maximumDepth

    /// Parses one JSON document filling all of `bytes`.
    ///
    /// JSON is YAML's flow style, so the parsing is libyaml's (through the YAML target, which
    /// bounds the size, the depth and alias expansion) and not a parser of our own. What YAML
    /// allows and JSON does not is refused on the tree: every string must be double-quoted,
    /// every other scalar must be `null`, `true`, `false` or a finite number, and keys must be
    /// strings. A `\uD834\uDD1E` surrogate pair is refused by libyaml; the agent's writer emits
    /// UTF-8 as is and escapes only control characters, so its own files never hold one.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        let root: YAMLNode?
        do {
            root = try YAMLParser.parse(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw JSONParseError(message: "\(error)")
        }
        guard let root else { throw JSONParseError(message: "the document is empty") }
        return try value(of: root)
    }

    private static func value(of node: YAMLNode) throws(JSONParseError) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .doubleQuoted { return .string(scalar.string) }
            guard scalar.style == .plain else {
                throw JSONParseError(message: "\(scalar.mark): a string must be in double quotes")
            }
            switch scalar.string {
            case "null": return .null
            case "true": return .bool(true)
            case "false": return .bool(false)
            default:
                guard isJSONNumber(scalar.string), let number = Double(scalar.string), number.isFinite else {
                    throw JSONParseError(message: "\(scalar.mark): '\(scalar.string.prefix(40))' is not a JSON value")
                }
                return .number(number)
            }
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence { items.append(try value(of: item)) }
            return .array(items)
        case .mapping(let mapping):
            var members: [(key: String, value: JSONValue)] = []
            for pair in mapping {
                guard case .scalar(let key) = pair.key, key.style == .doubleQuoted else {
                    throw JSONParseError(message: "\(pair.key.mark): a member name must be a string in double quotes")
                }
                members.append((key.string, try value(of: pair.value)))
            }
            return .object(members)
        }
    }

    /// RFC 8259's number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    /// (Double() alone would also take `inf`, `0x1p3` or `+1`).
    private static func isJSONNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            let count = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
            bytes = bytes.dropFirst(count)
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else if digits() == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}
