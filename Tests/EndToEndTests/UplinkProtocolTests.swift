import Foundation
import Testing

/// `mqtt.protocol`, the login and the MQTT 5 options against a real mosquitto.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct UplinkProtocolTests {
    static let topic = "sensorgw/e2e-gateway/readings"

    @Test("protocol 3.1.1 delivers readings and every PUBACK deletes its reading")
    func mqtt311Delivers() async throws {
        let workspace = try Workspace("mqtt311")
        let broker = try await Broker(workspace: workspace)
        let subscriber = try await Subscriber(broker: broker, topic: Self.topic)
        let agent = try AgentProcess(workspace: workspace, broker: broker, mqttExtra: #"protocol: "3.1.1""#)
        try agent.start()
        try await waitUntil(timeout: .seconds(60), "20 readings") { subscriber.readings.count >= 20 }
        #expect(try await agent.stop() == 0)
        let outbox = try await agent.outboxContents()
        #expect(outbox.pending.isEmpty, "libmosquitto reports a 3.1.1 PUBACK as reason 0: acknowledged and deleted")
        let received = Set(subscriber.readings.map(\.sequence))
        #expect((1...outbox.highest).allSatisfy(received.contains), "every stored reading arrived")
        // mosquitto names the protocol of each client: p2 is MQTT 3.1.1, p5 MQTT 5.
        let brokerLog = (try? String(contentsOfFile: workspace.path("broker-1.log"), encoding: .utf8)) ?? ""
        #expect(brokerLog.contains("as e2e-gateway (p2,"), "\(brokerLog)")
        try await subscriber.stop()
        try await broker.stop()
    }

    @Test("session_expiry connects without clean start, so the broker can resume the session; the default keeps clean start")
    func sessionExpiry() async throws {
        let workspace = try Workspace("session")
        let broker = try await Broker(workspace: workspace)
        let kept = try AgentProcess(workspace: workspace, port: broker.port, name: "kept", mqttExtra: "session_expiry: 1h")
        try kept.start()
        try await waitUntil(timeout: .seconds(30), "connected to broker") { kept.log.contains("connected to broker") }
        try await kept.stop()
        let clean = try AgentProcess(workspace: workspace, port: broker.port, name: "clean", mqttExtra: "client_id: e2e-clean")
        try clean.start()
        try await waitUntil(timeout: .seconds(30), "connected to broker") { clean.log.contains("connected to broker") }
        try await clean.stop()
        // mosquitto logs each client's protocol and clean-start flag: p5 is MQTT 5, c0 no clean start.
        let brokerLog = (try? String(contentsOfFile: workspace.path("broker-1.log"), encoding: .utf8)) ?? ""
        #expect(brokerLog.contains("as e2e-gateway (p5, c0,"), "\(brokerLog)")
        #expect(brokerLog.contains("as e2e-clean (p5, c1,"), "\(brokerLog)")
        try await broker.stop()
    }

    /// A mutual-TLS listener that checks a username and password (not the certificate's CN).
    static func loginListener(_ workspace: Workspace, passwords: String, extra: String = "") -> String {
        let certs = workspace.certificates.path
        return """
            allow_anonymous false
            cafile \(certs)/ca.pem
            certfile \(certs)/server.pem
            keyfile \(certs)/server.key
            require_certificate true
            password_file \(passwords)
            \(extra)
            """
    }

    @Test("A password file logs in; a wrong one is a named failure; the password is in no log line or config check output")
    func passwordLogin() async throws {
        let workspace = try Workspace("login")
        let password = "Zq8-never-logged-41"
        let wrong = "Wr0ng-never-logged-77"
        let passwords = workspace.path("mosquitto.passwd")
        #expect(try run("/usr/bin/mosquitto_passwd", ["-b", "-c", passwords, "sensor-7", password]) == 0)
        let broker = try await MisconfiguredBroker(workspace: workspace, name: "login",
                                                   listener: Self.loginListener(workspace, passwords: passwords))
        let passwordFile = workspace.path("mqtt.password")
        try (password + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passwordFile)
        let login = "username: sensor-7\n  password_file: mqtt.password"
        let agent = try AgentProcess(workspace: workspace, port: broker.port, mqttExtra: login)
        let check = try await sensorgw(["config", "check", agent.configPath], in: workspace)
        #expect(check.status == 0, "\(check.output)")
        try agent.start()
        try await waitUntil(timeout: .seconds(30), "connected to broker") { agent.log.contains("connected to broker") }
        try await agent.stop()
        let goodLog = agent.log

        // The password is read at each connection: a changed file is used at the next one.
        try (wrong + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passwordFile)
        let v5 = try AgentProcess(workspace: workspace, port: broker.port, name: "wrong5", mqttExtra: login)
        let v311 = try AgentProcess(workspace: workspace, port: broker.port, name: "wrong311",
                                    mqttExtra: login + "\n  protocol: \"3.1.1\"")
        try v5.start()
        try v311.start()
        let hint = "check mqtt.username and the password in mqtt.password_file"
        try await waitUntil(timeout: .seconds(30), "both refused") { v5.log.contains(hint) && v311.log.contains(hint) }
        try await v5.stop()
        try await v311.stop()
        #expect(v5.log.contains("kind=broker_refused"))
        #expect(v5.log.contains("(reason 0x"), "MQTT 5 names a reason code")
        #expect(v311.log.contains("(return code"), "MQTT 3.1.1 names a return code")

        let everything = [goodLog, v5.log, v311.log, check.output].joined(separator: "\n")
        #expect(goodLog.components(separatedBy: "\n").contains { $0.contains("debug") && $0.contains("connecting") },
                "the agent logged at debug level")
        #expect(!everything.contains(password), "the password is in a log line or the config check output")
        #expect(!everything.contains(wrong), "the wrong password is in a log line")
        #expect(!everything.contains("never-logged"))
        try await broker.stop()
    }

    @Test("Server-only TLS with a password logs in; a broker that wants a client certificate says so by name")
    func serverOnlyTLS() async throws {
        let workspace = try Workspace("server-only")
        let passwords = workspace.path("mosquitto.passwd")
        #expect(try run("/usr/bin/mosquitto_passwd", ["-b", "-c", passwords, "sensor-7", "Zq8-server-only"]) == 0)
        let listener = Self.loginListener(workspace, passwords: passwords).replacingOccurrences(of: "require_certificate true",
                                                                                              with: "require_certificate false")
        let broker = try await MisconfiguredBroker(workspace: workspace, name: "server-only", listener: listener)
        let strict = try await MisconfiguredBroker(workspace: workspace, name: "strict",
                                                   listener: Self.loginListener(workspace, passwords: passwords))
        try "Zq8-server-only\n".write(toFile: workspace.path("mqtt.password"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: workspace.path("mqtt.password"))
        func agent(_ name: String, port: Int) throws -> AgentProcess {
            let agent = try AgentProcess(workspace: workspace, port: port, name: name,
                                         mqttExtra: "username: sensor-7\n  password_file: mqtt.password")
            // tls with the CA only: drop the certificate and key lines.
            let yaml = try String(contentsOfFile: agent.configPath, encoding: .utf8)
                .replacingOccurrences(of: "\n    certificate: certs/client.pem\n    key: certs/client.key", with: "")
            try yaml.write(toFile: agent.configPath, atomically: true, encoding: .utf8)
            return agent
        }
        let good = try agent("good", port: broker.port)
        let check = try await sensorgw(["config", "check", good.configPath], in: workspace)
        #expect(check.status == 0 && check.output.contains("(TLS, password login)"), "\(check.output)")
        try good.start()
        try await waitUntil(timeout: .seconds(30), "connected to broker") { good.log.contains("connected to broker") }
        try await good.stop()
        let refused = try agent("refused", port: strict.port)
        try refused.start()
        try await waitUntil(timeout: .seconds(30), "a named refusal") { refused.log.contains("wants a client certificate") }
        try await refused.stop()
        #expect(refused.log.contains("kind=client_certificate_rejected"))
        #expect(!(good.log + refused.log + check.output).contains("Zq8-server-only"))
        try await broker.stop()
        try await strict.stop()
    }

    @Test("The broker's receive maximum narrows the window; message expiry and user properties reach a subscriber")
    func mqtt5Properties() async throws {
        let workspace = try Workspace("mqtt5")
        let certs = workspace.certificates.path
        // For MQTT 5 clients mosquitto sends max_inflight_messages as its Receive Maximum.
        let broker = try await MisconfiguredBroker(workspace: workspace, name: "mqtt5",
                                                   listener: MisconfiguredBroker.tlsListener(certs) + "\nmax_inflight_messages 3")
        let output = workspace.path("properties.txt")
        let subscriber = try Child("/usr/bin/mosquitto_sub", [
            "-h", "localhost", "-p", String(broker.port), "-V", "5",
            "--cafile", certs + "/ca.pem", "--cert", certs + "/subscriber.pem", "--key", certs + "/subscriber.key",
            "-i", "e2e-properties", "-q", "1", "-t", Self.topic, "-F", "%E|%P|%t",
        ], log: output)
        try await Task.sleep(for: .seconds(1))
        let agent = try AgentProcess(workspace: workspace, port: broker.port, inflightWindow: 10,
                                     mqttExtra: "message_expiry: 10m\n  user_properties: { site: north, rack: \"7\" }")
        try agent.start()
        try await waitUntil(timeout: .seconds(60), "5 readings with properties") {
            Subscriber.lines(at: output).filter { $0.hasSuffix("|" + Self.topic) }.count >= 5
        }
        try await agent.stop()
        try await subscriber.stop()
        #expect(agent.log.contains("the broker's receive maximum narrows the in-flight window"), "\(agent.log.prefix(3000))")
        #expect(agent.log.contains("receive_maximum=3"))
        let lines = Subscriber.lines(at: output).filter { $0.hasSuffix("|" + Self.topic) }
        for line in lines.prefix(5) {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
            #expect(fields.count == 3, "\(line)")
            guard fields.count == 3 else { continue }
            // The broker forwards the expiry less the time it held the message.
            let expiry = Int(fields[0]) ?? -1
            #expect(expiry > 590 && expiry <= 600, "message expiry \(fields[0])")
            #expect(fields[1].contains("site:north") && fields[1].contains("rack:7"), "user properties \(fields[1])")
        }
        try await broker.stop()
    }
}
