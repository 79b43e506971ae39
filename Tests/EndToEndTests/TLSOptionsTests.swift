import Foundation
import Testing

/// `mqtt.tls`'s hardening options against real servers: mosquitto, and `openssl s_server` where
/// mosquitto cannot be made to behave as needed (a TLS 1.2-only server, ALPN printed).
@Suite(.serialized, .timeLimit(.minutes(4)))
struct TLSOptionsEndToEndTests {
    static let failure = "could not connect to broker"

    /// Waits for two failed attempts of `kind`; stops the agent and checks every attempt was
    /// named and counted the same, with `words` in the line, and nothing was lost.
    func expectNamedFailure(_ agent: AgentProcess, kind: String, words: [String],
                            sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await waitUntil(timeout: .seconds(30), "two failed attempts of kind \(kind)") {
            agent.log.components(separatedBy: "\n").filter { $0.contains(Self.failure) && $0.contains("kind=\(kind) ") }.count >= 2
        }
        #expect(try await agent.stop() == 0, sourceLocation: sourceLocation)
        let failures = agent.log.components(separatedBy: "\n").filter { $0.contains(Self.failure) }
        #expect(failures.allSatisfy { $0.contains("kind=\(kind) ") }, "\(failures.prefix(3))", sourceLocation: sourceLocation)
        for word in words {
            #expect(failures.first?.contains(word) == true, "'\(word)' in: \(failures.first ?? "")", sourceLocation: sourceLocation)
        }
        #expect(!agent.log.contains("connected to broker"), sourceLocation: sourceLocation)
        let counted = agent.metric(#"sensorgw_uplink_connect_failures_total{reason="\#(kind)"}"#) ?? 0
        #expect(counted >= 2 && counted == failures.count, "counted \(counted) of \(failures.count)", sourceLocation: sourceLocation)
        let outbox = try await agent.outboxContents()
        #expect(outbox.pending.count > 0 && UInt64(outbox.pending.count) == outbox.highest, "every reading stays stored",
                sourceLocation: sourceLocation)
    }

    func waitForConnection(_ agent: AgentProcess) async throws {
        try await waitUntil(timeout: .seconds(30), "connected to broker") { agent.log.contains("connected to broker") }
        #expect(try await agent.stop() == 0)
        #expect(!agent.log.contains(Self.failure), "no failed attempt: \(agent.log.suffix(600))")
    }

    // MARK: pins

    @Test("The right pin connects, also as a backup beside a wrong one")
    func rightPinConnects() async throws {
        let workspace = try Workspace("pin-right")
        let broker = try await Broker(workspace: workspace)
        let right = try spkiPin(workspace, "server")
        let wrong = try spkiPin(workspace, "rogue-server")
        let agent = try AgentProcess(workspace: workspace, broker: broker)
        try agent.addTLSOptions(["    pin_sha256:", "      - \(wrong)", "      - \(right)"])
        try agent.start()
        try await waitForConnection(agent)
        try await broker.stop()
    }

    @Test("A broker whose key is not pinned is server_key_not_pinned, naming the key it presented")
    func wrongPinRefused() async throws {
        let workspace = try Workspace("pin-wrong")
        let broker = try await Broker(workspace: workspace)
        let presented = try spkiPin(workspace, "server")
        let agent = try AgentProcess(workspace: workspace, broker: broker)
        try agent.addTLSOptions(["    pin_sha256: \(try spkiPin(workspace, "rogue-server"))"])
        try agent.start()
        try await expectNamedFailure(agent, kind: "server_key_not_pinned", words: ["mqtt.tls.pin_sha256", presented])
        try await broker.stop()
    }

    // MARK: CRL

    @Test("A revoked server certificate is certificate_revoked; the same CRL lets a good server through")
    func revokedServerCertificate() async throws {
        let workspace = try Workspace("crl")
        try makeRevokedServerCertificate(workspace)
        let crl = "\(workspace.certificates.path)/ca.crl"
        let revoked = try await Broker(workspace: workspace, serverCertificate: "revoked")
        let agent = try AgentProcess(workspace: workspace, broker: revoked, name: "revoked")
        try agent.addTLSOptions(["    crl: certs/ca.crl"])
        try agent.start()
        try await expectNamedFailure(agent, kind: "certificate_revoked", words: [crl, "mqtt.tls.crl"])
        try await revoked.stop()

        let good = try await Broker(workspace: workspace)
        let fine = try AgentProcess(workspace: workspace, broker: good, name: "good")
        try fine.addTLSOptions(["    crl: certs/ca.crl"])
        try fine.start()
        try await waitForConnection(fine)
        try await good.stop()
    }

    @Test("A CRL past its nextUpdate still revokes, and does not refuse the good server")
    func staleCRLStillRevokes() async throws {
        let workspace = try Workspace("crl-stale")
        try makeRevokedServerCertificate(workspace)
        let revoked = try await Broker(workspace: workspace, serverCertificate: "revoked")
        let agent = try AgentProcess(workspace: workspace, broker: revoked, name: "revoked")
        try agent.addTLSOptions(["    crl: certs/stale.crl"])
        try agent.start()
        try await expectNamedFailure(agent, kind: "certificate_revoked", words: ["stale.crl"])
        #expect(agent.log.contains("was due to be replaced on 2020-02-01 00:00:00 UTC"), "the stale list is warned about")
        try await revoked.stop()

        let good = try await Broker(workspace: workspace)
        let fine = try AgentProcess(workspace: workspace, broker: good, name: "good")
        try fine.addTLSOptions(["    crl: certs/stale.crl"])
        try fine.start()
        try await waitForConnection(fine)
        try await good.stop()
    }

    // MARK: minimum version

    @Test("min_version 1.3 connects to a TLS 1.3-only mosquitto")
    func tls13OnlyBroker() async throws {
        let workspace = try Workspace("tls13")
        let certs = workspace.certificates.path
        let broker = try await MisconfiguredBroker(workspace: workspace, name: "tls13",
                                                   listener: MisconfiguredBroker.tlsListener(certs) + "\ntls_version tlsv1.3")
        let agent = try AgentProcess(workspace: workspace, port: broker.port)
        try agent.addTLSOptions([#"    min_version: "1.3""#])
        try agent.start()
        try await waitForConnection(agent)
        try await broker.stop()
    }

    @Test("min_version 1.3 against a TLS 1.2-only server is a named failure pointing at min_version")
    func tls12OnlyServer() async throws {
        let workspace = try Workspace("tls12")
        let certs = workspace.certificates.path
        let port = freePort()
        let server = try Child("/usr/bin/openssl", ["s_server", "-accept", "\(port)", "-tls1_2", "-cert", "\(certs)/server.pem",
                                                    "-key", "\(certs)/server.key", "-quiet"], log: workspace.path("s_server.log"))
        try await waitUntil(timeout: .seconds(10), "s_server on \(port)") { isListening(port: port) }
        let agent = try AgentProcess(workspace: workspace, port: port)
        try agent.addTLSOptions([#"    min_version: "1.3""#])
        try agent.start()
        try await expectNamedFailure(agent, kind: "tls_handshake", words: ["does not speak TLS 1.3", "mqtt.tls.min_version"])
        try await server.stop()
    }

    // MARK: ALPN

    @Test("ALPN: the protocol is offered in the ClientHello, as openssl s_server reports it")
    func alpnOffered() async throws {
        let workspace = try Workspace("alpn")
        let certs = workspace.certificates.path
        let port = freePort()
        let log = workspace.path("s_server-alpn.log")
        // Line-buffered: s_server writes through stdio, and its log is a file. -www: it answers
        // connections without reading its standard input (/dev/null, whose end would stop it).
        let server = try Child("/usr/bin/stdbuf", ["-oL", "/usr/bin/openssl", "s_server", "-accept", "\(port)",
                                                   "-cert", "\(certs)/server.pem", "-key", "\(certs)/server.key",
                                                   "-alpn", "x-amzn-mqtt-ca", "-www"], log: log)
        try await waitUntil(timeout: .seconds(10), "s_server on \(port)") { isListening(port: port) }
        let agent = try AgentProcess(workspace: workspace, port: port)
        try agent.addTLSOptions(["    alpn: x-amzn-mqtt-ca"])
        try agent.start()
        try await waitUntil(timeout: .seconds(30), "s_server to see the ClientHello") {
            server.log.contains("ALPN protocols advertised by the client")
        }
        try await agent.stop()
        try await server.stop()
        let line = server.log.components(separatedBy: "\n").first { $0.contains("ALPN protocols advertised by the client") }
        #expect(line == "ALPN protocols advertised by the client: x-amzn-mqtt-ca")
    }

    // MARK: secrets stay out of the log

    @Test("The debug log never holds the private key's PEM body, connected or failing")
    func keyNeverLogged() async throws {
        let workspace = try Workspace("secrets")
        let broker = try await Broker(workspace: workspace)
        let agent = try AgentProcess(workspace: workspace, broker: broker)
        try agent.start()
        try await waitUntil(timeout: .seconds(30), "connected to broker") { agent.log.contains("connected to broker") }
        // A failing attempt too: the broker gone, the diagnosis runs and logs what it found.
        try await broker.stop()
        try await waitUntil(timeout: .seconds(30), "a failed attempt") { agent.log.contains(Self.failure) }
        try await agent.stop()
        let log = agent.log
        #expect(log.components(separatedBy: "\n").contains { $0.contains("debug") && $0.contains("connecting") },
                "the agent logged at debug level")
        let key = try String(contentsOfFile: "\(workspace.certificates.path)/client.key", encoding: .utf8)
        let body = key.components(separatedBy: "\n").filter { !$0.isEmpty && !$0.hasPrefix("-----") }
        #expect(!body.isEmpty)
        for line in body {
            #expect(!log.contains(line), "a line of the key's PEM body is in the log")
        }
        #expect(!log.contains("PRIVATE KEY"))
    }
}

extension AgentProcess {
    /// Adds lines under `mqtt.tls`, after its `key`.
    func addTLSOptions(_ lines: [String]) throws {
        let yaml = try String(contentsOfFile: configPath, encoding: .utf8)
        guard let range = yaml.range(of: #"    key: certs/[a-z-]+\.key"#, options: .regularExpression) else {
            throw TestFailure("no tls key line in \(configPath)")
        }
        let edited = yaml.replacingCharacters(in: range, with: ([String(yaml[range])] + lines).joined(separator: "\n"))
        try edited.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    convenience init(workspace: Workspace, broker: Broker, name: String) throws {
        try self.init(workspace: workspace, port: broker.port, name: name)
    }
}

/// The base64 SHA-256 of `NAME.pem`'s SubjectPublicKeyInfo, by the openssl command line
/// (RFC 7469 section 2.4's recipe), independent of the agent's code.
func spkiPin(_ workspace: Workspace, _ name: String) throws -> String {
    let output = try shellOutput("openssl x509 -in \"$1/\(name).pem\" -pubkey -noout | openssl pkey -pubin -outform der "
                                     + "| openssl dgst -sha256 -binary | base64", workspace.certificates.path)
    guard output.count == 44 else { throw TestFailure("pin of \(name): '\(output)'") }
    return output
}

/// A server certificate for localhost from certs/ca issued by `openssl ca` and revoked, and
/// certs/ca.crl listing it (and nothing else, so server.pem stays good); certs/stale.crl is the
/// same list with a nextUpdate of 2020-02-01, long past.
func makeRevokedServerCertificate(_ workspace: Workspace) throws {
    try withTestCA(workspace, serial: 2000, "making the revoked certificate", """
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost -keyout revoked.key -out "$d/req.csr" 2>/dev/null
        openssl ca -batch -config "$d/ca.cnf" -extensions server -cert ca.pem -keyfile ca.key -in "$d/req.csr" -out revoked.pem -days 30 -notext 2>/dev/null
        openssl ca -config "$d/ca.cnf" -cert ca.pem -keyfile ca.key -revoke revoked.pem -crl_reason keyCompromise 2>/dev/null
        openssl ca -gencrl -config "$d/ca.cnf" -cert ca.pem -keyfile ca.key -out ca.crl 2>/dev/null
        openssl ca -gencrl -config "$d/ca.cnf" -cert ca.pem -keyfile ca.key -crl_lastupdate 20200101000000Z \
          -crl_nextupdate 20200201000000Z -out stale.crl 2>/dev/null
        chmod 600 revoked.key; chmod 644 revoked.pem ca.crl stale.crl
        """)
}

/// Runs `script` with bash (`$1` = `argument`); its standard output, trimmed.
func shellOutput(_ script: String, _ argument: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", "set -euo pipefail; " + script, "shell", argument]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw TestFailure("'\(script)' failed with \(process.terminationStatus)") }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
