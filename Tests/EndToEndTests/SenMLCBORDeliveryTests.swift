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

    /// Payloads that arrived, with the subscriber's arrival time (mosquitto_sub's `%U`).
    static func arrivals(_ subscriber: Subscriber) -> [(seconds: Double, hex: String)] {
        Subscriber.lines(at: subscriber.outputPath).compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 3, fields[0] == "sensorgw/e2e-gateway/readings", let seconds = Double(fields[2]) else { return nil }
            return (seconds, String(fields[1]))
        }
    }

    @Test func aByteBudgetKeepsEveryPackUnderItAndNearIt() async throws {
        let workspace = try Workspace("cbor-bytes")
        let broker = try await Broker(workspace: workspace)
        let subscriber = try await Subscriber(broker: broker, topic: "sensorgw/e2e-gateway/readings", format: "%t %x %U")
        // 30 readings a second into 1000-reading messages that may wait 1 s: the 300-byte budget
        // is what closes each pack.
        let agent = try AgentProcess(workspace: workspace, broker: broker, interval: "100ms",
                                     mqttExtra: "encoding: senml-cbor\n  readings_per_message: 1000\n  bytes_per_message: 300\n  batch_wait: 1s")
        try agent.start()
        try await waitUntil(timeout: .seconds(60), "several packs") { Self.arrivals(subscriber).count >= 6 }
        #expect(try await agent.stop() == 0)
        try await Task.sleep(for: .milliseconds(300))

        let payloads = Self.arrivals(subscriber).map(\.hex)
        let sizes = payloads.map { $0.count / 2 }
        #expect(sizes.allSatisfy { $0 <= 300 }, "payload bytes \(sizes)")
        let packs = try decode(payloads, in: workspace)
        let records = packs.flatMap { $0 }
        #expect(records.map(\.sequence) == Array(1...UInt64(records.count)), "every reading once, in order")
        // Cut at the budget, not halved below it: the middle packs (not the first, backlog, or
        // the last, flushed at stop) fill more than half of it.
        let middle = sizes.dropFirst().dropLast()
        #expect(!middle.isEmpty && middle.allSatisfy { $0 > 150 }, "payload bytes \(sizes)")
        #expect(try await agent.outboxContents().pending.isEmpty)
        try await subscriber.stop()
        try await broker.stop()
    }

    @Test func aBatchWaitGathersNewReadingsIntoOneMessageEveryFewSeconds() async throws {
        let workspace = try Workspace("cbor-wait")
        let broker = try await Broker(workspace: workspace)
        let subscriber = try await Subscriber(broker: broker, topic: "sensorgw/e2e-gateway/readings", format: "%t %x %U")
        let agent = try AgentProcess(workspace: workspace, broker: broker, interval: "100ms",
                                     mqttExtra: "encoding: senml-cbor\n  readings_per_message: 1000\n  batch_wait: 2s")
        try agent.start()
        try await waitUntil(timeout: .seconds(60), "four packs") { Self.arrivals(subscriber).count >= 4 }
        #expect(try await agent.stop() == 0)
        try await Task.sleep(for: .milliseconds(300))

        let arrivals = Self.arrivals(subscriber)
        let packs = try decode(arrivals.map(\.hex), in: workspace)
        let records = packs.flatMap { $0 }
        #expect(records.map(\.sequence) == Array(1...UInt64(records.count)), "every reading once, in order")
        // Between the first pack (backlog from before the connection, sent at once) and the
        // last (flushed at stop), packs are about 2 s apart and carry about 2 s of readings
        // (30 a second); the bounds leave room for a loaded machine.
        let gaps = zip(arrivals.dropFirst(), arrivals).map { $0.seconds - $1.seconds }.dropLast()
        #expect(!gaps.isEmpty && gaps.allSatisfy { $0 > 1.5 }, "seconds between packs \(gaps)")
        let middle = packs.dropFirst().dropLast().map(\.count)
        #expect(!middle.isEmpty && middle.allSatisfy { $0 >= 20 }, "readings per pack \(packs.map(\.count))")
        try await subscriber.stop()
        try await broker.stop()
    }
}
