import Foundation
import Testing

/// The real agent against brokers set up wrong in each way an installer gets wrong: each
/// failure is named ("could not connect", with its kind and the file or setting to fix), counted
/// in the metrics, retried without spinning, and never loses a reading.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct ConnectFailureTests {
    enum Setup: String, CaseIterable, Sendable {
        case refused, nameNotResolved, untrustedServer, hostNameMismatch, expired, notYetValid,
             clientCertificateRejected, plaintextBrokerOnTLSPort, tlsBrokerForPlaintext
    }

    /// The kind logged and counted, and words the line must carry.
    static func expected(_ setup: Setup, certs: String) -> (kind: String, words: [String]) {
        switch setup {
        case .refused: ("refused", ["connection refused"])
        case .nameNotResolved: ("name_not_resolved", ["no-such-broker.invalid", "mqtt.host"])
        case .untrustedServer: ("server_certificate_untrusted", ["\(certs)/ca.pem", "untrusted CA"])
        case .hostNameMismatch: ("host_name_mismatch", ["not-this-host.example", "not for localhost"])
        case .expired: ("certificate_expired", ["2020-02-01 00:00:00 UTC"])
        case .notYetValid: ("certificate_not_yet_valid", ["2099-12-31 00:00:00 UTC", "clock"])
        case .clientCertificateRejected: ("client_certificate_rejected", ["\(certs)/client.pem", "unknown_ca"])
        case .plaintextBrokerOnTLSPort: ("plaintext_broker", ["plaintext MQTT listener", "mqtt.port"])
        case .tlsBrokerForPlaintext: ("tls_broker", ["speaks TLS", "mqtt.tls"])
        }
    }

    /// A broker (or none) set up wrong as `setup` says, and an agent configured for it.
    /// The reconnect cap of the CPU test's agents.
    static let backingOffMax = "5s"

    static func rig(_ setup: Setup, _ workspace: Workspace, name: String = "agent", interval: String = "100ms",
                    reconnectMax: String = "1s") async throws -> (MisconfiguredBroker?, AgentProcess) {
        let certs = workspace.certificates.path
        func broker(_ listener: String) async throws -> MisconfiguredBroker {
            try await MisconfiguredBroker(workspace: workspace, name: name, listener: listener)
        }
        switch setup {
        case .refused:
            return (nil, try AgentProcess(workspace: workspace, port: freePort(), interval: interval, name: name,
                                          reconnectMax: reconnectMax))
        case .nameNotResolved:
            return (nil, try AgentProcess(workspace: workspace, port: 8883, host: "no-such-broker.invalid", interval: interval,
                                          name: name, reconnectMax: reconnectMax))
        case .untrustedServer, .hostNameMismatch, .expired, .notYetValid, .clientCertificateRejected, .tlsBrokerForPlaintext:
            let server: String
            switch setup {
            case .untrustedServer: server = "rogue-server"
            case .hostNameMismatch: server = "wrong-host"
            case .expired:
                server = "expired"
                try makeDatedServerCertificate(workspace, name: server, start: "20200101000000Z", end: "20200201000000Z")
            case .notYetValid:
                server = "future"
                try makeDatedServerCertificate(workspace, name: server, start: "20991231000000Z", end: "21000101000000Z")
            default: server = "server"
            }
            // The broker that rejects the client trusts only another CA.
            let clientCA = setup == .clientCertificateRejected ? "rogue-ca" : "ca"
            let b = try await broker(MisconfiguredBroker.tlsListener(certs, server: server, clientCA: clientCA))
            return (b, try AgentProcess(workspace: workspace, port: b.port, tls: setup != .tlsBrokerForPlaintext,
                                        interval: interval, name: name, reconnectMax: reconnectMax))
        case .plaintextBrokerOnTLSPort:
            let b = try await broker("allow_anonymous true")
            return (b, try AgentProcess(workspace: workspace, port: b.port, interval: interval, name: name,
                                        reconnectMax: reconnectMax))
        }
    }

    @Test(arguments: Setup.allCases)
    func eachMisconfigurationIsNamedCountedAndRetried(_ setup: Setup) async throws {
        let workspace = try Workspace("connect-\(setup.rawValue)")
        let (broker, agent) = try await Self.rig(setup, workspace)
        let (kind, words) = Self.expected(setup, certs: workspace.certificates.path)
        try agent.start()
        let line = "could not connect to broker"
        try await waitUntil(timeout: .seconds(30), "two failed attempts of kind \(kind)") {
            agent.log.components(separatedBy: "\n").filter { $0.contains(line) && $0.contains("kind=\(kind) ") }.count >= 2
        }
        #expect(agent.child?.isRunning == true, "a failed connection must not stop the agent")
        #expect(try await agent.stop() == 0)
        let log = agent.log
        let failures = log.components(separatedBy: "\n").filter { $0.contains(line) }
        #expect(failures.allSatisfy { $0.contains("kind=\(kind) ") }, "every attempt named the same: \(failures.prefix(3))")
        for word in words {
            #expect(failures.first?.contains(word) == true, "'\(word)' in: \(failures.first ?? "")")
        }
        #expect(!log.contains("broker connection lost"), "a connection that never came up is not 'lost'")
        #expect(!log.contains("connected to broker"))
        #expect(log.contains(#/reconnecting component=uplink in=\d+\.\d\ds/#), "the delay rounded to hundredths")
        let counted = agent.metric(#"sensorgw_uplink_connect_failures_total{reason="\#(kind)"}"#) ?? 0
        #expect(counted >= 2 && counted == failures.count, "counted \(counted) of \(failures.count)")
        let outbox = try await agent.outboxContents()
        #expect(outbox.pending.count > 0 && UInt64(outbox.pending.count) == outbox.highest, "every reading stays stored")
        try await broker?.stop()
    }

    /// CPU of the real agent while the broker is unreachable in five ways at once, one agent
    /// each, from /proc/PID/stat, over 60 s. The agents back off to 5 s (the default cap is
    /// 60 s), so each makes about 15 attempts, every path of an attempt several times over; a
    /// failed TLS attempt costs a few ms of handshakes, and at one attempt a second (the other
    /// tests' cap) those would be the attempts themselves, not the time between them that the
    /// bound is about. The busy loop this guards against burnt a whole core from the first
    /// attempt on (60 s of CPU against a bound of 0.6 s).
    @Test func noBusyLoopWhileTheBrokerIsUnreachable() async throws {
        let workspace = try Workspace("cpu")
        var rigs: [(String, MisconfiguredBroker?, AgentProcess)] = []
        for setup in [Setup.refused, .nameNotResolved, .untrustedServer, .plaintextBrokerOnTLSPort] {
            let (broker, agent) = try await Self.rig(setup, workspace, name: setup.rawValue, interval: "10s",
                                                     reconnectMax: Self.backingOffMax)
            rigs.append((setup.rawValue, broker, agent))
        }
        let silent = try MisconfiguredBroker(silent: ())
        rigs.append(("silent", silent, try AgentProcess(workspace: workspace, port: silent.port, interval: "10s", name: "silent",
                                                        reconnectMax: Self.backingOffMax)))
        for (_, _, agent) in rigs { try agent.start() }
        // Start-up (opening the outbox, the first sample) is not "between attempts".
        try await Task.sleep(for: .seconds(3))
        let before = rigs.map { $0.2.cpuTicks }
        let start = ContinuousClock.now
        try await Task.sleep(for: .seconds(60))
        let after = rigs.map { $0.2.cpuTicks }
        let elapsed = ContinuousClock.now - start
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        for (index, (name, _, agent)) in rigs.enumerated() {
            let used = Double((after[index] ?? 0) - (before[index] ?? 0)) / ticksPerSecond
            let share = used / seconds
            print("CPU while unreachable (\(name)): \(used) s in \(seconds) s = \(share * 100) % of a core; "
                  + "attempts: \(agent.log.components(separatedBy: "could not connect to broker").count - 1)")
            #expect(before[index] != nil && after[index] != nil, "\(name): /proc/PID/stat readable")
            #expect(share < 0.01, "\(name): \(share * 100) % of a core")
            #expect(agent.log.contains("could not connect to broker"), "\(name) attempted and failed")
        }
        for (_, broker, agent) in rigs {
            #expect(try await agent.stop() == 0)
            try await broker?.stop()
        }
    }

    /// After an outage, the first delivery comes within the backoff step (1 s here) plus one
    /// second of the broker's return: a failed connect is noticed at once, not at keepalive.
    @Test func theFirstDeliveryAfterTheBrokerReturnsComesWithinTheBackoffStepPlusOneSecond() async throws {
        let workspace = try Workspace("return")
        let broker = try await Broker(workspace: workspace)
        let agent = try AgentProcess(workspace: workspace, broker: broker)
        try agent.start()
        try await waitUntil(timeout: .seconds(30), "the first connection") { agent.log.contains("connected to broker") }
        try await broker.stop()
        // Long enough for the backoff to reach its cap of 1 s.
        try await waitUntil(timeout: .seconds(30), "five failed attempts") {
            agent.log.components(separatedBy: "could not connect to broker").count > 5
        }
        #expect(agent.log.contains("kind=refused"), "a stopped broker is a refused connection")
        let acknowledgedBefore = agent.log.components(separatedBy: "connected to broker").count
        try await broker.start()  // returns once the port accepts connections
        let back = ContinuousClock.now
        try await waitUntil(timeout: .seconds(10), "the reconnection") {
            agent.log.components(separatedBy: "connected to broker").count > acknowledgedBefore
        }
        let reconnected = ContinuousClock.now - back
        let subscriber = try await Subscriber(broker: broker, topic: MutualTLSDeliveryTests.topic)
        print("reconnected \(reconnected) after the broker came back")
        #expect(reconnected < .seconds(2), "backoff step 1 s + 1 s; took \(reconnected)")
        #expect(try await agent.stop() == 0)
        // Delivered, not just connected: the graceful stop drained everything to the broker.
        #expect(try await agent.outboxContents().pending.isEmpty)
        #expect(agent.metric("sensorgw_uplink_connections_lost_total") == 1)
        try await subscriber.stop()
        try await broker.stop()
    }
}
