import Dispatch

/// A serial executor backed by its own dispatch queue.
///
/// SQLite calls block on disk I/O (an fsync on an SD card can take tens of milliseconds); an
/// actor on this executor keeps them off Swift's cooperative thread pool, where a blocked thread
/// would stall every other task of the agent.
final class DispatchQueueExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
