import Foundation
import Testing

/// The real agent with two independent mosquitto brokers (mutual TLS, the same test CA) in its
/// failover list: the broker in use is SIGKILLed, or the first is down from the start, and
/// every sequence number still reaches a subscriber on one broker or the other.
///
/// The second broker's certificate names only 127.0.0.1 and it is listed by that address, the
/// first by `localhost`: a connection verified against the first broker's host name would be
/// refused, so delivery through the second proves TLS checks the broker actually dialled.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct FailoverTests {
    static let topic = "sensorgw/e2e-gateway/readings"

    struct Rig {
        let workspace: Workspace
        let a: Broker
        let b: Broker
        let onA: Subscriber
        let onB: Subscriber
        let agent: AgentProcess

        func stopAll() async throws {
            try await onA.stop()
            try await onB.stop()
            try await a.stop()
            try await b.stop()
        }
    }

    func rig(_ name: String, reconnectInitial: String = "200ms", reconnectMax: String = "1s") async throws -> Rig {
        let workspace = try Workspace(name)
        try makeServerCertificate(workspace, name: "address-only", subjectAltName: "IP:127.0.0.1")
        let a = try await Broker(workspace: workspace, name: "a")
        let b = try await Broker(workspace: workspace, serverCertificate: "address-only", name: "b")
        let onA = try await Subscriber(broker: a, topic: Self.topic, clientID: "on-a")
        let onB = try await Subscriber(broker: b, topic: Self.topic, clientID: "on-b", host: "127.0.0.1")
        let agent = try AgentProcess(workspace: workspace, port: a.port, host: "localhost",
                                     mqttExtra: "failover: [{host: 127.0.0.1, port: \(b.port)}]",
                                     reconnectMax: reconnectMax, reconnectInitial: reconnectInitial)
        return Rig(workspace: workspace, a: a, b: b, onA: onA, onB: onB, agent: agent)
    }

    /// Every number from 1 to the highest stored arrived on A or B (duplicates allowed, never
    /// with another payload), and the outbox is empty.
    func expectNothingLost(_ rig: Rig, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let received = rig.onA.readings + rig.onB.readings
        let outbox = try await rig.agent.outboxContents()
        #expect(outbox.pending.isEmpty, "still stored: \(outbox.pending.prefix(20))", sourceLocation: sourceLocation)
        let numbers = Set(received.map(\.sequence))
        let missing = (1...max(1, outbox.highest)).filter { !numbers.contains($0) }
        #expect(missing.isEmpty, "never received on A or B: \(missing.prefix(20))", sourceLocation: sourceLocation)
        for (sequence, copies) in Dictionary(grouping: received, by: \.sequence) where Set(copies.map(\.payload)).count > 1 {
            Issue.record("sequence \(sequence) arrived with different payloads", sourceLocation: sourceLocation)
        }
    }

    func brokerIndexGauge(_ agent: AgentProcess) -> Double? {
        let text = (try? String(contentsOfFile: agent.metricsPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix("sensorgw_uplink_broker_index ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func killingTheBrokerInUseMovesTheAgentToTheNextWithNothingLost() async throws {
        let rig = try await rig("failover-kill")
        try rig.agent.start()
        try await waitUntil(timeout: .seconds(60), "readings on A") { rig.onA.readings.count >= 20 }
        #expect(rig.onB.readings.isEmpty, "the agent starts on the first broker")
        let killed = ContinuousClock.now
        try await rig.a.kill()
        // Well inside the keepalive-based dead-link bound (7.5 s): a killed broker closes its sockets.
        try await waitUntil(timeout: .seconds(15), "readings on B after A was killed") { rig.onB.readings.count >= 10 }
        let moved = ContinuousClock.now - killed
        #expect(moved < .seconds(10), "moved to B after \(moved)")
        #expect(try await rig.agent.stop() == 0)
        try await Task.sleep(for: .milliseconds(300))
        try await expectNothingLost(rig)
        let log = rig.agent.log
        #expect(log.contains("broker connection lost") && log.contains("broker=localhost:\(rig.a.port)"))
        #expect(log.contains("connected to broker") && log.contains("broker=127.0.0.1:\(rig.b.port)"))
        #expect(brokerIndexGauge(rig.agent) == 1, "sensorgw_uplink_broker_index names mqtt.failover[0]")
        try await rig.stopAll()
    }

    @Test func theFirstBrokerDownAtStartSendsTheAgentToTheNextStraightAway() async throws {
        // A backoff far longer than the bound: only moving on at once can meet it.
        let rig = try await rig("failover-first-down", reconnectInitial: "30s", reconnectMax: "60s")
        try await rig.a.stop()
        let started = ContinuousClock.now
        try rig.agent.start()
        try await waitUntil(timeout: .seconds(10), "readings on B") { rig.onB.readings.count >= 5 }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(try await rig.agent.stop() == 0)
        try await Task.sleep(for: .milliseconds(300))
        try await expectNothingLost(rig)
        #expect(rig.agent.log.contains("trying the next broker"))
        try await rig.stopAll()
    }
}

/// A server certificate from the workspace's test CA with exactly `subjectAltName`.
func makeServerCertificate(_ workspace: Workspace, name: String, subjectAltName: String) throws {
    let script = """
        set -euo pipefail
        cd "$1"
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=$2 -keyout "$2.key" -out "$2.csr" 2>/dev/null
        printf 'basicConstraints=CA:false\\nextendedKeyUsage=serverAuth\\nsubjectAltName=%s\\n' "$3" > "$2.ext"
        openssl x509 -req -in "$2.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile "$2.ext" -out "$2.pem" 2>/dev/null
        chmod 600 "$2.key"; rm -f "$2.csr" "$2.ext"
        """
    let status = try run("/bin/bash", ["-c", script, "make-cert", workspace.certificates.path, name, subjectAltName])
    guard status == 0 else { throw TestFailure("cannot make the \(name) server certificate") }
}
