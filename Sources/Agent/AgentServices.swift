import Logging
import Sampling
import ServiceLifecycle
import Uplink

/// Runs the sampler until graceful shutdown begins.
struct SamplerService: Service {
    let sampler: Sampler<ContinuousClock>

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await sampler.run()
        }
    }
}

/// Runs the uplink; on graceful shutdown it drains what is in flight, then disconnects.
struct UplinkService: Service {
    let uplink: Uplink
    let drainTimeout: Duration

    func run() async throws {
        await withGracefulShutdownHandler {
            await uplink.run(drainTimeout: drainTimeout)
        } onGracefulShutdown: {
            uplink.stop()
        }
    }
}

/// Tells systemd the agent is ready, pings its watchdog, and says when it is stopping.
///
/// The ping comes from a task on the same cooperative pool as the sampler and the uplink, so a
/// pool starved by a blocking call, or a deadlock, stops the pings and systemd restarts us.
struct SystemdService: Service {
    let notifier: SystemdNotifier
    let status: @Sendable () -> String

    func run() async throws {
        notifier.ready()
        let interval = notifier.watchdogInterval ?? .seconds(30)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if notifier.watchdogInterval != nil { notifier.watchdog() }
                notifier.status(status())
                try? await Task.sleep(for: interval)
            }
        }
        notifier.stopping()
    }
}
