/// The hard bounds ``YAMLParser`` enforces, so a hostile or broken file costs at most a few
/// milliseconds and a few megabytes, never a hung or killed agent.
public enum YAMLLimits {
    /// The most bytes of text parsed: 1 MiB (a real configuration is a few KB).
    public static let maximumInputBytes = 1 << 20
    /// The deepest nesting of mappings and sequences, aliases expanded: the root collection is
    /// depth 1. Also bounds the recursion of everything that walks the tree.
    public static let maximumDepth = 64
    /// The most nodes aliases may stand for in one document, summed over every alias (each
    /// counts every node of what it names, its own aliases expanded), which defuses "billion
    /// laughs" alias bombs. Nodes written out in the text are not counted here: the input size
    /// bounds them, so a file with 16,000 sensors parses.
    public static let maximumAliasExpansion = 10_000
    /// The longest key libyaml reads without an explicit `? ` indicator, in characters: a
    /// fixed limit of libyaml's (YAML 1.1 and 1.2 say the same), reported as its own error.
    public static let maximumPlainKeyLength = 1024
}
