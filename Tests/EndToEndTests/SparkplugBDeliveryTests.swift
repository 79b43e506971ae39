import Foundation
import Testing

/// The agent with `mqtt.encoding: sparkplug-b` against a real mosquitto with mutual TLS; every
/// payload is decoded by Eclipse Tahu's protobuf classes (`Scripts/sparkplug-check.py`).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct SparkplugBDeliveryTests {
    struct Message {
        var topic: String
        var fields: [String: Any]

        var seq: Int? { (fields["seq"] as? NSNumber)?.intValue }
        var metrics: [[String: Any]] { fields["metrics"] as? [[String: Any]] ?? [] }
        var bdSeq: Int? {
            metrics.first { $0["name"] as? String == "bdSeq" }.flatMap { ($0["long_value"] as? NSNumber)?.intValue }
        }
        var type: String { topic.split(separator: "/").dropFirst(2).first.map(String.init) ?? "" }
    }

    func received(_ subscriber: Subscriber) -> [(topic: String, hex: String)] {
        Subscriber.lines(at: subscriber.outputPath).compactMap { line in
            guard line.hasPrefix("spBv1.0/"), let space = line.firstIndex(of: " ") else { return nil }
            return (String(line[..<space]), String(line[line.index(after: space)...]))
        }
    }

    /// Decodes with Tahu's classes; each payload one JSON line.
    func decode(_ raw: [(topic: String, hex: String)], in workspace: Workspace) throws -> [Message] {
        var files: [String] = []
        for (index, message) in raw.enumerated() {
            var bytes: [UInt8] = []
            var digits = message.hex.makeIterator()
            while let high = digits.next(), let low = digits.next(), let byte = UInt8(String([high, low]), radix: 16) {
                bytes.append(byte)
            }
            let path = workspace.path("sparkplug-\(index).pb")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            files.append(path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", packageRoot.appendingPathComponent("Scripts/sparkplug-check.py").path] + files
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("Tahu's classes refused a payload (pysparkplug installed?)") }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        guard lines.count == raw.count else { throw TestFailure("\(lines.count) decoded of \(raw.count)") }
        return try zip(raw, lines).map { message, line in
            Message(topic: message.topic, fields: try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:])
        }
    }

    @Test func birthsDataRebirthAndTheWillArriveAsSparkplugSaysAndBdSeqOutlivesARestart() async throws {
        let workspace = try Workspace("sparkplug")
        let broker = try await Broker(workspace: workspace)
        let subscriber = try await Subscriber(broker: broker, topic: "spBv1.0/#", format: "%t %x")
        let agent = try AgentProcess(workspace: workspace, broker: broker, interval: "200ms",
                                     mqttExtra: "encoding: sparkplug-b")
        try agent.start()
        let node = "spBv1.0/sensorgw"
        let count: (String) -> Int = { type in self.received(subscriber).filter { $0.topic.hasPrefix("\(node)/\(type)/") }.count }
        try await waitUntil(timeout: .seconds(60), "NBIRTH, DBIRTH and some DDATA") { count("DDATA") >= 3 }

        // A host asks for a rebirth: NCMD with Node Control/Rebirth = true (bytes written out by
        // hand from the protobuf wire format, as in the unit tests).
        let name = Array("Node Control/Rebirth".utf8)
        let metric: [UInt8] = [0x0A, UInt8(name.count)] + name + [0x20, 0x0B, 0x70, 0x01]
        let commandPath = workspace.path("rebirth.pb")
        try Data([0x12, UInt8(metric.count)] + metric).write(to: URL(fileURLWithPath: commandPath))
        let certs = workspace.certificates.path
        _ = try run("/usr/bin/mosquitto_pub", [
            "-h", "localhost", "-p", String(broker.port), "--cafile", certs + "/ca.pem", "--cert", certs + "/subscriber.pem",
            "--key", certs + "/subscriber.key", "-t", "\(node)/NCMD/e2e-gateway", "-f", commandPath, "-q", "1",
        ])
        try await waitUntil(timeout: .seconds(30), "a second NBIRTH") { count("NBIRTH") >= 2 }
        try await waitUntil(timeout: .seconds(30), "DDATA after the rebirth") {
            let raw = received(subscriber)
            guard let rebirth = raw.lastIndex(where: { $0.topic.hasPrefix("\(node)/NBIRTH/") }) else { return false }
            return raw[rebirth...].contains { $0.topic.hasPrefix("\(node)/DDATA/") }
        }

        // Killed: no DISCONNECT, so the broker publishes the will.
        try await agent.kill()
        try await waitUntil(timeout: .seconds(30), "the NDEATH will") { count("NDEATH") >= 1 }

        // Started again: the next connection's bdSeq is one more than the last one's.
        try agent.start()
        try await waitUntil(timeout: .seconds(60), "a third NBIRTH") { count("NBIRTH") >= 3 }
        #expect(try await agent.stop() == 0)
        try await Task.sleep(for: .milliseconds(300))

        let messages = try decode(received(subscriber), in: workspace)
        let births = messages.filter { $0.type == "NBIRTH" }
        // The kill's will, before the third connection's NBIRTH; after the graceful stop, the
        // NDEATH the agent publishes by hand (a broker drops the will after a DISCONNECT), with
        // that connection's bdSeq. Counted as "at least one": should the DISCONNECT miss the
        // broker on a loaded machine, the broker sends the will too.
        let restart = messages.lastIndex { $0.type == "NBIRTH" } ?? messages.endIndex
        let deaths = Array(messages[..<restart].filter { $0.type == "NDEATH" })
        let finalDeaths = messages[restart...].filter { $0.type == "NDEATH" }
        #expect(!finalDeaths.isEmpty && finalDeaths.allSatisfy { $0.bdSeq == births.last?.bdSeq }, "NDEATH at the graceful stop")
        #expect(births.count == 3 && deaths.count == 1)
        #expect(births.allSatisfy { $0.seq == 0 && $0.topic == "\(node)/NBIRTH/e2e-gateway" })
        // The will carries the bdSeq its connection's NBIRTHs carried (the rebirth keeps it).
        #expect(births[0].bdSeq != nil && births[0].bdSeq == births[1].bdSeq && deaths[0].bdSeq == births[0].bdSeq)
        #expect(births[2].bdSeq == ((births[0].bdSeq ?? 0) + 1) % 256, "bdSeq kept across the restart")
        #expect(deaths[0].seq == nil, "NDEATH has no seq")

        // Per connection (and after a rebirth): NBIRTH 0, DBIRTH 1, then DDATA 2, 3 ... each one more.
        var expected: Int?
        for message in messages where message.type != "NDEATH" && message.type != "NCMD" {
            if message.type == "NBIRTH" { expected = 0 }
            #expect(message.seq == expected, "\(message.topic)")
            expected = expected.map { ($0 + 1) % 256 }
        }
        let deviceBirths = messages.filter { $0.type == "DBIRTH" }
        #expect(deviceBirths.count == 3 && deviceBirths.allSatisfy { $0.topic == "\(node)/DBIRTH/e2e-gateway/air" })
        let born = Dictionary(uniqueKeysWithValues: deviceBirths[0].metrics.compactMap { metric -> (Int, String)? in
            guard let alias = (metric["alias"] as? NSNumber)?.intValue, let name = metric["name"] as? String else { return nil }
            return (alias, name)
        })
        #expect(Set(born.values) == ["temperature", "pressure", "humidity"])
        let data = messages.filter { $0.type == "DDATA" }
        #expect(data.allSatisfy { $0.topic == "\(node)/DDATA/e2e-gateway/air" })
        // DDATA names metrics by the aliases the DBIRTH gave, with a Double value each.
        let usedAliases = Set(data.flatMap(\.metrics).compactMap { ($0["alias"] as? NSNumber)?.intValue })
        #expect(!usedAliases.isEmpty && usedAliases.isSubset(of: Set(born.keys)))
        #expect(data.flatMap(\.metrics).allSatisfy { $0["datatype_name"] as? String == "Double" && $0["double_value"] != nil })
        try await subscriber.stop()
        try await broker.stop()
    }
}
