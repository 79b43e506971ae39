import Foundation
import Outbox

/// The real `sensorgw run` on a simulated board.
final class AgentProcess {
    let workspace: Workspace
    let configPath: String
    let databasePath: String
    /// Where the agent writes its counters (Prometheus text).
    var metricsPath: String { workspace.path("metrics.prom") }
    private(set) var child: Child?

    /// Writes a configuration for a simulated BME280 sampled every `interval`.
    init(workspace: Workspace, broker: Broker, clientCertificate: String = "client",
         interval: String = "100ms", inflightWindow: Int = 10, mqttExtra: String = "") throws {
        self.workspace = workspace
        configPath = workspace.path("agent.yaml")
        databasePath = workspace.path("outbox.sqlite")
        let yaml = """
            gateway:
              id: e2e-gateway
            board: simulated
            sensors:
              - id: air
                type: bme280
                i2c: { bus: 1, address: 0x76 }
                interval: \(interval)
            storage:
              path: outbox.sqlite
              flush_interval: 100ms
            mqtt:
              host: localhost
              port: \(broker.port)
              keepalive: 5s
              inflight_window: \(inflightWindow)
              reconnect: { initial: 200ms, max: 1s }\(mqttExtra.isEmpty ? "" : "\n  " + mqttExtra)
              tls:
                ca: certs/ca.pem
                certificate: certs/\(clientCertificate).pem
                key: certs/\(clientCertificate).key
            log:
              level: debug

            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func start() throws {
        child = try Child(sensorgwBinary, ["run", "--config", configPath], log: workspace.path("agent.log"),
                          environment: ["SENSORGW_METRICS_FILE": metricsPath])
    }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stop() async throws -> Int32 {
        defer { child = nil }
        return try await child?.stop(signal: SIGTERM) ?? 0
    }

    /// SIGKILL: no chance to clean up.
    func kill() async throws {
        try await child?.stop(signal: SIGKILL)
        child = nil
    }

    var log: String { (try? String(contentsOfFile: workspace.path("agent.log"), encoding: .utf8)) ?? "" }

    /// What is still stored and the highest sequence number ever assigned; only after stop.
    func outboxContents() async throws -> (pending: [UInt64], highest: UInt64) {
        let store = try OutboxStore(path: databasePath)
        let pending = try await store.pending(after: 0, limit: 1_000_000).map(\.sequence)
        let highest = try await store.highestSequence()
        await store.close()
        return (pending, highest)
    }
}
