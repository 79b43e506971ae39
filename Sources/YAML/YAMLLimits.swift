/// The hard bounds ``YAMLParser`` enforces, so a hostile or broken file costs at most a few
/// milliseconds and a few megabytes, never a hung or killed agent.
public enum YAMLLimits {
    /// The most bytes of text parsed: 1 MiB (a real configuration is a few KB).
    public static let maximumInputBytes = 1 << 20
    /// The deepest nesting of mappings and sequences, aliases expanded: the root collection is
    /// depth 1. Also bounds the recursion of everything that walks the tree.
    public static let maximumDepth = 64
    /// The most nodes in a document once aliases are expanded (each alias counts every node it
    /// stands for), which defuses "billion laughs" alias bombs.
    public static let maximumNodeCount = 10_000
}
