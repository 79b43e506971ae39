import Foundation

/// A real mosquitto with one mutual-TLS listener on 127.0.0.1, persistent across restarts.
final class Broker {
    let port: Int
    let workspace: Workspace
    let serverCertificate: String
    /// Keeps several brokers apart in one workspace (config, data and log files); nil: the one broker.
    let name: String?
    private var child: Child?
    private var starts = 0

    init(workspace: Workspace, serverCertificate: String = "server", name: String? = nil) async throws {
        self.workspace = workspace
        self.serverCertificate = serverCertificate
        self.name = name
        port = freePort()
        try await start()
    }

    func start() async throws {
        starts += 1
        let config = workspace.path(name.map { "mosquitto-\($0).conf" } ?? "mosquitto.conf")
        let script = packageRoot.appendingPathComponent("Scripts/mosquitto-tls.conf.sh").path
        let generate = Process()
        generate.executableURL = URL(fileURLWithPath: "/bin/bash")
        generate.arguments = [script, workspace.certificates.path, String(port), workspace.path("\(name ?? "broker")-data"),
                              serverCertificate]
        _ = FileManager.default.createFile(atPath: config, contents: nil)
        generate.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: config))
        try generate.run()
        generate.waitUntilExit()
        guard generate.terminationStatus == 0 else { throw TestFailure("mosquitto-tls.conf.sh failed") }
        child = try Child("/usr/sbin/mosquitto", ["-c", config], log: workspace.path("\(name ?? "broker")-\(starts).log"))
        try await waitUntil(timeout: .seconds(10), "mosquitto on port \(port)") { isListening(port: port) }
    }

    func stop() async throws {
        try await child?.stop()
        child = nil
    }

    /// SIGKILL: the broker dies without closing a connection cleanly (nor saving its state).
    func kill() async throws {
        try await child?.stop(signal: SIGKILL)
        child = nil
    }
}

/// `mosquitto_sub` with a persistent session (QoS 1), writing each message on its own line.
final class Subscriber {
    let child: Child
    let outputPath: String

    /// - Parameter format: `mosquitto_sub -F`: `%t %p` (topic, payload as text), `%t %x` (payload in hex).
    /// - Parameter host: the name the broker's certificate is checked against.
    init(broker: Broker, topic: String, clientID: String = "e2e-subscriber", format: String = "%t %p",
         host: String = "localhost") async throws {
        let certs = broker.workspace.certificates.path
        let path = broker.workspace.path("received-\(clientID).txt")
        outputPath = path
        child = try Child("/usr/bin/mosquitto_sub", [
            "-h", host, "-p", String(broker.port),
            "--cafile", certs + "/ca.pem", "--cert", certs + "/subscriber.pem", "--key", certs + "/subscriber.key",
            "-i", clientID, "-c", "-q", "1", "-t", topic, "-t", "e2e/probe", "-F", format,
        ], log: path)
        // Ready once a probe published after it started comes back through it.
        try await waitUntil(timeout: .seconds(15), "subscriber to receive a probe") {
            _ = try? run("/usr/bin/mosquitto_pub", [
                "-h", host, "-p", String(broker.port),
                "--cafile", certs + "/ca.pem", "--cert", certs + "/subscriber.pem", "--key", certs + "/subscriber.key",
                "-t", "e2e/probe", "-m", "probe", "-q", "1",
            ])
            return Subscriber.lines(at: path).contains { $0.hasPrefix("e2e/probe ") }
        }
    }

    static func lines(at path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    /// The payloads received on the readings topic, in arrival order.
    var readings: [ReceivedReading] {
        Subscriber.lines(at: outputPath).compactMap { line -> ReceivedReading? in
            guard let space = line.firstIndex(of: " "), !line.hasPrefix("e2e/probe") else { return nil }
            return ReceivedReading(payload: String(line[line.index(after: space)...]))
        }
    }

    func stop() async throws {
        try await child.stop()
    }
}

/// One SenML payload as received, with its sequence number pulled out.
struct ReceivedReading: Hashable {
    let payload: String
    let sequence: UInt64

    init?(payload: String) {
        guard let range = payload.range(of: #""seq":"#) else { return nil }
        let digits = payload[range.upperBound...].prefix { $0.isNumber }
        guard let sequence = UInt64(digits) else { return nil }
        self.payload = payload
        self.sequence = sequence
    }
}
