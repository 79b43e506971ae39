import Synchronization

/// Freezes one component of the running agent, for the watchdog's end-to-end test.
///
/// Honoured only in a debug build, and only with `SENSORGW_TEST_HOOKS=1`:
/// `SENSORGW_TEST_FREEZE=sampler|storage|uplink` freezes that component
/// `SENSORGW_TEST_FREEZE_AFTER_MS` (default 3000) after start. An environment variable rather
/// than a config key, because the operator's schema must not carry a switch that hangs the
/// agent; and debug-only, because the packaged (release) binary then cannot be frozen by a
/// stray variable in a unit's `Environment=`: the code that reads it is not compiled in.
/// `SENSORGW_TEST_CLOCK_SYNCHRONIZED=1` has remote commands (docs/COMMANDS.md) treat the wall
/// clock as NTP-synchronized, for end-to-end tests on hosts whose kernel says it is not.
///
/// Frozen means what a real hang looks like from outside: a sensor's `measure` (or a storage
/// flush) that never returns and ignores cancellation; an uplink whose publishes go nowhere and
/// whose acknowledgements never come.
public final class TestHooks: Sendable {
    /// No hooks (production).
    public static let none = TestHooks(frozen: nil, after: .zero)

    /// Whether commands judge expiry as if the clock were synchronized.
    public let assumesClockSynchronized: Bool

    private let frozen: AgentHealth.Component?
    private let freezeAt: ContinuousClock.Instant
    private let parked = Mutex<[CheckedContinuation<Void, Never>]>([])

    private init(frozen: AgentHealth.Component?, after: Duration, assumesClockSynchronized: Bool = false) {
        self.frozen = frozen
        self.assumesClockSynchronized = assumesClockSynchronized
        freezeAt = ContinuousClock.now.advanced(by: after)
    }

    /// The hooks the environment asks for; ``none`` in a release build.
    public static func from(environment: [String: String]) -> TestHooks {
        #if DEBUG
        guard environment["SENSORGW_TEST_HOOKS"] == "1" else { return .none }
        let synchronized = environment["SENSORGW_TEST_CLOCK_SYNCHRONIZED"] == "1"
        let component = environment["SENSORGW_TEST_FREEZE"].flatMap { AgentHealth.Component(rawValue: $0) }
        guard component != nil || synchronized else { return .none }
        let after = environment["SENSORGW_TEST_FREEZE_AFTER_MS"].flatMap { Int($0) } ?? 3000
        return TestHooks(frozen: component, after: .milliseconds(after), assumesClockSynchronized: synchronized)
        #else
        return .none
        #endif
    }

    /// Whether hooks are on at all.
    public var isActive: Bool { frozen != nil || assumesClockSynchronized }

    /// Whether `component` is frozen now.
    public func isFrozen(_ component: AgentHealth.Component) -> Bool {
        frozen == component && ContinuousClock.now >= freezeAt
    }

    /// Returns at once unless `component` is frozen; then never (cancellation is ignored, as a
    /// blocked system call would ignore it).
    public func pass(_ component: AgentHealth.Component) async {
        guard isFrozen(component) else { return }
        await withCheckedContinuation { continuation in
            parked.withLock { $0.append(continuation) }
        }
    }
}
