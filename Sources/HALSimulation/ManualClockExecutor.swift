import Dispatch
import Synchronization

/// A task executor that knows when it has nothing left to run, so a test on a ``ManualClock``
/// can tell exactly when the tasks it woke have all stopped again.
///
/// Start the code under test with `Task(executorPreference: clock.executor) { ... }`: its child
/// tasks and the default actors it calls inherit the preference, so every job of it runs here,
/// one at a time. A job is counted from the moment it is enqueued (a continuation resumed by
/// ``ManualClock/advance(by:)`` enqueues before `resume()` returns) until it has run, so a
/// count of zero means every task is suspended: no heuristic, no real-time margin.
public final class ManualClockExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `queue` is immutable and thread-safe; the count is behind a Mutex.
    private let queue = DispatchQueue(label: "sensorgw.manual-clock-executor")
    private let pending = Mutex(0)

    /// Creates an executor with its own serial queue.
    public init() {}

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        pending.withLock { $0 += 1 }
        queue.async { [self] in
            unowned.runSynchronously(on: asUnownedTaskExecutor())
            pending.withLock { $0 -= 1 }
        }
    }

    /// Jobs enqueued and not yet finished.
    public var pendingJobs: Int { pending.withLock { $0 } }

    /// Returns once no job is queued or running.
    public func waitUntilIdle() async {
        while pendingJobs > 0 {
            try? await Task.sleep(for: .microseconds(100))
        }
    }
}
