import Foundation
import Testing

/// SIGHUP re-reads the configuration of the real binary publishing to a real mosquitto.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ReloadTests {
    @Test func aBadEditIsRefusedNamingFileLineAndKeyAndAGoodOneAddsASensorLosingNothing() async throws {
        let workspace = try Workspace("reload")
        let broker = try await Broker(workspace: workspace)
        let subscriber = try await Subscriber(broker: broker, topic: MutualTLSDeliveryTests.topic)
        let agent = try AgentProcess(workspace: workspace, broker: broker)
        let notify = try NotifySocket(path: workspace.path("notify.sock"))
        defer { notify.close() }
        let child = try Child(sensorgwBinary, ["run", "--config", agent.configPath], log: workspace.path("agent.log"),
                              environment: ["NOTIFY_SOCKET": notify.path])
        try await waitUntil(timeout: .seconds(60), "first readings") { subscriber.readings.count >= 10 }
        let original = try String(contentsOfFile: agent.configPath, encoding: .utf8)

        // A bad edit: an I2C address out of range on line 7.
        try original.replacingOccurrences(of: "address: 0x76", with: "address: 0x80")
            .write(toFile: agent.configPath, atomically: true, encoding: .utf8)
        kill(child.pid, SIGHUP)
        try await waitUntil(timeout: .seconds(20), "the refusal") { agent.log.contains("reload refused") }
        let refusal = agent.log.split(separator: "\n").first { $0.contains("reload refused") }.map(String.init) ?? ""
        #expect(refusal.contains("\(agent.configPath):7:"), "\(refusal)")
        #expect(refusal.contains("sensors[0].i2c.address"), "\(refusal)")
        #expect(refusal.contains("error"), "logged at error: \(refusal)")
        // The old configuration keeps publishing.
        let afterRefusal = subscriber.readings.count
        try await waitUntil(timeout: .seconds(30), "readings after the refusal") {
            subscriber.readings.count >= afterRefusal + 10
        }
        #expect(child.isRunning)

        // A good edit: a second sensor.
        try original.replacingOccurrences(of: "    interval: 100ms\n", with: """
                interval: 100ms
              - id: box
                type: sht3x
                i2c: { bus: 1, address: 0x44 }
                interval: 200ms

            """).write(toFile: agent.configPath, atomically: true, encoding: .utf8)
        kill(child.pid, SIGHUP)
        try await waitUntil(timeout: .seconds(30), "the new sensor's readings") {
            subscriber.readings.contains { $0.payload.contains(#""bn":"e2e-gateway:box:""#) }
        }
        #expect(agent.log.contains("configuration reloaded"))
        let beforeMore = subscriber.readings.count
        try await waitUntil(timeout: .seconds(30), "more readings") { subscriber.readings.count >= beforeMore + 20 }
        #expect(try await child.stop() == 0)
        try await Task.sleep(for: .milliseconds(300))

        // systemd's reload protocol, twice: RELOADING=1 with the monotonic time, then READY=1.
        let texts = notify.messages.map(\.text)
        let reloads = texts.indices.filter { texts[$0].hasPrefix("RELOADING=1\nMONOTONIC_USEC=") }
        #expect(reloads.count == 2, "\(texts.filter { !$0.hasPrefix("STATUS") && $0 != "WATCHDOG=1" })")
        for index in reloads {
            #expect(texts[(index + 1)...].first { $0 == "READY=1" || $0.hasPrefix("RELOADING") } == "READY=1")
        }
        // Nothing lost across both reloads: every number is received or still stored.
        let received = subscriber.readings
        let outbox = try await agent.outboxContents()
        let accounted = Set(received.map(\.sequence)).union(outbox.pending)
        #expect(outbox.highest > 40)
        let missing = (1...max(1, outbox.highest)).filter { !accounted.contains($0) }
        #expect(missing.isEmpty, "lost sequence numbers: \(missing.prefix(20))")
        try await subscriber.stop()
        try await broker.stop()
    }
}
