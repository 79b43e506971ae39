import Synchronization

/// A clock for tests that never really waits: `sleep` moves its time forward to the deadline
/// and returns at once.
///
/// Inject it wherever a driver takes `any Clock<Duration>`; a deadline of 100 ms then costs
/// microseconds of wall time, and ``elapsed`` tells the test how much virtual time passed.
public final class SimulatedClock: Clock, Sendable {
    /// A point in virtual time: the duration since the clock was created.
    public struct Instant: InstantProtocol, CustomStringConvertible {
        /// Time since the clock's origin.
        public var offset: Duration

        /// Creates an instant.
        public init(offset: Duration) { self.offset = offset }

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
        public var description: String { "\(offset)" }
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepCount = 0
    }

    private let state = Mutex(State())

    /// Creates a clock at virtual time zero.
    public init() {}

    /// The current virtual time.
    public var now: Instant { state.withLock { $0.now } }

    /// One nanosecond.
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// Virtual time since creation.
    public var elapsed: Duration { now.offset }

    /// How many times `sleep` was called (a polling loop's iteration count).
    public var sleepCount: Int { state.withLock { $0.sleepCount } }

    /// Jumps to `deadline` (if it is in the future) and returns; checks for cancellation so a
    /// cancelled poll loop still stops.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        state.withLock {
            $0.sleepCount += 1
            if $0.now < deadline { $0.now = deadline }
        }
        // Let other tasks run, as a real sleep would, so a test's concurrent actor can progress.
        await Task.yield()
    }

    /// Moves time forward without sleeping (e.g. to simulate time passing between calls).
    public func advance(by duration: Duration) {
        state.withLock { $0.now = $0.now.advanced(by: duration) }
    }
}
