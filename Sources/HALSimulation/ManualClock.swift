import Synchronization

/// A clock for tests that moves only when the test says so: `sleep` waits until ``advance(by:)``
/// reaches its deadline.
///
/// Unlike ``SimulatedClock`` (which jumps to each deadline at once), several tasks sleeping on
/// one `ManualClock` wake in deadline order on one shared time line, so a test of a scheduler
/// with many tasks (the sampler's one task per sensor) runs hours of schedule in milliseconds
/// and can assert exact instants. ``advance(by:)`` returns once the woken tasks have settled:
/// they went back to sleep or finished, or stopped making progress the clock can see.
public final class ManualClock: Clock, Sendable {
    /// A point in virtual time.
    public typealias Instant = SimulatedClock.Instant

    private struct Sleeper {
        let id: UInt64
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Sleeper] = []
        var nextID: UInt64 = 0
        /// Bumped on every sleep, wake and cancellation, so ``settle()`` can tell when the
        /// tasks it woke have stopped moving.
        var activity: UInt64 = 0
        /// Whether a sleeper ran on ``executor``: then settling waits for it to be idle.
        var executorUsed = false
    }

    private let state = Mutex(State())

    /// Run the code under test on this executor (`Task(executorPreference: clock.executor)`) and
    /// ``settle()`` knows exactly when it has stopped; other code is settled by quiet time.
    public let executor = ManualClockExecutor()

    /// Creates a clock at virtual time zero.
    public init() {}

    /// The current virtual time.
    public var now: Instant { state.withLock { $0.now } }

    /// One nanosecond.
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// How many tasks are sleeping on this clock.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// Suspends until the clock reaches `deadline` (at once if it has), or throws
    /// `CancellationError` when the task is cancelled first.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let onExecutor = executor.pendingJobs > 0
                let resumeNow = state.withLock { state -> Bool in
                    state.activity += 1
                    if onExecutor { state.executorUsed = true }
                    if deadline <= state.now { return true }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                state.activity += 1
                return state.sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Waits until at least `count` tasks sleep on this clock (e.g. every task of a scheduler
    /// has reached its first wait), then settles.
    public func waitForSleepers(_ count: Int) async {
        while sleeperCount < count {
            try? await Task.sleep(for: .microseconds(200))
        }
        await settle()
    }

    /// Moves time forward by `duration`, waking sleepers in deadline order; each group of
    /// sleepers due at the same instant runs (and settles) before time moves on.
    public func advance(by duration: Duration) async {
        let target = now.advanced(by: duration)
        await settle()
        while true {
            let due = state.withLock { state -> [Sleeper] in
                guard let earliest = state.sleepers.map(\.deadline).min(), earliest <= target else { return [] }
                if state.now < earliest { state.now = earliest }
                let now = state.now
                let due = state.sleepers.filter { $0.deadline <= now }
                state.sleepers.removeAll { $0.deadline <= now }
                state.activity += 1
                return due
            }
            if due.isEmpty { break }
            for sleeper in due { sleeper.continuation.resume() }
            await settle()
        }
        state.withLock { if $0.now < target { $0.now = target } }
        await settle()
    }

    /// Waits until the tasks woken last have stopped again: exactly, for tasks on
    /// ``executor`` (none of its jobs is queued or running); for other tasks, until nothing has
    /// slept, woken or been cancelled on this clock for `quietChecks` checks `checkInterval`
    /// apart (a settling margin, never a measurement).
    public func settle(quietChecks: Int = 20, checkInterval: Duration = .milliseconds(1)) async {
        if executor.pendingJobs > 0 || state.withLock({ $0.executorUsed }) {
            // Idle twice with no clock activity between: a job that ran last may have resumed
            // nothing, or something whose job is now queued; look again until both hold.
            while true {
                await executor.waitUntilIdle()
                let before = state.withLock { $0.activity }
                await Task.yield()
                if executor.pendingJobs == 0 && state.withLock({ $0.activity }) == before { return }
            }
        }
        var last = state.withLock { $0.activity }
        var quiet = 0
        while quiet < quietChecks {
            try? await Task.sleep(for: checkInterval)
            let current = state.withLock { $0.activity }
            if current != last {
                last = current
                quiet = 0
            } else {
                quiet += 1
            }
        }
    }
}
