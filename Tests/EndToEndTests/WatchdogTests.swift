import Foundation
import Testing

/// The health-gated watchdog of the real binary under a fake `NOTIFY_SOCKET`: pings go on while
/// the agent is healthy and stop, with `STATUS=` naming the reason, when a component is frozen
/// through the debug build's test hook (`SENSORGW_TEST_HOOKS=1`, docs/OPERATIONS.md).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct WatchdogTests {
    /// Runs the agent with WATCHDOG_USEC=1 s (a ping every 0.5 s) and the hook's environment.
    func startAgent(_ agent: AgentProcess, notify: NotifySocket, freeze: String?) throws -> Child {
        var environment = ["SENSORGW_METRICS_FILE": agent.metricsPath, "NOTIFY_SOCKET": notify.path,
                           "WATCHDOG_USEC": "1000000", "SENSORGW_TEST_HOOKS": "1",
                           "SENSORGW_TEST_FREEZE_AFTER_MS": "3000"]
        environment["SENSORGW_TEST_FREEZE"] = freeze
        return try Child(sensorgwBinary, ["run", "--config", agent.configPath],
                         log: agent.workspace.path("\(agent.name).log"), environment: environment)
    }

    /// Freezes `component` 3 s after start; expects pings before, then none once STATUS= says
    /// which component is unhealthy.
    func expectPingsStop(freezing component: String, agent: AgentProcess, workspace: Workspace) async throws {
        let notify = try NotifySocket(path: workspace.path("notify.sock"))
        defer { notify.close() }
        let child = try startAgent(agent, notify: notify, freeze: component)
        let started = ContinuousClock.now
        try await waitUntil(timeout: .seconds(60), "STATUS naming \(component)") {
            notify.statuses.contains { $0.hasPrefix("unhealthy: ") && $0.contains("\(component): ") }
        }
        let unhealthyAt = ContinuousClock.now
        // Pings came while the agent was healthy (one per 0.5 s until the freeze at 3 s)...
        #expect(notify.pings.filter { $0 < started + .milliseconds(2900) }.count >= 3, "\(notify.messages.map(\.text))")
        try await Task.sleep(for: .seconds(3))
        // ...and none once the verdict turned: six periods without a ping.
        let late = notify.pings.filter { $0 > unhealthyAt }
        #expect(late.isEmpty, "\(late.count) pings after STATUS named \(component)")
        #expect(child.isRunning)
        #expect(agent.log.contains("agent unhealthy: watchdog pings withheld"), "\(agent.log.suffix(2000))")
        #expect(agent.log.contains("test hooks are on"))
        // A frozen task ignores cancellation, so a graceful stop would wait forever: systemd's
        // watchdog (or TimeoutStopSec) ends it with SIGABRT/SIGKILL; here SIGKILL.
        try await child.stop(signal: SIGKILL)
    }

    @Test func withNothingFrozenPingsContinueAndStatusReportsProgress() async throws {
        let workspace = try Workspace("watchdog-healthy")
        // No broker listens: the uplink backing off correctly is healthy.
        let agent = try AgentProcess(workspace: workspace, port: freePort(), tls: false)
        let notify = try NotifySocket(path: workspace.path("notify.sock"))
        defer { notify.close() }
        let child = try startAgent(agent, notify: notify, freeze: nil)
        let started = ContinuousClock.now
        try await Task.sleep(for: .seconds(12))
        let pings = notify.pings
        #expect(notify.messages.first?.text == "READY=1")
        #expect(pings.count >= 12, "\(pings.count) pings in 12 s at one per 0.5 s")
        // Still pinging at the end, well past every bound a freeze trips (5 to 15 s here).
        #expect(pings.contains { $0 > started + .seconds(10) })
        #expect(!notify.statuses.contains { $0.hasPrefix("unhealthy") }, "\(notify.statuses.suffix(3))")
        #expect(try await child.stop() == 0)
        #expect(notify.messages.last?.text == "STOPPING=1")
    }

    @Test func aFrozenSamplerStopsThePings() async throws {
        let workspace = try Workspace("watchdog-sampler")
        let agent = try AgentProcess(workspace: workspace, port: freePort(), tls: false)
        try await expectPingsStop(freezing: "sampler", agent: agent, workspace: workspace)
    }

    @Test func aFrozenStorageStopsThePings() async throws {
        let workspace = try Workspace("watchdog-storage")
        let agent = try AgentProcess(workspace: workspace, port: freePort(), tls: false)
        try await expectPingsStop(freezing: "storage", agent: agent, workspace: workspace)
    }

    @Test func aFrozenUplinkStopsThePings() async throws {
        let workspace = try Workspace("watchdog-uplink")
        let broker = try await Broker(workspace: workspace)
        let agent = try AgentProcess(workspace: workspace, broker: broker)
        try await expectPingsStop(freezing: "uplink", agent: agent, workspace: workspace)
        #expect(agent.log.contains("connected to broker"), "frozen while connected, not while backing off")
        try await broker.stop()
    }
}
