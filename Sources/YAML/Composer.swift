/// Builds the node tree from libyaml's events, the way Yams' `compose` did, and enforces
/// ``YAMLLimits`` while doing it so no input makes it recurse or allocate without bound.
struct Composer {
    /// An anchored node and what expanding an alias to it costs.
    private struct Anchored {
        var node: YAMLNode
        /// Nodes in the subtree, its own aliases expanded: what one more alias to it adds.
        var nodeCount: Int
        /// 0 for a scalar, 1 + the deepest child for a collection.
        var height: Int
    }

    /// One step from the root, for the path in a duplicate-key error.
    private enum PathStep {
        case key(String)
        case index(Int)
    }

    private let reader: LibYAMLEventReader
    private var anchors: [String: Anchored] = [:]
    /// Nodes composed so far, aliases expanded; only differences of it are used (subtree sizes).
    private var nodeCount = 0
    /// Nodes that aliases have stood for so far, the part of the tree the text did not spell out.
    private var expandedCount = 0
    /// Collections open around the node being composed.
    private var depth = 0
    private var path: [PathStep] = []

    init(reader: LibYAMLEventReader) {
        self.reader = reader
    }

    /// The stream's only document, `nil` for none; a second document is an error, as in Yams.
    mutating func singleDocument() throws(YAMLError) -> YAMLNode? {
        _ = try reader.next()  // stream start
        let first = try reader.next()
        guard case .documentStart = first.kind else { return nil }
        let root = try node(from: try reader.next()).node
        _ = try reader.next()  // document end
        let after = try reader.next()
        if case .streamEnd = after.kind { return root }
        throw .syntax(YAMLSyntaxError(
            stage: .composer, problem: "but found another document", mark: after.mark,
            context: "expected a single document in the stream", contextMark: YAMLMark(line: 1, column: 1)))
    }

    /// Composes the node that starts with `event`; returns it with its height.
    private mutating func node(from event: LibYAMLEvent) throws(YAMLError) -> (node: YAMLNode, height: Int) {
        let countBefore = nodeCount
        let composed: (node: YAMLNode, height: Int)
        let anchor: String?
        switch event.kind {
        case .alias(let name):
            return try expand(alias: name, at: event.mark)
        case .scalar(let value, let scalarAnchor, let tag, let style):
            countNode()
            let resolved = tag.map(YAMLTag.init(rawValue:)) ?? TagResolver.resolve(plain: value)
            composed = (.scalar(.init(string: value, tag: resolved, style: style, mark: event.mark)), 0)
            anchor = scalarAnchor
        case .sequenceStart(let sequenceAnchor, let tag):
            composed = try sequence(at: event.mark, tag: tag)
            anchor = sequenceAnchor
        case .mappingStart(let mappingAnchor, let tag):
            composed = try mapping(at: event.mark, tag: tag)
            anchor = mappingAnchor
        case .streamStart, .streamEnd, .documentStart, .documentEnd, .sequenceEnd, .mappingEnd:
            // libyaml's grammar puts a node here; refuse rather than trust it blindly.
            throw .syntax(YAMLSyntaxError(stage: .composer, problem: "expected a node", mark: event.mark))
        }
        if let anchor {
            // A later anchor of the same name shadows the earlier one, as YAML says.
            anchors[anchor] = Anchored(node: composed.node, nodeCount: nodeCount - countBefore, height: composed.height)
        }
        return composed
    }

    private mutating func expand(alias name: String, at mark: YAMLMark) throws(YAMLError) -> (node: YAMLNode, height: Int) {
        guard let anchored = anchors[name] else {
            throw .syntax(YAMLSyntaxError(stage: .composer, problem: "found undefined alias", mark: mark))
        }
        guard depth + anchored.height <= YAMLLimits.maximumDepth else {
            throw .nestingTooDeep(mark: mark, limit: YAMLLimits.maximumDepth)
        }
        // The tree shares the anchored node's storage; the count is what walking it will cost.
        // Only expansions are capped: nodes written out are bounded by the input size limit,
        // so a long list of sensors is fine while a billion laughs is stopped at its first
        // alias past the cap.
        guard anchored.nodeCount <= YAMLLimits.maximumAliasExpansion - expandedCount else {
            throw .aliasExpansionTooLarge(mark: mark, limit: YAMLLimits.maximumAliasExpansion)
        }
        expandedCount += anchored.nodeCount
        nodeCount += anchored.nodeCount
        return (anchored.node, anchored.height)
    }

    private mutating func countNode() {
        nodeCount += 1
    }

    private mutating func enterCollection(at mark: YAMLMark) throws(YAMLError) {
        guard depth < YAMLLimits.maximumDepth else {
            throw .nestingTooDeep(mark: mark, limit: YAMLLimits.maximumDepth)
        }
        countNode()
        depth += 1
    }

    private mutating func sequence(at mark: YAMLMark, tag: String?) throws(YAMLError) -> (node: YAMLNode, height: Int) {
        try enterCollection(at: mark)
        var items: [YAMLNode] = []
        var height = 0
        while true {
            let event = try reader.next()
            if case .sequenceEnd = event.kind { break }
            path.append(.index(items.count))
            let item = try node(from: event)
            path.removeLast()
            items.append(item.node)
            height = max(height, item.height)
        }
        depth -= 1
        let sequence = YAMLNode.Sequence(items: items, tag: tag.map(YAMLTag.init(rawValue:)) ?? .seq, mark: mark)
        return (.sequence(sequence), height + 1)
    }

    private mutating func mapping(at mark: YAMLMark, tag: String?) throws(YAMLError) -> (node: YAMLNode, height: Int) {
        try enterCollection(at: mark)
        var pairs: [YAMLNode.Mapping.Pair] = []
        // Where each key is written: for an alias, the alias, not the node it stands for.
        var keyMarks: [YAMLMark] = []
        var height = 0
        while true {
            let event = try reader.next()
            if case .mappingEnd = event.kind { break }
            keyMarks.append(event.mark)
            let key = try node(from: event)
            path.append(.key(Self.text(of: key.node)))
            let value = try node(from: try reader.next())
            path.removeLast()
            pairs.append(.init(key: key.node, value: value.node))
            height = max(height, key.height, value.height)
        }
        // After the whole mapping, as Yams did, so an error later in it is not masked.
        try checkDuplicates(pairs, keyMarks: keyMarks)
        depth -= 1
        let mapping = YAMLNode.Mapping(pairs: pairs, tag: tag.map(YAMLTag.init(rawValue:)) ?? .map, mark: mark)
        return (.mapping(mapping), height + 1)
    }

    private func checkDuplicates(_ pairs: [YAMLNode.Mapping.Pair], keyMarks: [YAMLMark]) throws(YAMLError) {
        var firstMarks: [KeyIdentity: YAMLMark] = [:]
        var reported: Set<KeyIdentity> = []
        var duplicates: [YAMLDuplicateKey] = []
        for (pair, keyMark) in zip(pairs, keyMarks) {
            let identity = KeyIdentity(node: pair.key)
            guard let first = firstMarks[identity] else {
                firstMarks[identity] = keyMark
                continue
            }
            guard reported.insert(identity).inserted else { continue }
            let key = Self.text(of: pair.key)
            duplicates.append(YAMLDuplicateKey(
                key: key, mark: keyMark, firstMark: first, path: Self.format(path + [.key(key)])))
        }
        if !duplicates.isEmpty { throw .duplicateKeys(duplicates) }
    }

    private static func text(of key: YAMLNode) -> String {
        if case .scalar(let scalar) = key { return scalar.string }
        return "<complex key>"
    }

    /// `a.b[2].c`, the form configuration errors use.
    private static func format(_ steps: [PathStep]) -> String {
        var text = ""
        for step in steps {
            switch step {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}
