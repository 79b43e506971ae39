/// A node's tag: the type YAML gives a value, spelled as a full tag URI (`tag:yaml.org,2002:int`).
///
/// Untagged plain scalars get theirs from ``TagResolver``; quoted and block scalars are strings;
/// an explicit tag in the text (`!!str 42`, `!local x`) is kept as libyaml expands it.
public struct YAMLTag: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The full tag, e.g. `tag:yaml.org,2002:bool`.
    public var rawValue: String

    /// Wraps a full tag.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The full tag.
    public var description: String { rawValue }

    /// Text.
    public static let str = YAMLTag(rawValue: "tag:yaml.org,2002:str")
    /// A mapping.
    public static let map = YAMLTag(rawValue: "tag:yaml.org,2002:map")
    /// A sequence.
    public static let seq = YAMLTag(rawValue: "tag:yaml.org,2002:seq")
    /// `true`, `no`, `On`, ...
    public static let bool = YAMLTag(rawValue: "tag:yaml.org,2002:bool")
    /// An integer: decimal, `0x`, `0o`/leading `0` (octal), `0b`, or base 60 (`1:30`).
    public static let int = YAMLTag(rawValue: "tag:yaml.org,2002:int")
    /// A floating-point number, `.inf` and `.nan` included.
    public static let float = YAMLTag(rawValue: "tag:yaml.org,2002:float")
    /// `~`, `null` or nothing at all.
    public static let null = YAMLTag(rawValue: "tag:yaml.org,2002:null")
    /// A date, or a date and time.
    public static let timestamp = YAMLTag(rawValue: "tag:yaml.org,2002:timestamp")
    /// The merge key `<<` (not applied: the tree keeps it as an ordinary key).
    public static let merge = YAMLTag(rawValue: "tag:yaml.org,2002:merge")
    /// The value key `=`.
    public static let value = YAMLTag(rawValue: "tag:yaml.org,2002:value")

    /// The non-specific tag `!`: a string, whatever the text looks like.
    static let nonSpecific = "!"
}
