import Configuration
import Logging
import Sampling
import SensorKit
import ServiceLifecycle
import Synchronization
import UnixSignals
import Uplink

/// Re-reads the configuration on SIGHUP (`ExecReload=/bin/kill -HUP $MAINPID`) and applies what
/// can change live (``ReloadPlan``). A new configuration that does not load is refused with the
/// same file:line:column and key as at start, logged at error, and the running one goes on.
struct ReloadService: Service {
    let signals: UnixSignalsSequence
    let reloader: Reloader

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                await reloader.reload()
            }
        }
    }
}

/// Builds the replacement parts for a new configuration; ``ReloadService`` calls it per SIGHUP.
final class Reloader: Sendable {
    /// Reads and validates the configuration file again.
    let load: @Sendable () throws -> GatewayConfiguration
    /// The board for a configuration (a simulated board carries one model per sensor).
    let makeBoard: @Sendable (GatewayConfiguration) -> any Board
    let makeSampler: @Sendable ([SensorSchedule]) -> Sampler<ContinuousClock>
    let makeUplink: @Sendable (GatewayConfiguration) -> Uplink
    let registry: SensorRegistry
    let monitor: HealthMonitor<ContinuousClock>
    let hooks: TestHooks
    let sampling: SamplingControl
    let uplink: UplinkControl
    let notifier: SystemdNotifier
    let logger: Logger
    /// The running sensors commands reach; replaced with the sampler's.
    let targets: CommandTargets?
    private let running: Mutex<GatewayConfiguration>

    init(running: GatewayConfiguration, load: @escaping @Sendable () throws -> GatewayConfiguration,
         makeBoard: @escaping @Sendable (GatewayConfiguration) -> any Board,
         makeSampler: @escaping @Sendable ([SensorSchedule]) -> Sampler<ContinuousClock>,
         makeUplink: @escaping @Sendable (GatewayConfiguration) -> Uplink,
         registry: SensorRegistry, monitor: HealthMonitor<ContinuousClock>, hooks: TestHooks,
         sampling: SamplingControl, uplink: UplinkControl, notifier: SystemdNotifier, logger: Logger,
         targets: CommandTargets? = nil) {
        self.targets = targets
        self.running = Mutex(running)
        self.load = load
        self.makeBoard = makeBoard
        self.makeSampler = makeSampler
        self.makeUplink = makeUplink
        self.registry = registry
        self.monitor = monitor
        self.hooks = hooks
        self.sampling = sampling
        self.uplink = uplink
        self.notifier = notifier
        self.logger = logger
    }

    /// The configuration running now.
    var configuration: GatewayConfiguration { running.withLock { $0 } }

    /// One reload: systemd hears RELOADING=1 first and READY=1 at the end, applied or refused.
    /// `trigger` names who asked (SIGHUP, a remote command) in the log.
    @discardableResult
    func reload(trigger: String = "SIGHUP") async -> ReloadOutcome {
        notifier.reloading()
        defer { notifier.ready() }
        logger.notice("reloading the configuration (\(trigger))")
        let new: GatewayConfiguration
        do {
            new = try load()
        } catch {
            logger.error("reload refused, the running configuration stays: \(error)")
            return .refused(["\(error)"])
        }
        let plan = ReloadPlan(running: configuration, new: new)
        guard plan.refusals.isEmpty else {
            for refusal in plan.refusals {
                logger.error("reload refused, the running configuration stays: \(refusal)")
            }
            return .refused(plan.refusals)
        }
        for warning in plan.warnings + new.warnings {
            logger.warning("\(warning)")
        }
        if plan.restartSampler {
            do {
                let schedules = try GatewayAgent.observedSchedules(for: new.sensors, registry: registry,
                                                                   board: makeBoard(new), monitor: monitor, hooks: hooks,
                                                                   targets: targets)
                sampling.replace(with: makeSampler(schedules))
            } catch {
                logger.error("reload refused, the running configuration stays: \(error)")
                return .refused(["\(error)"])
            }
        }
        if plan.reconnectUplink {
            uplink.replace(with: makeUplink(new))
        }
        running.withLock { $0 = new }
        logger.notice("configuration reloaded", metadata: [
            "sensors": "\(new.sensors.map(\.id).joined(separator: ","))",
            "sampler_restarted": "\(plan.restartSampler)", "uplink_reconnected": "\(plan.reconnectUplink)",
        ])
        return .applied(restartedSampler: plan.restartSampler, reconnectedUplink: plan.reconnectUplink,
                        warnings: plan.warnings + new.warnings)
    }
}
