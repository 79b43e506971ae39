import YAML

/// One value of the configuration file with where it stands, for code outside this module
/// (a sensor kind reading its options) that must report errors by file, line and key without
/// knowing the YAML library.
public struct ConfigValue {
    let node: Node
    let keyMark: Mark?
    let reader: NodeReader
    /// The key's name within its mapping, e.g. `oversampling`.
    public let key: String
    /// The dotted key path, e.g. `sensors[0].oversampling`.
    public let path: String

    init(key: String, node: Node, keyMark: Mark?, path: String, reader: NodeReader) {
        self.key = key
        self.node = node
        self.keyMark = keyMark
        self.path = path
        self.reader = reader
    }

    /// An error at this value: `<file>:<line>:<column>: <path>: <message>`.
    public func error(_ message: String) -> ConfigurationError {
        reader.error(path, at: node.mark, message)
    }

    /// An integer in `range` (decimal or 0x hexadecimal).
    public func integer(in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        try reader.integer(node, path: path, in: range)
    }

    /// One of `allowed`, as written.
    public func integer(oneOf allowed: [Int], message: String) throws(ConfigurationError) -> Int {
        let value = try reader.integer(node, path: path, in: (allowed.min() ?? 0)...(allowed.max() ?? 0))
        guard allowed.contains(value) else { throw error(message) }
        return value
    }

    /// Text; null and booleans are refused.
    public func string() throws(ConfigurationError) -> String {
        try reader.string(node, path: path)
    }

    /// One of `names`.
    public func choice(_ names: [String]) throws(ConfigurationError) -> String {
        let text = try reader.string(node, path: path)
        guard names.contains(text) else {
            throw error("unknown value '\(NodeReader.excerpt(text))'; expected one of: \(names.joined(separator: ", "))")
        }
        return text
    }

    /// A duration such as `500ms` or `10s` within `range`.
    public func duration(in range: ClosedRange<Duration>) throws(ConfigurationError) -> Duration {
        try reader.duration(node, path: path, in: range)
    }

    /// The entries of a mapping, each key checked against `allowed`, in file order.
    public func entries(allowed: [String]) throws(ConfigurationError) -> [ConfigValue] {
        var result: [ConfigValue] = []
        let reader = self.reader
        try reader.forEachEntry(of: node, path: path, allowed: allowed) { (key, value, keyMark, keyPath) throws(ConfigurationError) in
            result.append(ConfigValue(key: key, node: value, keyMark: keyMark, path: keyPath, reader: reader))
        }
        return result
    }
}
