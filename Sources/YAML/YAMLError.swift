/// Why ``YAMLParser`` refused a text. Every case that concerns a place in the text carries its
/// ``YAMLMark``.
public enum YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libyaml (or the composer) found the text is not YAML.
    case syntax(YAMLSyntaxError)
    /// A mapping has the same key twice; one entry per repeated key, in file order of the repeat.
    case duplicateKeys([YAMLDuplicateKey])
    /// The text is longer than ``YAMLLimits/maximumInputBytes``; nothing was parsed.
    case inputTooLarge(byteCount: Int, limit: Int)
    /// Collections nest deeper than ``YAMLLimits/maximumDepth``; `mark` is the collection (or
    /// the alias) that went past it.
    case nestingTooDeep(mark: YAMLMark, limit: Int)
    /// The document's aliases stand for more than ``YAMLLimits/maximumAliasExpansion`` nodes in
    /// all; `mark` is the alias that went past it.
    case aliasExpansionTooLarge(mark: YAMLMark, limit: Int)
    /// A key written without `? ` runs more than ``YAMLLimits/maximumPlainKeyLength`` characters
    /// before its `:`; `mark` is where the key starts.
    case keyTooLong(mark: YAMLMark, limit: Int)

    /// One line for a log: `line:column: what`.
    public var description: String {
        switch self {
        case .syntax(let error):
            return error.description
        case .duplicateKeys(let duplicates):
            return duplicates.map(\.description).joined(separator: "; ")
        case .inputTooLarge(let byteCount, let limit):
            return "the text is \(byteCount) bytes, more than the limit of \(limit) bytes"
        case .nestingTooDeep(let mark, let limit):
            return "\(mark): mappings and sequences nest more than \(limit) deep, the limit"
        case .aliasExpansionTooLarge(let mark, let limit):
            return "\(mark): aliases stand for more than \(limit) nodes in all, the limit"
        case .keyTooLong(let mark, let limit):
            return "\(mark): a key longer than \(limit) characters, the longest YAML reads before its ':'"
        }
    }
}

/// A syntax error as libyaml words it: the problem, where, and what it was in the middle of.
public struct YAMLSyntaxError: Sendable, Equatable, CustomStringConvertible {
    /// Which stage refused the text.
    public enum Stage: Sendable, Equatable {
        /// Bytes that are not allowed in YAML (control characters).
        case reader
        /// Tokens (an unclosed quote, a tab used as indentation, ...).
        case scanner
        /// Structure (a missing `}`, a bad indentation, ...).
        case parser
        /// The tree (an undefined alias, a second document).
        case composer
        /// libyaml could not allocate memory.
        case memory
    }

    /// Which stage refused the text.
    public var stage: Stage
    /// libyaml's text, e.g. `did not find expected ',' or '}'`.
    public var problem: String
    /// Where the problem is.
    public var mark: YAMLMark
    /// What libyaml was parsing, e.g. `while parsing a flow mapping`, if it says.
    public var context: String?
    /// Where that started.
    public var contextMark: YAMLMark?

    /// Creates a syntax error.
    public init(stage: Stage, problem: String, mark: YAMLMark, context: String? = nil, contextMark: YAMLMark? = nil) {
        self.stage = stage
        self.problem = problem
        self.mark = mark
        self.context = context
        self.contextMark = contextMark
    }

    /// `line:column: problem (context at line l, column c)`.
    public var description: String {
        var text = "\(mark): \(problem)"
        if let context, let contextMark {
            text += " (\(context) at line \(contextMark.line), column \(contextMark.column))"
        }
        return text
    }
}

/// A key that appears twice in one mapping.
public struct YAMLDuplicateKey: Sendable, Equatable, CustomStringConvertible {
    /// The key's text (`<complex key>` for a mapping or sequence used as a key).
    public var key: String
    /// Where the repeat is: the second occurrence.
    public var mark: YAMLMark
    /// Where the key first appears.
    public var firstMark: YAMLMark
    /// The key's dotted path from the root, e.g. `gateway.id` or `sensors[1].i2c.bus`.
    public var path: String

    /// Creates a duplicate-key report.
    public init(key: String, mark: YAMLMark, firstMark: YAMLMark, path: String) {
        self.key = key
        self.mark = mark
        self.firstMark = firstMark
        self.path = path
    }

    /// `line:column: path: duplicate key 'key' (first at line l, column c)`.
    public var description: String {
        "\(mark): \(path): duplicate key '\(key)' (first at line \(firstMark.line), column \(firstMark.column))"
    }
}
