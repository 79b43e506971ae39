import Foundation
import Testing

/// Signed remote commands (docs/COMMANDS.md) against a real mosquitto with mutual TLS: the agent
/// answers every command on the reply topic and logs it, accepted or refused, and keeps
/// publishing readings throughout.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct RemoteCommandTests {
    static let commandTopic = "sensorgw/e2e-gateway/commands"
    static let replyTopic = "sensorgw/e2e-gateway/commands/reply"

    @Test func aSignedStatusIsAnsweredAndReplayedExpiredUnsignedForgedMisTargetedAndNotAllowedAreRefused() async throws {
        let workspace = try Workspace("commands")
        let keygen = try await sensorgw(["command", "keygen", "--out", workspace.path("keys")], in: workspace)
        #expect(keygen.status == 0, "\(keygen.output)")
        let broker = try await Broker(workspace: workspace)
        // Apart: a wildcard would also print the binary commands, which are not text.
        let subscriber = try await Subscriber(broker: broker, topic: Self.replyTopic, clientID: "e2e-operator")
        let readingsSubscriber = try await Subscriber(broker: broker, topic: "sensorgw/e2e-gateway/readings")
        let agent = try AgentProcess(workspace: workspace, broker: broker, interval: "200ms",
                                     sections: "commands:\n  operator_keys: [keys/operator.pub]\n  allow: [status]\n")
        // This host's kernel may not call its clock synchronized; a debug hook says it is.
        try agent.start(environment: ["SENSORGW_TEST_HOOKS": "1", "SENSORGW_TEST_CLOCK_SYNCHRONIZED": "1"])
        let readings = { readingsSubscriber.readings.count }
        try await waitUntil(timeout: .seconds(60), "readings, so the agent is connected and subscribed") { readings() >= 3 }

        let ops = Operator(workspace: workspace, broker: broker, replies: subscriber)
        func sign(_ name: String, _ words: [String], target: String = "e2e-gateway", issued: Int? = nil) throws -> String {
            try ops.sign(name, words, target: target, issued: issued)
        }
        func send(_ file: String) throws { try ops.send(file) }
        func awaitReply(_ count: Int, _ what: String) async throws -> String {
            do {
                return try await ops.reply(count, what)
            } catch {
                let log = agent.log.split(separator: "\n").filter { !$0.contains("readings stored") }.suffix(40).joined(separator: "\n")
                Issue.record("agent log: \(log)")
                throw error
            }
        }

        // Accepted: the status JSON as `sensorgw status` reads it.
        let status = try sign("s1", ["status"])
        try send(status)
        let accepted = try await awaitReply(1, "the status reply")
        #expect(accepted.hasPrefix(#"{"id":"s1","command":"status","accepted":true,"result":{"#), "\(accepted)")
        #expect(accepted.contains(#""running":true"#) && accepted.contains(#""sensors":["#), "\(accepted)")
        let readingsAfterFirst = readings()

        // The same bytes again.
        try send(status)
        #expect(try await awaitReply(2, "the replay's reply")
                    == #"{"id":"s1","command":"status","accepted":false,"reason":"replayed"}"#)
        // Issued 10 minutes ago, valid for 5.
        try send(try sign("old", ["status"], issued: Int(Date().timeIntervalSince1970) - 600))
        #expect(try await awaitReply(3, "the expired command's reply")
                    == #"{"id":"old","command":"status","accepted":false,"reason":"expired"}"#)
        // The body alone: no signature.
        let full = try Data(contentsOf: URL(fileURLWithPath: try sign("u1", ["status"])))
        let unsigned = workspace.path("unsigned.bin")
        try full.dropLast(64).write(to: URL(fileURLWithPath: unsigned))
        try send(unsigned)
        #expect(try await awaitReply(4, "the unsigned command's reply")
                    == #"{"id":"u1","command":"status","accepted":false,"reason":"unsigned"}"#)
        // A flipped byte in the signature.
        var forged = full
        forged[forged.count - 1] ^= 0x01
        let forgedFile = workspace.path("forged.bin")
        try forged.write(to: URL(fileURLWithPath: forgedFile))
        try send(forgedFile)
        #expect(try await awaitReply(5, "the forged command's reply")
                    == #"{"id":"u1","command":"status","accepted":false,"reason":"bad_signature"}"#)
        // Meant for another gateway.
        try send(try sign("w1", ["status"], target: "other-gateway"))
        #expect(try await awaitReply(6, "the mis-targeted command's reply")
                    == #"{"id":"w1","command":"status","accepted":false,"reason":"wrong_target"}"#)
        // Signed and fresh, but `allow` lists only status.
        try send(try sign("r1", ["reload"]))
        #expect(try await awaitReply(7, "the reload's reply")
                    == #"{"id":"r1","command":"reload","accepted":false,"reason":"not_allowed"}"#)

        // Readings went on throughout.
        try await waitUntil(timeout: .seconds(20), "more readings") { readings() > readingsAfterFirst + 2 }
        #expect(try await agent.stop() == 0)
        let log = agent.log
        #expect(log.contains("command accepted") && log.contains("id=s1"), "\(log.suffix(3000))")
        for reason in ["replayed", "expired", "unsigned", "bad_signature", "wrong_target", "not_allowed"] {
            #expect(log.split(separator: "\n").contains { $0.contains("command refused") && $0.contains("reason=\(reason)") },
                    "no log line for \(reason)")
        }
        // The operator's signature never reaches the log.
        #expect(!log.contains(full.suffix(64).map { String(format: "%02x", $0) }.joined()))

        // After a restart the replay memory (beside the outbox) still knows s1.
        let before = readings()
        try agent.start(environment: ["SENSORGW_TEST_HOOKS": "1", "SENSORGW_TEST_CLOCK_SYNCHRONIZED": "1"])
        try await waitUntil(timeout: .seconds(60), "readings after the restart") { readings() > before }
        try send(status)
        #expect(try await awaitReply(8, "the replay's reply after a restart")
                    == #"{"id":"s1","command":"status","accepted":false,"reason":"replayed"}"#)
        #expect(try await agent.stop() == 0)
        try await subscriber.stop()
        try await readingsSubscriber.stop()
        try await broker.stop()
    }

    /// `set_output` drives the simulated board's relay (its next readings say so) and `probe`
    /// reads a sensor once; an output not in `commands.outputs` is refused.
    @Test func setOutputDrivesTheRelayAndProbeReadsASensor() async throws {
        let workspace = try Workspace("commands-relay")
        #expect(try await sensorgw(["command", "keygen", "--out", workspace.path("keys")], in: workspace).status == 0)
        let broker = try await Broker(workspace: workspace)
        let subscriber = try await Subscriber(broker: broker, topic: Self.replyTopic, clientID: "e2e-operator")
        let readingsSubscriber = try await Subscriber(broker: broker, topic: "sensorgw/e2e-gateway/readings")
        let agent = try AgentProcess(
            workspace: workspace, broker: broker, interval: "200ms",
            sensorsExtra: "- { id: pump, type: relay, line: { chip: pinctrl-bcm2711, line: GPIO5 }, interval: 200ms }",
            sections: "commands:\n  operator_keys: [keys/operator.pub]\n  allow: [probe, set_output]\n  outputs: [pump]\n")
        try agent.start(environment: ["SENSORGW_TEST_HOOKS": "1", "SENSORGW_TEST_CLOCK_SYNCHRONIZED": "1"])
        let pumpPayloads = { readingsSubscriber.readings.map(\.payload).filter { $0.contains("e2e-gateway:pump:") } }
        try await waitUntil(timeout: .seconds(60), "the relay's readings") { pumpPayloads().count >= 2 }
        #expect(pumpPayloads().allSatisfy { $0.contains(#""vb":false"#) }, "\(pumpPayloads())")

        let ops = Operator(workspace: workspace, broker: broker, replies: subscriber)
        func send(_ name: String, _ words: [String]) throws { try ops.send(try ops.sign(name, words)) }
        func reply(_ count: Int) async throws -> String { try await ops.reply(count, "reply \(count)") }

        try send("on1", ["set-output", "pump", "on"])
        #expect(try await reply(1) == #"{"id":"on1","command":"set_output","accepted":true,"result":{"output":"pump","state":true}}"#)
        try await waitUntil(timeout: .seconds(20), "a reading with the relay on") { pumpPayloads().contains { $0.contains(#""vb":true"#) } }
        try send("p1", ["probe", "air"])
        let probed = try await reply(2)
        #expect(probed.hasPrefix(#"{"id":"p1","command":"probe","accepted":true,"result":{"sensor":"air","readings":[{"quantity":"temperature","unit":"Cel","value":"#),
                "\(probed)")
        try send("air1", ["set-output", "air", "on"])
        #expect(try await reply(3) == #"{"id":"air1","command":"set_output","accepted":false,"reason":"not_allowed"}"#)
        #expect(try await agent.stop() == 0)
        try await subscriber.stop()
        try await readingsSubscriber.stop()
        try await broker.stop()
    }

    /// `reload` does what SIGHUP does and says so: a new sensor interval restarts the sampler
    /// (readings then come twice as often), a changed storage path is refused and nothing changes.
    @Test func aSignedReloadAppliesTheNewFileOrSaysWhyNot() async throws {
        let workspace = try Workspace("commands-reload")
        #expect(try await sensorgw(["command", "keygen", "--out", workspace.path("keys")], in: workspace).status == 0)
        let broker = try await Broker(workspace: workspace)
        let subscriber = try await Subscriber(broker: broker, topic: Self.replyTopic, clientID: "e2e-operator")
        let readingsSubscriber = try await Subscriber(broker: broker, topic: "sensorgw/e2e-gateway/readings")
        let agent = try AgentProcess(workspace: workspace, broker: broker, interval: "400ms",
                                     sections: "commands:\n  operator_keys: [keys/operator.pub]\n  allow: [reload]\n")
        try agent.start(environment: ["SENSORGW_TEST_HOOKS": "1", "SENSORGW_TEST_CLOCK_SYNCHRONIZED": "1"])
        try await waitUntil(timeout: .seconds(60), "readings") { readingsSubscriber.readings.count >= 3 }
        let ops = Operator(workspace: workspace, broker: broker, replies: subscriber)
        let original = try String(contentsOfFile: agent.configPath, encoding: .utf8)

        try original.replacingOccurrences(of: "interval: 400ms", with: "interval: 100ms")
            .write(toFile: agent.configPath, atomically: true, encoding: .utf8)
        try ops.send(try ops.sign("r1", ["reload"]))
        let applied = try await ops.reply(1, "the reload's reply")
        #expect(applied.hasPrefix(#"{"id":"r1","command":"reload","accepted":true,"result":{"applied":true,"sampler_restarted":true,"uplink_reconnected":false"#),
                "\(applied)")
        // The new interval took: 3 readings (one BME280 sample) every 100 ms instead of 400 ms.
        let before = readingsSubscriber.readings.count
        try await Task.sleep(for: .seconds(2))
        let perSecond = Double(readingsSubscriber.readings.count - before) / 2
        #expect(perSecond > 15, "\(perSecond) readings/s after the reload")

        try original.replacingOccurrences(of: "path: agent-outbox.sqlite", with: "path: elsewhere.sqlite")
            .write(toFile: agent.configPath, atomically: true, encoding: .utf8)
        try ops.send(try ops.sign("r2", ["reload"]))
        let refused = try await ops.reply(2, "the refused reload's reply")
        #expect(refused.hasPrefix(#"{"id":"r2","command":"reload","accepted":true,"result":{"applied":false,"refusals":["storage changed"#),
                "\(refused)")
        #expect(try await agent.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: workspace.path("elsewhere.sqlite")))
        try await subscriber.stop()
        try await readingsSubscriber.stop()
        try await broker.stop()
    }
}

/// The operator's side: signs with `keys/operator.key` (`sensorgw command sign`), publishes to
/// the command topic with `mosquitto_pub -f`, reads the replies the subscriber printed.
struct Operator {
    let workspace: Workspace
    let broker: Broker
    let replies: Subscriber

    /// The signed command's file.
    func sign(_ name: String, _ words: [String], target: String = "e2e-gateway", issued: Int? = nil) throws -> String {
        let file = workspace.path("\(name).bin")
        var arguments = ["command", "sign", "--key", workspace.path("keys/operator.key"), "--target", target,
                         "--expires", "5m", "--id", name]
        if let issued { arguments += ["--issued", String(issued)] }
        let line = ([sensorgwBinary] + arguments + words).map { "'\($0)'" }.joined(separator: " ")
        #expect(try run("/bin/sh", ["-c", "\(line) > '\(file)' 2>/dev/null"]) == 0)
        return file
    }

    func send(_ file: String) throws {
        let certs = workspace.certificates.path
        #expect(try run("/usr/bin/mosquitto_pub", [
            "-h", "localhost", "-p", String(broker.port), "--cafile", certs + "/ca.pem",
            "--cert", certs + "/subscriber.pem", "--key", certs + "/subscriber.key",
            "-t", RemoteCommandTests.commandTopic, "-f", file, "-q", "1",
        ]) == 0)
    }

    /// The `count`th reply's JSON, waiting for it.
    func reply(_ count: Int, _ what: String) async throws -> String {
        let prefix = RemoteCommandTests.replyTopic + " "
        let lines = { Subscriber.lines(at: replies.outputPath).filter { $0.hasPrefix(prefix) } }
        try await waitUntil(timeout: .seconds(20), what) { lines().count >= count }
        return String(lines()[count - 1].dropFirst(prefix.count))
    }
}
