import Foundation
import Outbox

/// The real `sensorgw run` on a simulated board.
final class AgentProcess {
    let workspace: Workspace
    /// Keeps several agents apart in one workspace (their config, outbox, log and metrics files).
    let name: String
    let configPath: String
    let databasePath: String
    /// Where the agent writes its counters (Prometheus text).
    var metricsPath: String { workspace.path("\(name)-metrics.prom") }
    private(set) var child: Child?

    /// Writes a configuration for a simulated BME280 sampled every `interval`.
    convenience init(workspace: Workspace, broker: Broker, clientCertificate: String = "client",
                     interval: String = "100ms", inflightWindow: Int = 10, mqttExtra: String = "", sensorsExtra: String = "",
                     storageExtra: String = "", sections: String = "") throws {
        try self.init(workspace: workspace, port: broker.port, clientCertificate: clientCertificate, interval: interval,
                      inflightWindow: inflightWindow, mqttExtra: mqttExtra, sensorsExtra: sensorsExtra,
                      storageExtra: storageExtra, sections: sections)
    }

    /// A configuration for any broker address; `tls: false` configures plaintext.
    init(workspace: Workspace, port: Int, host: String = "localhost", tls: Bool = true, clientCertificate: String = "client",
         interval: String = "100ms", inflightWindow: Int = 10, name: String = "agent", mqttExtra: String = "",
         reconnectMax: String = "1s", reconnectInitial: String = "200ms", sensorsExtra: String = "",
         storageExtra: String = "", sections: String = "") throws {
        self.workspace = workspace
        self.name = name
        configPath = workspace.path("\(name).yaml")
        databasePath = workspace.path("\(name)-outbox.sqlite")
        let tlsSetting = tls
            ? "  tls:\n    ca: certs/ca.pem\n    certificate: certs/\(clientCertificate).pem\n    key: certs/\(clientCertificate).key"
            : "  tls: false"
        let yaml = """
            gateway:
              id: e2e-gateway
            board: simulated
            sensors:
              - id: air
                type: bme280
                i2c: { bus: 1, address: 0x76 }
                interval: \(interval)\(sensorsExtra.isEmpty ? "" : "\n  " + sensorsExtra)
            storage:
              path: \(name)-outbox.sqlite
              flush_interval: 100ms\(storageExtra.isEmpty ? "" : "\n  " + storageExtra)
            mqtt:
              host: \(host)
              port: \(port)
              keepalive: 5s
              inflight_window: \(inflightWindow)
              reconnect: { initial: \(reconnectInitial), max: \(reconnectMax) }\(mqttExtra.isEmpty ? "" : "\n  " + mqttExtra)
            \(tlsSetting)
            log:
              level: debug

            """ + sections
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// `environment` adds to the agent's (test hooks, for instance).
    func start(environment: [String: String] = [:]) throws {
        child = try Child(sensorgwBinary, ["run", "--config", configPath], log: workspace.path("\(name).log"),
                          environment: environment.merging(["SENSORGW_METRICS_FILE": metricsPath]) { $1 })
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

    var log: String { (try? String(contentsOfFile: workspace.path("\(name).log"), encoding: .utf8)) ?? "" }

    /// The agent's CPU time so far, user plus system, in clock ticks (`/proc/PID/stat` fields 14 and 15).
    var cpuTicks: Int? {
        guard let pid = child?.pid,
              let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name (which may hold spaces): field 3 is the state.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    /// The value of a counter line in the metrics file (after stop, it is written once more).
    func metric(_ line: String) -> Int? {
        let text = (try? String(contentsOfFile: metricsPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix(line + " ") }.flatMap { Int($0.split(separator: " ").last ?? "") }
    }

    /// What is still stored and the highest sequence number ever assigned; only after stop.
    /// `sealing`: the key of an encrypted outbox.
    func outboxContents(sealing: OutboxSealing? = nil) async throws -> (pending: [UInt64], highest: UInt64) {
        let store = try OutboxStore(path: databasePath, sealing: sealing)
        let pending = try await store.pending(after: 0, limit: 1_000_000).map(\.sequence)
        let highest = try await store.highestSequence()
        await store.close()
        return (pending, highest)
    }
}
