import YAML

/// The `mqtt` keys of the upstream formats: `sparkplug` (group and edge node ids) and
/// `max_packet_size`. Kept apart from `Schema.swift` so the formats' keys live together.
extension SchemaReader {
    /// What `mqtt.sparkplug` says.
    struct SparkplugSection: Sendable, Equatable {
        var groupID: String?
        var edgeNodeID: String?
    }

    /// Smallest `mqtt.max_packet_size`: a PUBLISH of one reading with its topic fits well within it.
    static let maxPacketSize = 512...268_435_455

    /// `mqtt.sparkplug`: `group_id` and `edge_node_id`, each a Sparkplug id (no `/`, `+`, `#`).
    func sparkplug(_ node: Node, path: String) throws(ConfigurationError) -> SparkplugSection {
        var section = SparkplugSection()
        try reader.forEachEntry(of: node, path: path, allowed: ["group_id", "edge_node_id"]) {
            (key, value, _, keyPath) throws(ConfigurationError) in
            let text = try reader.nonEmptyString(value, path: keyPath)
            // Sparkplug 3.0 section 4.1.1: ids are topic levels, so no separator or wildcard.
            if text.contains(where: { $0 == "/" || $0 == "+" || $0 == "#" }) {
                throw fail(keyPath, at: value.mark, "'\(NodeReader.excerpt(text))' is a Sparkplug id: it cannot contain '/', '+' or '#'")
            }
            if key == "group_id" { section.groupID = text } else { section.edgeNodeID = text }
        }
        return section
    }

    /// `mqtt.max_packet_size`, in bytes.
    func maxPacketSize(_ node: Node, path: String) throws(ConfigurationError) -> Int {
        try reader.integer(node, path: path, in: Self.maxPacketSize)
    }
}
