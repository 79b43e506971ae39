import Foundation
import Testing

/// `sensorgw status` against the real running agent: the status file it writes, read by the
/// command and by Foundation's JSON parser (which knows nothing of ours).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct StatusCommandTests {
    @Test func statusReadsTheRunningAgentAndSaysNotRunningOnceItIsKilled() async throws {
        let workspace = try Workspace("status")
        let broker = try await Broker(workspace: workspace)
        let subscriber = try await Subscriber(broker: broker, topic: MutualTLSDeliveryTests.topic)
        let agent = try AgentProcess(workspace: workspace, broker: broker)
        let statusPath = workspace.path("status.json")
        let child = try Child(sensorgwBinary, ["run", "--config", agent.configPath], log: workspace.path("agent.log"),
                              environment: ["SENSORGW_STATUS_FILE": statusPath])
        try await waitUntil(timeout: .seconds(60), "readings") { subscriber.readings.count >= 10 }
        // Written every 2 s: wait for a file that shows the acknowledged publishes.
        var json: [String: Any] = [:]
        try await waitUntil(timeout: .seconds(10), "a status file with an acknowledgement") {
            guard let data = FileManager.default.contents(atPath: statusPath),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
            json = object
            return object["last_ack_age_seconds"] is NSNumber
        }

        let result = try await sensorgw(["status", "--json", "--file", statusPath], in: workspace)
        #expect(result.status == 0, "\(result.output)")
        let printed = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any],
                                   "\(result.output)")
        #expect((printed["pid"] as? Int) == Int(child.pid))
        #expect((printed["running"] as? Bool) == true)
        #expect((printed["healthy"] as? Bool) == true)
        #expect((printed["version"] as? String)?.isEmpty == false)
        let written = try #require(printed["written_at"] as? Double)
        let started = try #require(printed["started_at"] as? Double)
        #expect(abs(written - Date().timeIntervalSince1970) < 10)
        #expect(started <= written)
        let components = try #require(printed["components"] as? [String: [String: Any]])
        #expect(Set(components.keys) == ["sampler", "storage", "uplink"])
        #expect(components.values.allSatisfy { ($0["healthy"] as? Bool) == true && $0["reason"] is NSNull })
        let uplink = try #require(printed["uplink"] as? [String: Any])
        #expect((uplink["state"] as? String) == "connected")
        #expect((uplink["connections"] as? Int) == 1)
        let outbox = try #require(printed["outbox"] as? [String: Any])
        #expect((outbox["readings"] as? Int).map { $0 >= 0 } == true)
        #expect((outbox["bytes"] as? Int).map { $0 > 0 } == true)
        let ackAge = try #require(printed["last_ack_age_seconds"] as? Double)
        #expect(ackAge >= 0 && ackAge < 5, "readings are acknowledged every 100 ms")
        let sensors = try #require(printed["sensors"] as? [[String: Any]])
        #expect(sensors.count == 1)
        #expect((sensors.first?["id"] as? String) == "air")
        #expect((sensors.first?["kind"] as? String) == "bme280")
        #expect((sensors.first?["health"] as? String) == "healthy")
        #expect((sensors.first?["errors"] as? Int) == 0)
        // A BME280 sample is three readings; at least the ten delivered were counted.
        #expect((sensors.first?["readings"] as? Int).map { $0 >= 10 } == true)
        let lastReading = try #require(sensors.first?["last_reading_at"] as? Double)
        #expect(abs(written - lastReading) < 2, "sampled every 100 ms")
        #expect(json["pid"] as? Int == Int(child.pid))

        let table = try await sensorgw(["status", "--file", statusPath], in: workspace)
        #expect(table.status == 0)
        #expect(table.output.contains("health: healthy"), "\(table.output)")
        #expect(table.output.split(separator: "\n").contains { $0.hasPrefix("air ") && $0.contains("bme280") && $0.contains("healthy") },
                "\(table.output)")

        // SIGKILL: no last write; the file still says running, but its pid is gone.
        try await child.stop(signal: SIGKILL)
        let after = try await sensorgw(["status", "--file", statusPath], in: workspace)
        #expect(after.status == 3, "\(after.output)")
        #expect(after.output.contains("is gone"), "\(after.output)")
        // No file at all is "not running" too.
        let none = try await sensorgw(["status", "--file", workspace.path("absent.json")], in: workspace)
        #expect(none.status == 3, "\(none.output)")
        try "{\"pid\": 1,".write(toFile: workspace.path("corrupt.json"), atomically: true, encoding: .utf8)
        let corrupt = try await sensorgw(["status", "--file", workspace.path("corrupt.json")], in: workspace)
        #expect(corrupt.status == 4, "\(corrupt.output)")
        #expect(corrupt.output.contains("is not a status file"), "\(corrupt.output)")
        try await subscriber.stop()
        try await broker.stop()
    }

    @Test func aCleanStopLeavesAFileThatSaysStopped() async throws {
        let workspace = try Workspace("status-stop")
        let agent = try AgentProcess(workspace: workspace, port: freePort(), tls: false)
        let statusPath = workspace.path("status.json")
        let child = try Child(sensorgwBinary, ["run", "--config", agent.configPath], log: workspace.path("agent.log"),
                              environment: ["SENSORGW_STATUS_FILE": statusPath])
        try await waitUntil(timeout: .seconds(30), "the status file") { FileManager.default.fileExists(atPath: statusPath) }
        // Nothing listens on the broker's port: running, backing off, the refusal named.
        try await waitUntil(timeout: .seconds(10), "a connection failure in the status") {
            let data = FileManager.default.contents(atPath: statusPath) ?? Data()
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            return ((object?["uplink"] as? [String: Any])?["last_failure"] as? String)?.contains("refused") == true
        }
        let running = try await sensorgw(["status", "--file", statusPath], in: workspace)
        #expect(running.status == 0, "backing off correctly is healthy: \(running.output)")
        #expect(running.output.contains("backing off") || running.output.contains("connecting"), "\(running.output)")
        #expect(try await child.stop(signal: SIGTERM) == 0)
        let data = try #require(FileManager.default.contents(atPath: statusPath))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((object["running"] as? Bool) == false)
        let stopped = try await sensorgw(["status", "--json", "--file", statusPath], in: workspace)
        #expect(stopped.status == 3, "\(stopped.output)")
        #expect(stopped.output.contains("stopped"), "\(stopped.output)")
    }
}
