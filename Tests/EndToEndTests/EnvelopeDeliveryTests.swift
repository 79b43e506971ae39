import Foundation
import Testing

/// The agent with `mqtt.envelope` against a real mosquitto with mutual TLS: the broker and a
/// subscriber with a valid certificate see only sealed bytes; `sensorgw envelope open` with the
/// backend's key and the device's public key gets every reading back, once, in order.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct EnvelopeDeliveryTests {
    @Test func theBrokerSeesSealedBytesAndTheBackendOpensEveryReading() async throws {
        let workspace = try Workspace("envelope")
        let keygen = try await sensorgw(["envelope", "keygen", "--out", workspace.path("keys")], in: workspace)
        #expect(keygen.status == 0, "\(keygen.output)")
        let broker = try await Broker(workspace: workspace)
        let subscriber = try await Subscriber(broker: broker, topic: "sensorgw/e2e-gateway/readings", format: "%t %x")
        let agent = try AgentProcess(workspace: workspace, broker: broker, interval: "100ms",
                                     mqttExtra: "envelope: { recipient: keys/recipient.pub, signing_key: keys/device.key }")
        try agent.start()
        let payloads: () -> [[UInt8]] = {
            Subscriber.lines(at: subscriber.outputPath).compactMap { line in
                guard line.hasPrefix("sensorgw/e2e-gateway/readings ") else { return nil }
                return Self.bytes(hex: line.split(separator: " ").last ?? "")
            }
        }
        try await waitUntil(timeout: .seconds(60), "a few envelopes") { payloads().count >= 5 }
        #expect(try await agent.stop() == 0)
        try await Task.sleep(for: .milliseconds(300))
        // The debug log (log.level debug) never holds the signing key.
        let signingKey = try String(contentsOfFile: workspace.path("keys/device.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(signingKey.count == 64 && !agent.log.contains(signingKey) && !agent.log.contains(String(signingKey.prefix(16))))

        var sequences: [UInt64] = []
        for (index, payload) in payloads().enumerated() {
            // Version 1, suite 1 (docs/ENVELOPE.md), and no reading in the clear.
            #expect(payload.starts(with: [0x01, 0x01]))
            for word in ["temperature", "humidity", "\"v\":", "e2e-gateway:air"] {
                #expect(!Self.contains(payload, Array(word.utf8)), "envelope \(index) shows \(word)")
            }
            let file = workspace.path("envelope-\(index).bin")
            try Data(payload).write(to: URL(fileURLWithPath: file))
            let opened = try await sensorgw(["envelope", "open", "--key", workspace.path("keys/recipient.key"),
                                             "--trust", workspace.path("keys/device.pub"), file], in: workspace)
            #expect(opened.status == 0, "\(opened.output)")
            // stderr's header line first, then the SenML JSON payload on stdout.
            let lines = opened.output.split(separator: "\n", maxSplits: 1).map(String.init)
            #expect(lines.first?.hasPrefix("device e2e-gateway counter ") == true, "\(opened.output)")
            #expect(lines.first?.contains("content-type application/senml+json") == true, "\(opened.output)")
            let reading = try #require(ReceivedReading(payload: lines.last ?? ""), "\(opened.output)")
            #expect(lines.last?.contains("e2e-gateway:air:") == true, "\(opened.output)")
            // The envelope's counter is the newest carried reading's sequence number.
            #expect(lines.first?.contains("counter \(reading.sequence) ") == true, "\(opened.output)")
            sequences.append(reading.sequence)
        }
        // One reading per message by default; each reading's envelope counter is its sequence number.
        #expect(sequences == Array(1...UInt64(sequences.count)))
        #expect(try await agent.outboxContents().pending.isEmpty)

        // A flipped byte in the ciphertext fails the signature check: nothing is decrypted.
        var tampered = try #require(payloads().first)
        tampered[tampered.count - 80] ^= 0x01
        let file = workspace.path("tampered.bin")
        try Data(tampered).write(to: URL(fileURLWithPath: file))
        let refused = try await sensorgw(["envelope", "open", "--key", workspace.path("keys/recipient.key"),
                                          "--trust", workspace.path("keys/device.pub"), file], in: workspace)
        #expect(refused.status == 1)
        #expect(refused.output.contains("refused") && !refused.output.contains("temperature"), "\(refused.output)")
        try await subscriber.stop()
        try await broker.stop()
    }

    /// A signing key its group can read stops the start with file, line and key, before the
    /// agent opens the outbox or the broker connection.
    @Test func aShareableSigningKeyIsRefusedAtStart() async throws {
        let workspace = try Workspace("envelope-mode")
        #expect(try await sensorgw(["envelope", "keygen", "--out", workspace.path("keys")], in: workspace).status == 0)
        #expect(chmod(workspace.path("keys/device.key"), 0o640) == 0)
        let agent = try AgentProcess(workspace: workspace, port: freePort(), tls: false,
                                     mqttExtra: "envelope: { recipient: keys/recipient.pub, signing_key: keys/device.key }")
        let result = try await sensorgw(["config", "check", agent.configPath], in: workspace)
        #expect(result.status == 78)
        #expect(result.output.contains("\(agent.configPath):18:") && result.output.contains("mqtt.envelope.signing_key:"),
                "\(result.output)")
        #expect(result.output.contains("is readable by its group (mode 0640)"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: agent.databasePath))
    }

    static func bytes(hex: some StringProtocol) -> [UInt8] {
        var bytes: [UInt8] = []
        var digits = hex.makeIterator()
        while let high = digits.next(), let low = digits.next(), let byte = UInt8(String([high, low]), radix: 16) {
            bytes.append(byte)
        }
        return bytes
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<$0 + needle.count]) == needle }
    }
}
