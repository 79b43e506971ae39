import Synchronization

/// The uplink's inbox: events from any thread (libmosquitto's loop thread, timers, the agent) to
/// the one task that runs the session, in the order they were put in.
///
/// In place of `AsyncStream`: its storage is generic and not specialized across the module
/// boundary, so every yield and every `next()` looked up generic metadata at run time, and it hands
/// over one event per await. Draining a backlog at one reading per message puts a PUBACK event in
/// here per reading; the task takes everything that has arrived in one swap of buffers instead.
final class UplinkEventQueue: Sendable {
    private struct State {
        var pending: [UplinkSession.Event] = []
        /// The task waiting in ``take(into:)``, if it is.
        var waiter: UnsafeContinuation<Void, Never>?
        var finished = false
    }

    private let state = Mutex(State())

    /// Puts `event` in, from any thread; wakes the waiting task. Dropped after ``finish()``.
    func put(_ event: UplinkSession.Event) {
        let waiter = state.withLock { state -> UnsafeContinuation<Void, Never>? in
            guard !state.finished else { return nil }
            state.pending.append(event)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Hands every event that has arrived to `events`, in order, waiting until there is at least
    /// one. `events` must be empty; its storage is kept and reused for the next arrivals, so a busy
    /// uplink allocates no buffer per batch. Returns false, with nothing handed, once the calling
    /// task is cancelled or the queue finished.
    func take(into events: inout [UplinkSession.Event]) async -> Bool {
        while true {
            let outcome = state.withLock { state -> Bool? in
                if state.finished { return false }
                if !state.pending.isEmpty {
                    swap(&events, &state.pending)
                    return true
                }
                return nil
            }
            if let outcome { return outcome }
            if Task.isCancelled { return false }
            await withTaskCancellationHandler {
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                    // Under the lock: a cancellation handler that ran before this finds no waiter, and
                    // the task's cancelled flag is set before its handler runs, so it is seen here.
                    let resumeNow = state.withLock { state -> Bool in
                        if !state.pending.isEmpty || state.finished || Task.isCancelled { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { state -> UnsafeContinuation<Void, Never>? in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume()
            }
        }
    }

    /// Ends the queue: what is waiting is dropped, later events are dropped, and a waiting
    /// ``take(into:)`` returns false. For the end of ``Uplink/run(drainTimeout:)``, after which the
    /// agent may still report stored readings that nobody would take.
    func finish() {
        let waiter = state.withLock { state -> UnsafeContinuation<Void, Never>? in
            state.finished = true
            state.pending = []
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
