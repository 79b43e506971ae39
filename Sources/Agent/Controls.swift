import Sampling
import Synchronization
import Uplink

/// The running sampler; a reload replaces it with one on the new sensors (``SamplerService``
/// stops the old one first). The reading buffer behind both stays, so nothing buffered is lost.
final class SamplingControl: Sendable {
    private let state: Mutex<Sampler<ContinuousClock>>
    let replacements: AsyncStream<Sampler<ContinuousClock>>
    private let input: AsyncStream<Sampler<ContinuousClock>>.Continuation

    init(_ first: Sampler<ContinuousClock>) {
        state = Mutex(first)
        (replacements, input) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// The sampler running now (or about to).
    var current: Sampler<ContinuousClock> { state.withLock { $0 } }

    /// Stops the running sampler and starts `sampler`.
    func replace(with sampler: Sampler<ContinuousClock>) {
        state.withLock { $0 = sampler }
        input.yield(sampler)
    }
}

/// The running uplink; a reload replaces it with one on the new `mqtt` settings. The old one
/// drains what is in flight and disconnects; the new one starts from the oldest unacknowledged
/// reading in the same outbox, so nothing is lost or renumbered.
final class UplinkControl: Sendable {
    private struct State {
        var current: Uplink
        var pending: Uplink?
        var stopping = false
    }

    private let state: Mutex<State>

    init(_ first: Uplink) {
        state = Mutex(State(current: first))
    }

    /// The uplink running now.
    var current: Uplink { state.withLock { $0.current } }

    /// Tells the running uplink that new readings are stored.
    func readingsStored() { current.readingsStored() }

    /// Tells the running uplink that the outbox dropped readings.
    func dropsChanged() { current.dropsChanged() }

    /// Stops the running uplink (it drains) and runs `uplink` after it.
    func replace(with uplink: Uplink) {
        let old = state.withLock { state -> Uplink? in
            guard !state.stopping else { return nil }
            state.pending = uplink
            return state.current
        }
        old?.stop()
    }

    /// Asks the running uplink to drain and stop; nothing runs after it.
    func stop() {
        state.withLock { state in
            state.stopping = true
            return state.current
        }.stop()
    }

    /// Runs uplinks one after the other until ``stop()``.
    func run(drainTimeout: Duration) async {
        var uplink = current
        while true {
            await uplink.run(drainTimeout: drainTimeout)
            let next = state.withLock { state -> Uplink? in
                guard !state.stopping, let pending = state.pending else { return nil }
                state.current = pending
                state.pending = nil
                return pending
            }
            guard let next, !Task.isCancelled else { return }
            uplink = next
        }
    }
}
