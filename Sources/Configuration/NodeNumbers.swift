import YAML

extension NodeReader {
    /// A finite number: an integer or a decimal (`0.5`, `-3`, `1e-3`), whether YAML resolved it
    /// as a number or it was quoted. `.nan` and `.inf` are refused: no calibration or filter
    /// can compute with them.
    func number(_ node: Node, path: String) throws(ConfigurationError) -> Double {
        guard case .scalar(let scalar) = node, [.int, .float, .str].contains(tagName(node)) else {
            throw error(path, at: node.mark, "expected a number, found \(kind(of: node))")
        }
        guard let value = Double(scalar.string.replacing("_", with: "")), value.isFinite else {
            throw error(path, at: node.mark, "expected a finite number, found '\(Self.excerpt(scalar.string))'")
        }
        return value
    }

    /// A list of finite numbers with `count` items (any count when nil, at least one).
    func numbers(_ node: Node, path: String, count: Int? = nil) throws(ConfigurationError) -> [Double] {
        let items = try self.items(node, path: path)
        if let count, items.count != count {
            throw error(path, at: node.mark, "expected a list of \(count) numbers, found \(items.count)")
        }
        guard !items.isEmpty else { throw error(path, at: node.mark, "expected at least one number") }
        var values: [Double] = []
        for (index, item) in items.enumerated() {
            values.append(try number(item, path: "\(path)[\(index)]"))
        }
        return values
    }
}
