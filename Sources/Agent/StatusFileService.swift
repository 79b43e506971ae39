import Logging
import Outbox
import Pipeline
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes ``AgentStatus`` to `status.json` every `interval` and once more at a graceful stop
/// (with `running: false`), for `sensorgw status`.
///
/// The file sits next to the metrics file in the runtime directory (`/run/sensorgw`, tmpfs: no
/// SD-card writes). It is replaced atomically (write then rename), so a reader never sees half
/// of it, and it is readable by all: it holds no secret, and `sensorgw status` may run as
/// another user than the agent.
struct StatusFileService: Service {
    let path: String
    let interval: Duration
    /// The status now; `running` false for the last write.
    let snapshot: @Sendable (_ running: Bool) async -> AgentStatus
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                write(await snapshot(true))
                try? await Task.sleep(for: interval)
            }
        }
        write(await snapshot(false))
    }

    func write(_ status: AgentStatus) {
        if !RuntimeFile.replace(path, with: StatusJSON.encode(status)) {
            logger.warning("cannot write the status file", metadata: ["path": "\(path)", "errno": "\(errno)"])
        }
    }
}

extension GatewayAgent {
    /// Where the status file goes: `SENSORGW_STATUS_FILE`, else `status.json` in systemd's
    /// runtime directory; nil (no file) when neither is set.
    static func statusFilePath(_ environment: [String: String]) -> String? {
        environment["SENSORGW_STATUS_FILE"] ?? RuntimeFile.path("status.json", environment: environment)
    }

    /// The service that writes the status file, when there is a place for it.
    static func statusFileService(environment: [String: String], monitor: HealthMonitor<ContinuousClock>,
                                  health: AgentHealth, sampling: SamplingControl, outbox: OutboxStore,
                                  logger: Logger) -> StatusFileService? {
        guard let path = statusFilePath(environment) else { return nil }
        logger.info("status written for sensorgw status", metadata: ["path": "\(path)"])
        return StatusFileService(path: path, interval: .seconds(2),
                                 snapshot: statusSnapshot(monitor: monitor, health: health, sampling: sampling, outbox: outbox),
                                 logger: logger)
    }

    /// The agent's status now (`running` false for the last write): for the status file and the
    /// `status` command.
    static func statusSnapshot(monitor: HealthMonitor<ContinuousClock>, health: AgentHealth, sampling: SamplingControl,
                               outbox: OutboxStore) -> @Sendable (_ running: Bool) async -> AgentStatus {
        let startedAt = SystemClock.now().wallSeconds
        let pid = Int(getpid())
        return { running in
            let readings = (try? await outbox.count()) ?? 0
            let bytes = (try? await outbox.storedBytes()) ?? 0
            let now = monitor.now
            let progress = monitor.snapshot.uplink
            let failure = monitor.lastUplinkFailure
            let sensorHealth = sampling.current.sensorHealth.mapValues(\.rawValue)
            return AgentStatus(
                version: SensorGatewayVersion.current, pid: pid, running: running, startedAt: startedAt,
                writtenAt: SystemClock.now().wallSeconds,
                components: AgentStatus.components(monitor.verdict(health)),
                uplink: .init(state: progress.state.rawValue, stateAgeSeconds: StatusReport.seconds(now - progress.since),
                              connections: monitor.connections, lastFailure: failure?.reason,
                              lastFailureAgeSeconds: failure.map { StatusReport.seconds(now - $0.at) },
                              broker: monitor.uplinkBroker?.name),
                outbox: .init(readings: readings, bytes: bytes),
                lastAckAgeSeconds: monitor.lastAcknowledged.map { StatusReport.seconds(now - $0) },
                sensors: AgentStatus.sensors(monitor.sensorActivity, health: sensorHealth))
        }
    }
}
