import Foundation
import Testing

/// What a broker that refuses this gateway does to it, against real mosquitto: an expired or
/// revoked client certificate is refused at the handshake, and a publish outside the broker's
/// ACL is answered with a PUBACK reason code. Each is named in the log and counted, and every
/// reading stays stored: nothing is dropped because a broker said no.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct BrokerRefusalTests {
    /// Client certificates from the test CA: `expired-client` (valid only in January 2020) and
    /// `revoked-client` (listed in `clients.crl`), both for the gateway's name.
    static func makeClientCertificates(_ workspace: Workspace) throws {
        try withTestCA(workspace, serial: 3000, "making the client certificates", """
            for name in expired-client revoked-client; do
              openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=e2e-gateway \\
                -keyout "$name.key" -out "$d/$name.csr" 2>/dev/null
            done
            openssl ca -batch -config "$d/ca.cnf" -extensions client -cert ca.pem -keyfile ca.key -in "$d/expired-client.csr" \\
              -out expired-client.pem -startdate 20200101000000Z -enddate 20200201000000Z -notext 2>/dev/null
            openssl ca -batch -config "$d/ca.cnf" -extensions client -cert ca.pem -keyfile ca.key -in "$d/revoked-client.csr" \\
              -out revoked-client.pem -days 30 -notext 2>/dev/null
            openssl ca -config "$d/ca.cnf" -cert ca.pem -keyfile ca.key -revoke revoked-client.pem -crl_reason keyCompromise 2>/dev/null
            openssl ca -gencrl -config "$d/ca.cnf" -cert ca.pem -keyfile ca.key -out clients.crl 2>/dev/null
            chmod 600 expired-client.key revoked-client.key; chmod 644 expired-client.pem revoked-client.pem clients.crl
            """)
    }

    /// Waits for two refused attempts; every attempt is named `kind` with `words`, counted, and
    /// the agent never connected and lost nothing.
    func expectRefusedHandshake(_ agent: AgentProcess, kind: String, words: [String],
                                sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let failure = "could not connect to broker"
        try await waitUntil(timeout: .seconds(30), "two refused attempts") {
            agent.log.components(separatedBy: "\n").filter { $0.contains(failure) }.count >= 2
        }
        #expect(try await agent.stop() == 0, sourceLocation: sourceLocation)
        let failures = agent.log.components(separatedBy: "\n").filter { $0.contains(failure) }
        #expect(failures.allSatisfy { $0.contains("kind=\(kind) ") }, "\(failures.prefix(2))", sourceLocation: sourceLocation)
        for word in words {
            #expect(failures.first?.contains(word) == true, "'\(word)' in: \(failures.first ?? "")", sourceLocation: sourceLocation)
        }
        #expect(!agent.log.contains("connected to broker"), sourceLocation: sourceLocation)
        let counted = agent.metric(#"sensorgw_uplink_connect_failures_total{reason="\#(kind)"}"#) ?? 0
        #expect(counted >= 2, "counted \(counted)", sourceLocation: sourceLocation)
        let outbox = try await agent.outboxContents()
        #expect(outbox.pending.count > 0 && UInt64(outbox.pending.count) == outbox.highest, "every reading stays stored",
                sourceLocation: sourceLocation)
    }

    @Test func anExpiredClientCertificateIsRefusedAndNamed() async throws {
        let workspace = try Workspace("client-expired")
        try Self.makeClientCertificates(workspace)
        let broker = try await Broker(workspace: workspace)
        let agent = try AgentProcess(workspace: workspace, broker: broker, clientCertificate: "expired-client")
        try agent.start()
        try await expectRefusedHandshake(agent, kind: "client_certificate_rejected",
                                         words: ["\(workspace.certificates.path)/expired-client.pem", "certificate_expired"])
        try await broker.stop()
    }

    @Test func aRevokedClientCertificateIsRefusedAndNamed() async throws {
        let workspace = try Workspace("client-revoked")
        try Self.makeClientCertificates(workspace)
        let certs = workspace.certificates.path
        let broker = try await MisconfiguredBroker(workspace: workspace, name: "crl",
                                                   listener: MisconfiguredBroker.tlsListener(certs) + "\ncrlfile \(certs)/clients.crl")
        let agent = try AgentProcess(workspace: workspace, port: broker.port, clientCertificate: "revoked-client")
        try agent.start()
        try await expectRefusedHandshake(agent, kind: "client_certificate_rejected",
                                         words: ["\(certs)/revoked-client.pem", "certificate_revoked"])
        try await broker.stop()
        // The same broker and CRL let the gateway's good certificate through.
        let good = try await MisconfiguredBroker(workspace: workspace, name: "crl-good",
                                                 listener: MisconfiguredBroker.tlsListener(certs) + "\ncrlfile \(certs)/clients.crl")
        let fine = try AgentProcess(workspace: workspace, port: good.port, name: "good")
        try fine.start()
        try await waitUntil(timeout: .seconds(30), "connected to broker") { fine.log.contains("connected to broker") }
        #expect(try await fine.stop() == 0)
        try await good.stop()
    }

    /// The ACL lets this gateway write its status topic only. Each reading's PUBLISH is answered
    /// with PUBACK reason 0x87 (not authorized): logged with the reason, counted, and the reading
    /// kept in the outbox, never deleted as if delivered.
    @Test func aPublishOutsideTheACLIsReportedAndKept() async throws {
        let workspace = try Workspace("acl")
        let certs = workspace.certificates.path
        let acl = workspace.path("acl")
        try "user e2e-gateway\ntopic write sensorgw/e2e-gateway/status\n".write(toFile: acl, atomically: true, encoding: .utf8)
        let broker = try await MisconfiguredBroker(workspace: workspace, name: "acl",
                                                   listener: MisconfiguredBroker.tlsListener(certs) + "\nacl_file \(acl)")
        let agent = try AgentProcess(workspace: workspace, port: broker.port)
        try agent.start()
        try await waitUntil(timeout: .seconds(30), "refused publishes") {
            agent.log.components(separatedBy: "\n").filter { $0.contains("broker refused a reading") }.count >= 3
        }
        #expect(try await agent.stop() == 0)
        let refusals = agent.log.components(separatedBy: "\n").filter { $0.contains("broker refused a reading") }
        #expect(refusals.allSatisfy { $0.contains("reason=135") }, "\(refusals.prefix(2))")
        #expect(agent.log.contains("connected to broker"))
        #expect((agent.metric(#"sensorgw_uplink_publishes_refused_total{reason="0x87"}"#) ?? 0) >= 3)
        let outbox = try await agent.outboxContents()
        #expect(outbox.pending.first == 1 && UInt64(outbox.pending.count) == outbox.highest,
                "every refused reading stays stored: \(outbox.pending.count) of \(outbox.highest)")
        try await broker.stop()
    }
}
