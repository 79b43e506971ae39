import Logging
import Sampling
import ServiceLifecycle
import Uplink

/// Runs the sampler until graceful shutdown begins; a reload's replacement takes over once the
/// old one has stopped.
struct SamplerService: Service {
    let control: SamplingControl

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var replacements = control.replacements.makeAsyncIterator()
            var sampler = control.current
            while true {
                let running = Task { [sampler] in await sampler.run() }
                let next = await withTaskCancellationHandler {
                    await replacements.next()
                } onCancel: {
                    running.cancel()
                }
                running.cancel()
                await running.value
                guard let next, !Task.isCancelled else { return }
                sampler = next
            }
        }
    }
}

/// Runs the uplink; on graceful shutdown it drains what is in flight, then disconnects.
struct UplinkService: Service {
    let control: UplinkControl
    let drainTimeout: Duration

    func run() async throws {
        await withGracefulShutdownHandler {
            await control.run(drainTimeout: drainTimeout)
        } onGracefulShutdown: {
            control.stop()
        }
    }
}

/// Tells systemd the agent is ready, pings its watchdog while the agent is healthy, and says
/// when it is stopping.
///
/// The ping is health-gated: each period the ``AgentHealth`` verdict decides. While a component
/// is stalled the pings stop, `STATUS=` names the reason (for `systemctl status`), and systemd
/// restarts the agent once `WatchdogSec=` passes; a component that recovers in time resumes them.
/// The ping also comes from a task on the same cooperative pool as the sampler and the uplink,
/// so a starved pool or a deadlock stops the pings as well.
struct SystemdService: Service {
    let notifier: SystemdNotifier
    let status: @Sendable () -> String
    let verdict: @Sendable () -> AgentHealth.Verdict
    let logger: Logger

    func run() async throws {
        notifier.ready()
        let interval = notifier.watchdogInterval ?? .seconds(30)
        await cancelWhenGracefulShutdown {
            var wasHealthy = true
            while !Task.isCancelled {
                let verdict = verdict()
                switch verdict {
                case .healthy:
                    if notifier.watchdogInterval != nil { notifier.watchdog() }
                    notifier.status(status())
                    if !wasHealthy { logger.notice("agent healthy again: watchdog pings resumed") }
                case .unhealthy(let problems):
                    let reasons = problems.map(\.description).joined(separator: "; ")
                    notifier.status("unhealthy: " + reasons)
                    if wasHealthy {
                        logger.error("agent unhealthy: watchdog pings withheld", metadata: ["reasons": "\(reasons)"])
                    }
                }
                wasHealthy = verdict.isHealthy
                try? await Task.sleep(for: interval)
            }
        }
        notifier.stopping()
    }
}
