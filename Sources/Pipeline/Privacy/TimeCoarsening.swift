/// `time_resolution: N`: the times a reading carries on the wire floored to a multiple of N, so
/// the broker cannot see the exact instant a sensor was sampled (docs/PRIVACY.md).
///
/// Applied as readings are encoded, never before they are stored: the outbox keeps the exact
/// times, so the clock re-basing (``ClockRebase``: wall − monotonic at the first synced
/// reading, added to the monotonic time of earlier ones) works on exact values. Coarsening the
/// stored times would move that offset by up to N and leave re-based times off the grid.
/// Every time that is sent is floored: the wall time, the re-based wall time and the monotonic
/// time (SenML's `mono_ns`: sent exactly beside a floored wall time, it would give the offset
/// away after a few readings, and with it every exact instant).
public struct TimeCoarsening: Sendable, Hashable {
    /// The resolution in nanoseconds, at least 1.
    public let nanoseconds: UInt64

    /// A coarsening to multiples of `resolution`; nil unless it is at least 1 ns.
    public init?(_ resolution: Duration) {
        let (seconds, attoseconds) = resolution.components
        guard seconds >= 0, seconds < 1 << 33 else { return nil }
        let nanoseconds = UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
        guard nanoseconds > 0 else { return nil }
        self.nanoseconds = nanoseconds
    }

    /// Seconds floored to a multiple of the resolution. A resolution that divides a second
    /// (100 ms, 250 ms) counts the multiples in units of it and divides, so that 100 ms steps
    /// give 12.3, not 12.300000000000001; a whole number of seconds stays exact up to 2^53.
    public func floor(seconds: Double) -> Double {
        guard seconds.isFinite else { return seconds }
        if 1_000_000_000 % nanoseconds == 0 {
            let perSecond = Double(1_000_000_000 / nanoseconds)
            return (seconds * perSecond).rounded(.down) / perSecond
        }
        let step = Double(nanoseconds) / 1e9
        return (seconds / step).rounded(.down) * step
    }

    /// Nanoseconds floored to a multiple of the resolution.
    public func floor(nanoseconds value: UInt64) -> UInt64 {
        value - value % nanoseconds
    }

    /// The timestamp as sent: wall, re-based and monotonic times floored; the sync flag and
    /// the boot id unchanged.
    public func apply(_ timestamp: Timestamp) -> Timestamp {
        var coarse = timestamp
        coarse.wallSeconds = floor(seconds: timestamp.wallSeconds)
        coarse.rebasedWallSeconds = timestamp.rebasedWallSeconds.map { floor(seconds: $0) }
        coarse.monotonicNanoseconds = floor(nanoseconds: timestamp.monotonicNanoseconds)
        return coarse
    }
}
