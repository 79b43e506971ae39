import Pipeline
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

    /// A finite number: an integer or a decimal (`0.5`, `-3`, `1e-3`).
    public func number() throws(ConfigurationError) -> Double {
        try reader.number(node, path: path)
    }

    /// The scalar's text exactly as written (`off` stays `off`, not a YAML 1.1 boolean); nil for
    /// a mapping or sequence. For a kind whose value may be a keyword such as `off`.
    public var scalarText: String? {
        guard case .scalar(let scalar) = node else { return nil }
        return scalar.string
    }

    /// `true` or `false` (YAML 1.1 spellings such as `yes` are refused as ambiguous).
    public func boolean() throws(ConfigurationError) -> Bool {
        guard case .scalar(let scalar) = node else { throw error("expected true or false, found \(reader.kind(of: node))") }
        switch scalar.string {
        case "true": return true
        case "false": return false
        default: throw error("expected true or false, found \(reader.kind(of: node))")
        }
    }

    /// The entries of a mapping whose keys are names the caller checks (a kind's own
    /// dictionary, e.g. quantity names), in file order.
    public func entries() throws(ConfigurationError) -> [ConfigValue] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping, found \(reader.kind(of: node))") }
        var result: [ConfigValue] = []
        for pair in mapping {
            guard case .scalar(let keyScalar) = pair.key else {
                throw reader.error(path, at: pair.key.mark, "keys must be plain names, found \(reader.kind(of: pair.key))")
            }
            let key = keyScalar.string
            result.append(ConfigValue(key: key, node: pair.value, keyMark: pair.key.mark, path: "\(path).\(key)",
                                      reader: reader))
        }
        return result
    }

    /// A sequence of finite numbers, of exactly `count` when given.
    public func numbers(count: Int? = nil) throws(ConfigurationError) -> [Double] {
        try reader.numbers(node, path: path, count: count)
    }

    /// The items of a sequence, each with its own path (`path[0]`, `path[1]`, ...).
    public func items() throws(ConfigurationError) -> [ConfigValue] {
        try reader.items(node, path: path).enumerated().map { index, item in
            ConfigValue(key: key, node: item, keyMark: item.mark, path: "\(path)[\(index)]", reader: reader)
        }
    }

    /// A calibration written as in a `quantities:` section (`offset`, `linear`, `polynomial` or
    /// `table`, `docs/PIPELINE.md`), checked the same way.
    public func calibration() throws(ConfigurationError) -> Calibration {
        try SchemaReader(reader: reader, baseDirectory: "", kinds: SensorKindCatalog([]),
                         clock: CertificateClock(now: 0)).calibration(node, path: path)
    }

    /// A SenML unit (RFC 8428 primary units only: a reading is labelled with it as written).
    public func primaryUnit() throws(ConfigurationError) -> SenMLUnit {
        let text = try reader.nonEmptyString(node, path: path)
        guard SenMLUnitRegistry.primaryUnits.contains(text) else {
            let hint = SenMLUnitRegistry.isRegistered(SenMLUnit(rawValue: text))
                ? "a SenML secondary unit; give the primary unit here and convert in quantities:"
                : "not a SenML unit (RFC 8428)"
            throw error("unit '\(NodeReader.excerpt(text))' is \(hint)")
        }
        return SenMLUnit(rawValue: text)
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
