/// A mapping key as duplicate detection sees it: Yams' notion of equal keys, which compares
/// scalars by text and resolved tag (so `1` and `"1"` differ, `yes` and `Yes` differ) and
/// collections by their items, and ignores marks and styles.
struct KeyIdentity: Hashable {
    let node: YAMLNode

    static func == (lhs: KeyIdentity, rhs: KeyIdentity) -> Bool {
        same(lhs.node, rhs.node)
    }

    func hash(into hasher: inout Hasher) {
        Self.hash(node, into: &hasher)
    }

    // Recursion is bounded by YAMLLimits.maximumDepth, checked while composing.
    private static func same(_ lhs: YAMLNode, _ rhs: YAMLNode) -> Bool {
        switch (lhs, rhs) {
        case (.scalar(let left), .scalar(let right)):
            return left.string == right.string && left.tag == right.tag
        case (.sequence(let left), .sequence(let right)):
            return left.tag == right.tag && left.items.count == right.items.count
                && zip(left.items, right.items).allSatisfy { same($0, $1) }
        case (.mapping(let left), .mapping(let right)):
            return left.tag == right.tag && left.pairs.count == right.pairs.count
                && zip(left.pairs, right.pairs).allSatisfy { same($0.key, $1.key) && same($0.value, $1.value) }
        default:
            return false
        }
    }

    private static func hash(_ node: YAMLNode, into hasher: inout Hasher) {
        switch node {
        case .scalar(let scalar):
            hasher.combine(0)
            hasher.combine(scalar.string)
            hasher.combine(scalar.tag)
        case .sequence(let sequence):
            hasher.combine(1)
            hasher.combine(sequence.items.count)
            for item in sequence.items { hash(item, into: &hasher) }
        case .mapping(let mapping):
            hasher.combine(2)
            hasher.combine(mapping.pairs.count)
            for pair in mapping.pairs {
                hash(pair.key, into: &hasher)
                hash(pair.value, into: &hasher)
            }
        }
    }
}
