import Foundation
import Testing

/// The retained online/offline status (`mqtt.topics.availability`) with the real agent and a
/// real mosquitto over mutual TLS: what a subscriber that comes later reads, after a start, a
/// `kill -9` (the broker sends the will) and a graceful stop (the agent sends it by hand).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct AvailabilityDeliveryTests {
    static let topic = "sensorgw/e2e-gateway/availability"

    /// What a new subscriber gets on the availability topic at once: the retained message, as
    /// `<retain flag> <payload>` lines (`mosquitto_sub -F "%t %r %p"`, the topic taken off).
    func retained(_ broker: Broker, as clientID: String) async throws -> [String] {
        let late = try await Subscriber(broker: broker, topic: Self.topic, clientID: clientID, format: "%t %r %p")
        try await waitUntil(timeout: .seconds(10), "the retained status") { !availability(late).isEmpty }
        try await late.stop()
        return availability(late)
    }

    func availability(_ subscriber: Subscriber) -> [String] {
        Subscriber.lines(at: subscriber.outputPath).filter { $0.hasPrefix(Self.topic + " ") }.map { String($0.dropFirst(Self.topic.count + 1)) }
    }

    @Test func aLateSubscriberLearnsOnlineAfterAStartAndOfflineAfterAKillOrAStop() async throws {
        let workspace = try Workspace("availability")
        let broker = try await Broker(workspace: workspace)
        let readings = try await Subscriber(broker: broker, topic: "sensorgw/e2e-gateway/readings")
        let agent = try AgentProcess(workspace: workspace, broker: broker)
        try agent.start()
        try await waitUntil(timeout: .seconds(60), "first readings") { readings.readings.count >= 3 }
        #expect(try await retained(broker, as: "late-1") == ["1 online"])

        // No DISCONNECT: the broker publishes the will, retained.
        try await agent.kill()
        var afterKill: [String] = []
        for attempt in 0..<20 where afterKill != ["1 offline"] {
            if attempt > 0 { try await Task.sleep(for: .milliseconds(250)) }
            afterKill = try await retained(broker, as: "late-2-\(attempt)")
        }
        #expect(afterKill == ["1 offline"])

        // Back: online again, before the readings resume.
        let before = readings.readings.count
        try agent.start()
        try await waitUntil(timeout: .seconds(60), "readings again") { readings.readings.count >= before + 3 }
        #expect(try await retained(broker, as: "late-3") == ["1 online"])

        // A graceful stop: a broker drops the will after a clean DISCONNECT, so the agent sent it.
        #expect(try await agent.stop() == 0)
        #expect(try await retained(broker, as: "late-4") == ["1 offline"])
        #expect(!agent.log.contains("cannot publish a session message"))
        try await readings.stop()
        try await broker.stop()
    }

    @Test func switchedOffNothingIsRetainedOnTheTopic() async throws {
        let workspace = try Workspace("availability-off")
        let broker = try await Broker(workspace: workspace)
        let readings = try await Subscriber(broker: broker, topic: "sensorgw/e2e-gateway/readings")
        let agent = try AgentProcess(workspace: workspace, broker: broker, mqttExtra: "topics: { availability: false }")
        try agent.start()
        try await waitUntil(timeout: .seconds(60), "first readings") { readings.readings.count >= 3 }
        try await agent.kill()
        let late = try await Subscriber(broker: broker, topic: Self.topic, clientID: "late-off", format: "%t %r %p")
        try await Task.sleep(for: .seconds(1))
        #expect(availability(late) == [], "neither online nor the will")
        try await late.stop()
        try await readings.stop()
        try await broker.stop()
    }
}
