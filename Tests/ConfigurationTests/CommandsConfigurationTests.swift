import Commands
import Foundation
import Testing
@testable import Configuration

/// `commands:` (docs/COMMANDS.md), appended after `minimalYAML`'s last line (13), so the
/// section starts on line 13; a relay sensor `pump` is added as line 8 for `outputs`.
@Suite("Commands section in the configuration")
struct CommandsConfigurationTests {
    let sandbox: Sandbox
    var d: String { sandbox.path }

    init() throws {
        sandbox = try Sandbox()
        try FileManager.default.createDirectory(atPath: "\(sandbox.path)/keys", withIntermediateDirectories: true)
        try sandbox.write("keys/operator.pub", Self.keyHex + "\n", mode: 0o644)
        try sandbox.write("keys/second.pub", String(Self.keyHex.reversed()) + "\n", mode: 0o644)
    }

    static let keyHex = (0x40..<0x60).map { String(format: "%02x", $0) }.joined()
    static let pump = "  - { id: pump, type: relay, line: { chip: pinctrl-bcm2711, line: GPIO5 } }"

    /// `minimalYAML` with the pump sensor and then `lines` as the commands section (from line 14).
    func yaml(_ lines: String...) -> String {
        minimal(inserting: Self.pump, before: 8) + lines.joined(separator: "\n") + "\n"
    }

    func parse(_ text: String) throws -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: text, file: configName, baseDirectory: d, kinds: testKinds)
    }

    private func expectError(_ text: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(errorDescription(text, base: d) == expected, sourceLocation: sourceLocation)
    }

    @Test func absentMeansOff() throws {
        let config = try parse(yaml())
        #expect(config.commands == nil && config.commandTopic == nil && config.commandReplyTopic == nil)
    }

    @Test func aFullSectionIsReadWithDefaultTopics() throws {
        let config = try parse(yaml("commands:", "  operator_keys: [keys/operator.pub, keys/second.pub]",
                                    "  allow: [status, set_output, probe]", "  outputs: [pump]"))
        let commands = try #require(config.commands)
        #expect(commands.operatorKeys == [Array(0x40..<0x60), Array(try #require(SchemaReader.hexBytes(String(Self.keyHex.reversed()))))])
        #expect(commands.allow == [.status, .setOutput, .probe])
        #expect(commands.outputs == ["pump"])
        #expect(config.commandTopic == "sensorgw/gw/commands")
        #expect(config.commandReplyTopic == "sensorgw/gw/commands/reply")
    }

    @Test func topicsAreTemplates() throws {
        let config = try parse(yaml("commands:", "  operator_keys: [keys/operator.pub]", "  allow: [status]",
                                    "  topic: ops/{gateway}/in", "  reply_topic: ops/{gateway}/out"))
        #expect(config.commandTopic == "ops/gw/in" && config.commandReplyTopic == "ops/gw/out")
    }

    @Test func errorsNameFileLineAndKey() throws {
        expectError(yaml("commands:", "  allow: [status]"), "sensorgw.yaml:14:1: commands.operator_keys: missing required key")
        expectError(yaml("commands:", "  operator_keys: [keys/operator.pub]"), "sensorgw.yaml:14:1: commands.allow: missing required key")
        expectError(yaml("commands:", "  operator_keys: []", "  allow: [status]"),
                    "sensorgw.yaml:15:18: commands.operator_keys: at least one operator key is required")
        expectError(yaml("commands:", "  operator_keys: [keys/missing.pub]", "  allow: [status]"),
                    "sensorgw.yaml:15:19: commands.operator_keys[0]: file not found: \(d)/keys/missing.pub "
                        + "(sensorgw command keygen --out DIR writes operator.pub)")
        try sandbox.write("keys/short.pub", "abcd\n", mode: 0o644)
        expectError(yaml("commands:", "  operator_keys: [keys/operator.pub, keys/short.pub]", "  allow: [status]"),
                    "sensorgw.yaml:15:38: commands.operator_keys[1]: \(d)/keys/short.pub is not a key: expected 64 hex digits "
                        + "(sensorgw command keygen --out DIR writes operator.pub)")
        expectError(yaml("commands:", "  operator_keys: [keys/operator.pub, keys/operator.pub]", "  allow: [status]"),
                    "sensorgw.yaml:15:38: commands.operator_keys[1]: the same key is listed twice")
        expectError(yaml("commands:", "  operator_keys: [keys/operator.pub]", "  allow: [status, reboot]"),
                    "sensorgw.yaml:16:19: commands.allow[1]: unknown command 'reboot'; expected one of: status, reload, probe, set_output")
        expectError(yaml("commands:", "  operator_keys: [keys/operator.pub]", "  allow: [status]", "  secret: 1"),
                    "sensorgw.yaml:17:3: commands.secret: unknown key; expected one of: operator_keys, allow, outputs, topic, reply_topic")
    }

    @Test func outputsMustBeRelaySensorsAndNeedSetOutput() throws {
        expectError(yaml("commands:", "  operator_keys: [keys/operator.pub]", "  allow: [set_output]", "  outputs: [pump, valve]"),
                    "sensorgw.yaml:17:19: commands.outputs[1]: no sensor has id 'valve'; outputs name relay sensors")
        expectError(yaml("commands:", "  operator_keys: [keys/operator.pub]", "  allow: [set_output]", "  outputs: [air]"),
                    "sensorgw.yaml:17:13: commands.outputs[0]: sensor 'air' is a bme280, not a relay; only relay sensors can be set")
        expectError(yaml("commands:", "  operator_keys: [keys/operator.pub]", "  allow: [set_output]", "  outputs: [pump, pump]"),
                    "sensorgw.yaml:17:19: commands.outputs[1]: output 'pump' is listed twice")
        expectError(yaml("commands:", "  operator_keys: [keys/operator.pub]", "  allow: [status]", "  outputs: [pump]"),
                    "sensorgw.yaml:17:13: commands.outputs: outputs are only used by set_output, which allow does not list")
    }

    @Test func topicsAreCheckedAsTopics() throws {
        expectError(yaml("commands:", "  operator_keys: [keys/operator.pub]", "  allow: [status]", "  topic: ops/+/in"),
                    "sensorgw.yaml:17:10: commands.topic: 'ops/+/in' contains an MQTT wildcard (+ or #); a topic to publish to cannot")
        expectError(yaml("commands:", "  operator_keys: [keys/operator.pub]", "  allow: [status]", "  topic: ops/{board}"),
                    "sensorgw.yaml:17:10: commands.topic: unknown placeholder '{board}': use {prefix} and {gateway}")
        expectError(yaml("commands:", "  operator_keys: [keys/operator.pub]", "  allow: [status]", "  topic: a/b", "  reply_topic: a/b"),
                    "sensorgw.yaml:18:16: commands.reply_topic: replies need a topic of their own, not the command topic")
    }
}
