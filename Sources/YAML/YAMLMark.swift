/// A position in YAML text: where a node, a key or an error starts.
///
/// Counted as libyaml counts (and as Yams, which wraps libyaml, did): lines from 1, columns from 1
/// in Unicode scalars, so a configuration error keeps the column an editor shows.
public struct YAMLMark: Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, in Unicode scalars.
    public var column: Int

    /// Creates a mark from 1-based line and column.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}
