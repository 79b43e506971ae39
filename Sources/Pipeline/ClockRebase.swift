/// Re-bases the wall time of readings taken before the clock synced, from their monotonic time.
///
/// A Pi has no battery clock: until NTP syncs it, the wall clock shows whatever fake-hwclock
/// saved, or 1970. CLOCK_MONOTONIC runs steadily from boot meanwhile. At the first reading taken
/// with the clock synced, `wall - mono` is the offset between the two clocks for this boot; any
/// earlier reading of the same boot then took place at `mono + offset` by the synced clock. A
/// reading of another boot cannot be re-based (monotonic time restarts at each boot); it keeps its
/// flag and its boot id.
///
/// NTP's later slewing of the wall clock (tens of ppm) is not followed: the re-based time is as
/// good as the offset at the moment of sync, which is what is wanted for readings taken before it.
public struct ClockRebase: Sendable, Hashable {
    /// Wall seconds minus monotonic seconds at the moment of sync.
    public let offsetSeconds: Double

    /// An offset given directly (as stored by the outbox).
    public init(offsetSeconds: Double) {
        self.offsetSeconds = offsetSeconds
    }

    /// The offset observed at `synchronized`, a timestamp taken with the clock synced; nil if it
    /// was not, or if its wall time is not finite.
    public init?(observedAt synchronized: Timestamp) {
        guard synchronized.clockSynchronized, synchronized.wallSeconds.isFinite else { return nil }
        offsetSeconds = synchronized.wallSeconds - Double(synchronized.monotonicNanoseconds) / 1e9
    }

    /// The wall time at which a reading of the same boot was taken by the synced clock; nil for a
    /// reading that was taken with the clock synced (its own wall time is right).
    public func rebasedWallSeconds(for timestamp: Timestamp) -> Double? {
        guard !timestamp.clockSynchronized else { return nil }
        return Double(timestamp.monotonicNanoseconds) / 1e9 + offsetSeconds
    }
}
