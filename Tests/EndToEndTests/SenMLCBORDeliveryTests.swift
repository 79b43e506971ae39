import Foundation
import Testing

/// The agent with `mqtt.encoding: senml-cbor` against a real mosquitto with mutual TLS; what
/// arrives is decoded by Python's cbor2 (`Scripts/senml-cbor-check.py`), not by our own code.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct SenMLCBORDeliveryTests {
    /// One decoded SenML record: its resolved name and sequence number.
    struct Record: Hashable {
        var name: String
        var sequence: UInt64
        /// Whether the record wrote `seq` itself rather than holding it from the one before.
        var wroteSequence: Bool
    }

    /// Decodes hex payloads with cbor2; each payload is one pack.
    func decode(_ hexPayloads: [String], in workspace: Workspace) throws -> [[Record]] {
        var files: [String] = []
        for (index, hex) in hexPayloads.enumerated() {
            var bytes: [UInt8] = []
            var digits = hex.makeIterator()
            while let high = digits.next(), let low = digits.next(), let byte = UInt8(String([high, low]), radix: 16) {
                bytes.append(byte)
            }
            let path = workspace.path("payload-\(index).cbor")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            files.append(path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", packageRoot.appendingPathComponent("Scripts/senml-cbor-check.py").path] + files
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("cbor2 refused a payload (is cbor2 installed?)") }
        var packs: [[Record]] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("pack ") { packs.append([]); continue }
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let name = object["resolved:name"] as? String ?? ""
            // Resolved by the script (RFC 8428 base fields, and `seq` held as +1 per record).
            let sequence = (object["resolved:seq"] as? NSNumber)?.uint64Value ?? 0
            packs[packs.count - 1].append(Record(name: name, sequence: sequence, wroteSequence: object["text:seq"] != nil))
        }
        return packs
    }

    @Test func batchedCBORPacksCarryEveryReadingInOrderOnePUBACKEach() async throws {
        let workspace = try Workspace("cbor")
        let broker = try await Broker(workspace: workspace)
        let subscriber = try await Subscriber(broker: broker, topic: "sensorgw/e2e-gateway/readings", format: "%t %x")
        let agent = try AgentProcess(workspace: workspace, broker: broker, interval: "100ms",
                                     mqttExtra: "encoding: senml-cbor")
        try agent.start()
        let hexPayloads: () -> [String] = {
            Subscriber.lines(at: subscriber.outputPath).compactMap { line in
                guard line.hasPrefix("sensorgw/e2e-gateway/readings ") else { return nil }
                return String(line.split(separator: " ").last ?? "")
            }
        }
        try await waitUntil(timeout: .seconds(60), "a few CBOR packs") { hexPayloads().count >= 3 }
        #expect(try await agent.stop() == 0)
        try await Task.sleep(for: .milliseconds(300))

        let packs = try decode(hexPayloads(), in: workspace)
        let records = packs.flatMap { $0 }
        #expect(packs.count >= 3)
        // Several readings per message: the encoder batches what the outbox holds.
        #expect(packs.contains { $0.count > 1 }, "pack sizes \(packs.map(\.count))")
        // Every number from 1 up, once, in order (one connection, graceful stop).
        #expect(records.map(\.sequence) == Array(1...UInt64(records.count)))
        #expect(Set(records.map(\.name)) == ["e2e-gateway:air:temperature", "e2e-gateway:air:pressure", "e2e-gateway:air:humidity"])
        #expect(try await agent.outboxContents().pending.isEmpty, "each pack's PUBACK deleted all its readings")
        // Compact: within a pack only the first record carries `seq` unless there is a gap.
        let rawSeqCount = records.filter(\.wroteSequence).count
        #expect(rawSeqCount < records.count, "\(rawSeqCount) of \(records.count) records wrote seq")
        try await subscriber.stop()
        try await broker.stop()
    }
}
