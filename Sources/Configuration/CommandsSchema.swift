import Commands
import YAML

extension GatewayConfiguration {
    /// The optional `commands:` section (docs/COMMANDS.md): absent, the gateway subscribes to
    /// nothing and performs no remote command.
    public struct CommandsSection: Sendable, Equatable {
        /// The operator Ed25519 public keys trusted to sign commands, 32 bytes each, in file order.
        public var operatorKeys: [[UInt8]]
        /// The commands that may be performed.
        public var allow: Set<CommandName>
        /// The relay sensor ids `set_output` may drive.
        public var outputs: [String]
        /// Where commands arrive: a template with `{prefix}` and `{gateway}`.
        public var topic: String
        /// Where answers go: a template with `{prefix}` and `{gateway}`.
        public var replyTopic: String

        /// The default topics.
        public static let defaultTopic = "{prefix}/{gateway}/commands"
        public static let defaultReplyTopic = "{prefix}/{gateway}/commands/reply"

        /// Creates a section.
        public init(operatorKeys: [[UInt8]], allow: Set<CommandName>, outputs: [String] = [],
                    topic: String = defaultTopic, replyTopic: String = defaultReplyTopic) {
            self.operatorKeys = operatorKeys
            self.allow = allow
            self.outputs = outputs
            self.topic = topic
            self.replyTopic = replyTopic
        }
    }

    /// The topic commands arrive on, placeholders filled in; nil when commands are off.
    public var commandTopic: String? { commands.map { topic($0.topic) } }

    /// The topic command answers go to, placeholders filled in; nil when commands are off.
    public var commandReplyTopic: String? { commands.map { topic($0.replyTopic) } }
}

/// `commands: { operator_keys: [PATH...], allow: [NAME...], outputs: [ID...], topic, reply_topic }`.
extension SchemaReader {
    /// What the section says; `outputs` are checked against the sensors afterwards
    /// (``checkCommandOutputs(_:sensors:)``), as `sensors:` may come later in the file.
    struct PartialCommands {
        var section: GatewayConfiguration.CommandsSection
        var outputMarks: [Mark?]
        var outputPaths: [String]
    }

    func commands(_ node: Node, path: String, anchor: Mark?) throws(ConfigurationError) -> PartialCommands {
        var keys: [[UInt8]]?
        var allow: Set<CommandName>?
        var outputs: [String] = []
        var outputMarks: [Mark?] = []
        var outputPaths: [String] = []
        var topic = GatewayConfiguration.CommandsSection.defaultTopic
        var replyTopic = GatewayConfiguration.CommandsSection.defaultReplyTopic
        var replyMark: Mark?
        try reader.forEachEntry(of: node, path: path, allowed: ["operator_keys", "allow", "outputs", "topic", "reply_topic"]) {
            (key, value, _, keyPath) throws(ConfigurationError) in
            switch key {
            case "operator_keys":
                let items = try reader.items(value, path: keyPath)
                guard !items.isEmpty else { throw fail(keyPath, at: value.mark, "at least one operator key is required") }
                var read: [[UInt8]] = []
                for (index, item) in items.enumerated() {
                    let key = try hexKeyFile(item, path: "\(keyPath)[\(index)]", isPrivate: false,
                                             made: "sensorgw command keygen --out DIR writes operator.pub")
                    if read.contains(key) { throw fail("\(keyPath)[\(index)]", at: item.mark, "the same key is listed twice") }
                    read.append(key)
                }
                keys = read
            case "allow":
                var names: Set<CommandName> = []
                for (index, item) in try reader.items(value, path: keyPath).enumerated() {
                    let text = try reader.string(item, path: "\(keyPath)[\(index)]")
                    guard let name = CommandName(rawValue: text) else {
                        let known = CommandName.allCases.map(\.rawValue).joined(separator: ", ")
                        throw fail("\(keyPath)[\(index)]", at: item.mark,
                                   "unknown command '\(NodeReader.excerpt(text))'; expected one of: \(known)")
                    }
                    names.insert(name)
                }
                allow = names
            case "outputs":
                for (index, item) in try reader.items(value, path: keyPath).enumerated() {
                    let itemPath = "\(keyPath)[\(index)]"
                    let text = try reader.string(item, path: itemPath)
                    if outputs.contains(text) { throw fail(itemPath, at: item.mark, "output '\(NodeReader.excerpt(text))' is listed twice") }
                    outputs.append(text)
                    outputMarks.append(item.mark)
                    outputPaths.append(itemPath)
                }
            case "topic":
                topic = try commandTopic(value, path: keyPath)
            default:
                replyTopic = try commandTopic(value, path: keyPath)
                replyMark = value.mark
            }
        }
        guard let keys else { throw reader.missing("\(path).operator_keys", in: anchor) }
        guard let allow else { throw reader.missing("\(path).allow", in: anchor) }
        if topic == replyTopic {
            throw fail("\(path).reply_topic", at: replyMark ?? anchor, "replies need a topic of their own, not the command topic")
        }
        if !outputs.isEmpty && !allow.contains(.setOutput) {
            throw fail("\(path).outputs", at: outputMarks.first ?? anchor, "outputs are only used by set_output, which allow does not list")
        }
        return PartialCommands(section: .init(operatorKeys: keys, allow: allow, outputs: outputs, topic: topic, replyTopic: replyTopic),
                               outputMarks: outputMarks, outputPaths: outputPaths)
    }

    /// Each output must be a configured `type: relay` sensor.
    func checkCommandOutputs(_ partial: PartialCommands, sensors: [GatewayConfiguration.SensorConfiguration]) throws(ConfigurationError) {
        for (index, output) in partial.section.outputs.enumerated() {
            guard let sensor = sensors.first(where: { $0.id == output }) else {
                throw fail(partial.outputPaths[index], at: partial.outputMarks[index],
                           "no sensor has id '\(NodeReader.excerpt(output))'; outputs name relay sensors")
            }
            guard sensor.kind == "relay" else {
                throw fail(partial.outputPaths[index], at: partial.outputMarks[index],
                           "sensor '\(output)' is a \(sensor.kind), not a relay; only relay sensors can be set")
            }
        }
    }

    /// A topic template to subscribe or publish to: no wildcards, only `{prefix}` and `{gateway}`.
    private func commandTopic(_ node: Node, path: String) throws(ConfigurationError) -> String {
        let text = try topicPrefix(node, path: path)
        var rest = text.replacing("{prefix}", with: "").replacing("{gateway}", with: "")
        if let open = rest.firstIndex(of: "{") {
            rest = String(rest[open...].prefix { $0 != "}" }) + "}"
            throw fail(path, at: node.mark, "unknown placeholder '\(NodeReader.excerpt(rest))': use {prefix} and {gateway}")
        }
        return text
    }
}
