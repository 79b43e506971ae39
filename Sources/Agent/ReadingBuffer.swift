import Outbox
import Synchronization

/// Holds measured readings in memory until the next flush, so that all samples of one flush
/// interval share one commit: one fsync and one set of page writes on the SD card instead of
/// one per sample.
///
/// The trade-off, documented in docs/RELIABILITY.md: a crash or power cut loses at most one
/// flush interval of the newest readings (they have no sequence number yet, so nothing that was
/// numbered is ever lost). Memory is bounded: past `capacity` the oldest buffered readings are
/// dropped and counted, which only happens when the disk has been failing for a long time.
public final class ReadingBuffer: Sendable {
    private struct State {
        var readings: [PendingReading] = []
        var dropped = 0
        /// The storage service, waiting for the first reading after a quiet spell.
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    /// Most readings held.
    public let capacity: Int

    /// Creates a buffer.
    public init(capacity: Int = 50_000) {
        self.capacity = max(1, capacity)
    }

    /// Adds readings to the end, and wakes ``waitForReadings(atMost:)``.
    public func add(_ readings: [PendingReading]) {
        let waiter = state.withLock { state in
            state.readings.append(contentsOf: readings)
            let excess = state.readings.count - capacity
            if excess > 0 {
                state.readings.removeFirst(excess)
                state.dropped += excess
            }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Returns once readings are buffered, or after `timeout`, or when the task is cancelled.
    public func waitForReadings(atMost timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitUntilNotEmpty() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitUntilNotEmpty() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Under the lock: `add` and the cancellation handler either see this waiter or
                // ran before, in which case the readings or the cancellation are seen here.
                let resumeNow = state.withLock { state -> Bool in
                    if !state.readings.isEmpty || Task.isCancelled { return true }
                    state.waiter?.resume()
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }

    /// Takes everything buffered, oldest first.
    public func takeAll() -> [PendingReading] {
        state.withLock { state in
            defer { state.readings.removeAll(keepingCapacity: true) }
            return state.readings
        }
    }

    /// Puts back readings a failed flush could not store, ahead of newer ones.
    public func putBack(_ readings: [PendingReading]) {
        state.withLock { state in
            state.readings.insert(contentsOf: readings, at: 0)
            let excess = state.readings.count - capacity
            if excess > 0 {
                state.readings.removeFirst(excess)
                state.dropped += excess
            }
        }
    }

    /// Readings dropped because the buffer was full, since the last call.
    public func takeDroppedCount() -> Int {
        state.withLock { state in
            defer { state.dropped = 0 }
            return state.dropped
        }
    }

    /// How many readings wait.
    public var count: Int { state.withLock { $0.readings.count } }
}
