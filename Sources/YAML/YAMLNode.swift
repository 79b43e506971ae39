/// One node of a parsed YAML document, aliases already expanded.
///
/// A plain value tree: two parses of the same text are `==`, marks included. Shapes and names
/// follow Yams' `Node` (`.scalar`, `.mapping`, `.sequence`, `scalar.string`, `node.mark`) so code
/// that walked Yams' tree reads this one with few changes.
public enum YAMLNode: Sendable, Equatable {
    /// Text with its resolved tag.
    case scalar(Scalar)
    /// Key/value pairs in file order (keys are unique).
    case mapping(Mapping)
    /// Items in file order.
    case sequence(Sequence)

    /// Where the node starts: its first character, or its tag or anchor if it has one.
    public var mark: YAMLMark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .mapping(let mapping): mapping.mark
        case .sequence(let sequence): sequence.mark
        }
    }

    /// The resolved tag: `str`, `int`, `bool`, ... for a scalar, `map` or `seq` for a collection
    /// unless the text tags it explicitly.
    public var tag: YAMLTag {
        switch self {
        case .scalar(let scalar): scalar.tag
        case .mapping(let mapping): mapping.tag
        case .sequence(let sequence): sequence.tag
        }
    }
}

extension YAMLNode {
    /// A scalar: its text exactly as YAML reads it (quotes and escapes removed, folding done).
    public struct Scalar: Sendable, Equatable {
        /// How the scalar was written.
        public enum Style: Sendable, Equatable {
            /// No quotes: the only style whose tag is resolved from the text.
            case plain
            /// `'text'`
            case singleQuoted
            /// `"text"`
            case doubleQuoted
            /// `|` block
            case literal
            /// `>` block
            case folded
        }

        /// The text.
        public var string: String
        /// The resolved tag (see ``TagResolver``).
        public var tag: YAMLTag
        /// How it was written.
        public var style: Style
        /// Where it starts.
        public var mark: YAMLMark

        /// Creates a scalar.
        public init(string: String, tag: YAMLTag, style: Style, mark: YAMLMark) {
            self.string = string
            self.tag = tag
            self.style = style
            self.mark = mark
        }
    }

    /// A mapping: pairs in file order, iterable as `(key, value)` pairs.
    public struct Mapping: Sendable, Equatable, RandomAccessCollection {
        /// One entry.
        public struct Pair: Sendable, Equatable {
            /// The key node (usually a scalar).
            public var key: YAMLNode
            /// The value node.
            public var value: YAMLNode

            /// Creates a pair.
            public init(key: YAMLNode, value: YAMLNode) {
                self.key = key
                self.value = value
            }
        }

        /// The entries in file order.
        public var pairs: [Pair]
        /// `map`, or the explicit tag.
        public var tag: YAMLTag
        /// Where the mapping starts (its first key for a block mapping, `{` for a flow one).
        public var mark: YAMLMark

        /// Creates a mapping.
        public init(pairs: [Pair], tag: YAMLTag = .map, mark: YAMLMark) {
            self.pairs = pairs
            self.tag = tag
            self.mark = mark
        }

        /// The value of the first key that is a scalar with text `key`, if any.
        public subscript(key: String) -> YAMLNode? {
            pairs.first { pair in
                if case .scalar(let scalar) = pair.key { return scalar.string == key }
                return false
            }?.value
        }

        public var startIndex: Int { pairs.startIndex }
        public var endIndex: Int { pairs.endIndex }
        public subscript(position: Int) -> Pair { pairs[position] }
    }

    /// A sequence: items in file order.
    public struct Sequence: Sendable, Equatable, RandomAccessCollection {
        /// The items.
        public var items: [YAMLNode]
        /// `seq`, or the explicit tag.
        public var tag: YAMLTag
        /// Where the sequence starts (its first `-` for a block sequence, `[` for a flow one).
        public var mark: YAMLMark

        /// Creates a sequence.
        public init(items: [YAMLNode], tag: YAMLTag = .seq, mark: YAMLMark) {
            self.items = items
            self.tag = tag
            self.mark = mark
        }

        public var startIndex: Int { items.startIndex }
        public var endIndex: Int { items.endIndex }
        public subscript(position: Int) -> YAMLNode { items[position] }
    }
}
