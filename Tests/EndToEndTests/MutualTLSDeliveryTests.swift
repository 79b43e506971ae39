import Foundation
import Testing

/// The agent on a simulated board against a real mosquitto with mutual TLS.
///
/// The proof of "nothing lost" is always the same: after the agent stopped, every sequence
/// number from 1 to the highest ever assigned is either received by the subscriber or still in
/// the outbox, and every received copy of a number carries the same payload.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct MutualTLSDeliveryTests {
    static let topic = "sensorgw/e2e-gateway/readings"

    func assertNothingLost(_ subscriber: Subscriber, _ agent: AgentProcess, minimum: Int,
                           sourceLocation: SourceLocation = #_sourceLocation) async throws -> [ReceivedReading] {
        let received = subscriber.readings
        let outbox = try await agent.outboxContents()
        let receivedNumbers = Set(received.map(\.sequence))
        let accounted = receivedNumbers.union(outbox.pending)
        #expect(outbox.highest >= UInt64(minimum), "highest sequence \(outbox.highest)", sourceLocation: sourceLocation)
        let missing = (1...max(1, outbox.highest)).filter { !accounted.contains($0) }
        #expect(missing.isEmpty, "lost sequence numbers: \(missing.prefix(20))", sourceLocation: sourceLocation)
        // A duplicate is the same reading sent again, never a new reading under an old number.
        let payloadsBySequence = Dictionary(grouping: received, by: \.sequence)
        for (sequence, copies) in payloadsBySequence where Set(copies.map(\.payload)).count > 1 {
            Issue.record("sequence \(sequence) arrived with different payloads: \(copies.map(\.payload))", sourceLocation: sourceLocation)
        }
        return received
    }

    @Test func publishesEveryReadingWithConsecutiveSequenceNumbers() async throws {
        let workspace = try Workspace("deliver")
        let broker = try await Broker(workspace: workspace)
        let subscriber = try await Subscriber(broker: broker, topic: Self.topic)
        let agent = try AgentProcess(workspace: workspace, broker: broker)
        try agent.start()
        let wanted = 30
        try await waitUntil(timeout: .seconds(60), "\(wanted) readings") { subscriber.readings.count >= wanted }
        #expect(try await agent.stop() == 0)
        try await Task.sleep(for: .milliseconds(300))

        let received = try await assertNothingLost(subscriber, agent, minimum: wanted)
        let numbers = received.map(\.sequence)
        // One connection, no crash: no duplicates, and the numbers run 1, 2, 3, ... without a gap.
        #expect(numbers.sorted() == Array(1...UInt64(numbers.count)))
        #expect(try await agent.outboxContents().pending.isEmpty, "a graceful stop drains what was in flight")
        // The counters reach node_exporter's textfile format, written once more on stop.
        let metrics = (try? String(contentsOfFile: agent.metricsPath, encoding: .utf8)) ?? ""
        let storedLine = metrics.split(separator: "\n").first { $0.hasPrefix(#"sensorgw_readings_stored_total{sensor="air"} "#) }
        let storedCount = storedLine.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        #expect(storedCount >= wanted, "metrics file: \(metrics)")
        #expect(received.first?.payload.contains(#""bn":"e2e-gateway:air:""#) == true)
        let units = Set(received.compactMap { reading -> String? in
            guard let range = reading.payload.range(of: #""u":"[^"]+""#, options: .regularExpression) else { return nil }
            return String(reading.payload[range])
        })
        #expect(units == [#""u":"Cel""#, #""u":"Pa""#, #""u":"%RH""#])
        try await subscriber.stop()
        try await broker.stop()
    }

    @Test func brokerStoppedMidRunAndRestartedLosesNothing() async throws {
        let workspace = try Workspace("broker-restart")
        let broker = try await Broker(workspace: workspace)
        let subscriber = try await Subscriber(broker: broker, topic: Self.topic)
        let agent = try AgentProcess(workspace: workspace, broker: broker)
        try agent.start()
        try await waitUntil(timeout: .seconds(60), "first readings") { subscriber.readings.count >= 15 }

        try await broker.stop()
        let countAtOutage = subscriber.readings.count
        try await Task.sleep(for: .seconds(3))   // ~90 readings are taken while the broker is away
        try await broker.start()
        try await waitUntil(timeout: .seconds(60), "readings from the outage") {
            Set(subscriber.readings.map(\.sequence)).count >= countAtOutage + 60
        }
        #expect(try await agent.stop() == 0)
        try await Task.sleep(for: .milliseconds(300))
        _ = try await assertNothingLost(subscriber, agent, minimum: countAtOutage + 60)
        #expect(agent.log.contains("broker connection lost"))
        try await subscriber.stop()
        try await broker.stop()
    }

    @Test func sigkillAtRandomMomentsLosesNothingAndDuplicatesKeepTheirNumbers() async throws {
        let workspace = try Workspace("sigkill")
        let broker = try await Broker(workspace: workspace)
        let subscriber = try await Subscriber(broker: broker, topic: Self.topic)
        let window = 10
        let agent = try AgentProcess(workspace: workspace, broker: broker, inflightWindow: window)
        let kills = 4
        for _ in 0..<kills {
            try agent.start()
            let before = subscriber.readings.count
            try await waitUntil(timeout: .seconds(60), "readings after restart") { subscriber.readings.count > before + 3 }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...700)))
            try await agent.kill()
        }
        try agent.start()
        let before = subscriber.readings.count
        try await waitUntil(timeout: .seconds(60), "readings after the last restart") { subscriber.readings.count > before + 10 }
        #expect(try await agent.stop() == 0)
        try await Task.sleep(for: .milliseconds(300))

        let received = try await assertNothingLost(subscriber, agent, minimum: 20)
        let duplicates = received.count - Set(received.map(\.sequence)).count
        // Only what was in flight (at most one window) at each kill can arrive twice.
        #expect(duplicates <= kills * window, "\(duplicates) duplicates")
        try await subscriber.stop()
        try await broker.stop()
    }

    func expectRefused(serverCertificate: String, clientCertificate: String, name: String) async throws {
        let workspace = try Workspace(name)
        let broker = try await Broker(workspace: workspace, serverCertificate: serverCertificate)
        // The subscriber cannot use a broker with a rogue certificate either; watch from the log.
        let agent = try AgentProcess(workspace: workspace, broker: broker, clientCertificate: clientCertificate)
        try agent.start()
        try await waitUntil(timeout: .seconds(30), "three refused connection attempts") {
            agent.log.components(separatedBy: "could not connect to broker").count > 3
        }
        #expect(!agent.log.contains("broker connection lost"), "it never came up, so it was never lost")
        #expect(agent.child?.isRunning == true, "a refused connection must not stop the agent")
        #expect(!agent.log.contains("connected to broker"))
        #expect(try await agent.stop() == 0)
        let outbox = try await agent.outboxContents()
        #expect(outbox.pending.count > 0 && UInt64(outbox.pending.count) == outbox.highest,
                "every reading stays in the outbox: \(outbox.pending.count) of \(outbox.highest)")
        try await broker.stop()
    }

    @Test func clientCertificateTheBrokerDoesNotTrustIsRefused() async throws {
        try await expectRefused(serverCertificate: "server", clientCertificate: "rogue-client", name: "rogue-client")
    }

    @Test func brokerCertificateTheAgentDoesNotTrustIsRefused() async throws {
        try await expectRefused(serverCertificate: "rogue-server", clientCertificate: "client", name: "rogue-server")
    }

    @Test func brokerCertificateForAnotherHostNameIsRefused() async throws {
        try await expectRefused(serverCertificate: "wrong-host", clientCertificate: "client", name: "wrong-host")
    }
}
