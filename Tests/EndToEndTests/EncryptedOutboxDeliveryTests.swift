import Foundation
import Outbox
import Testing

/// The outbox encrypted at rest (`storage.encryption_key`) with the real agent, a real mosquitto
/// over mutual TLS, an outage and a `kill -9`.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct EncryptedOutboxDeliveryTests {
    static let topic = "sensorgw/e2e-gateway/readings"

    /// Every byte the card holds for the outbox: the database and its write-ahead log.
    func onDisk(_ agent: AgentProcess) -> Data {
        [agent.databasePath, agent.databasePath + "-wal"].reduce(into: Data()) { all, file in
            all.append(FileManager.default.contents(atPath: file) ?? Data())
        }
    }

    func writeKey(_ bytes: [UInt8], to path: String) throws {
        FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        guard FileManager.default.fileExists(atPath: path) else { throw TestFailure("cannot write \(path)") }
    }

    @Test func readingsKeptThroughAnOutageAndAKillAreSealedOnDiskAndAllDeliveredAfter() async throws {
        let workspace = try Workspace("outbox-encrypted")
        let key = (0..<32).map { _ in UInt8.random(in: .min ... .max) }
        let sealing = try #require(OutboxSealing(key: key))
        try writeKey(key, to: workspace.path("outbox.key"))
        let broker = try await Broker(workspace: workspace)
        let subscriber = try await Subscriber(broker: broker, topic: Self.topic)
        let agent = try AgentProcess(workspace: workspace, broker: broker, storageExtra: "encryption_key: outbox.key")
        try agent.start()
        try await waitUntil(timeout: .seconds(60), "first readings") { subscriber.readings.count >= 9 }
        // The broker goes away: readings pile up in the outbox, then the agent dies without a word.
        try await broker.stop()
        try await Task.sleep(for: .seconds(2))
        try await agent.kill()

        let disk = onDisk(agent)
        for private_ in ["temperature", "humidity", "pressure", "%RH"] {
            #expect(disk.range(of: Data(private_.utf8)) == nil, "\(private_) is on the card in clear")
        }
        // The control: those rows are there, and with the key they are what the sensor measured.
        let store = try OutboxStore(path: agent.databasePath, sealing: sealing)
        let kept = try await store.pending(after: 0, limit: 1_000_000)
        await store.close()
        #expect(kept.count >= 30, "readings of the outage are stored: \(kept.count)")
        #expect(Set(kept.map(\.quantity)) == ["temperature", "humidity", "pressure"])
        #expect(Set(kept.map(\.sensorID)) == ["air"])

        // Another key: the agent refuses to start and says why; nothing stored is touched.
        try writeKey((0..<32).map { _ in UInt8.random(in: .min ... .max) }, to: workspace.path("outbox.key"))
        try agent.start()
        try await waitUntil(timeout: .seconds(20), "the agent to refuse the key") { agent.child?.isRunning == false }
        #expect(try await agent.stop() != 0)
        #expect(agent.log.contains("storage.encryption_key does not open this outbox: its readings were encrypted with another key"))
        #expect(try await agent.outboxContents(sealing: sealing).pending == kept.map(\.sequence), "every kept reading is still there")

        // The right key and the broker back: everything kept is delivered (in clear to the broker:
        // the payload envelope, not this, is what hides readings there).
        try writeKey(key, to: workspace.path("outbox.key"))
        try await broker.start()
        try agent.start()
        let keptNumbers = Set(kept.map(\.sequence))
        try await waitUntil(timeout: .seconds(60), "the kept readings") {
            keptNumbers.isSubset(of: Set(subscriber.readings.map(\.sequence)))
        }
        #expect(try await agent.stop() == 0)
        let received = subscriber.readings
        let outbox = try await agent.outboxContents(sealing: sealing)
        let accounted = Set(received.map(\.sequence)).union(outbox.pending)
        #expect((1...outbox.highest).filter { !accounted.contains($0) } == [], "nothing lost")
        let first = try #require(received.first { keptNumbers.contains($0.sequence) })
        #expect(first.payload.contains(#""bn":"e2e-gateway:air:""#), "the sealed row opened to the reading it was: \(first.payload)")
        #expect(!agent.log.contains("unreadable"), "no row failed to open")
        try await subscriber.stop()
        try await broker.stop()
    }
}
