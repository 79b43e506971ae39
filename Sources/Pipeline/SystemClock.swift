import CSystemClock

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the board's clocks.
public enum SystemClock {
    /// The current time on both clocks, with the kernel's view of whether the wall clock is synced.
    public static func now() -> Timestamp {
        var wall = timespec()
        var mono = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        clock_gettime(CLOCK_MONOTONIC, &mono)
        return Timestamp(
            wallSeconds: Double(wall.tv_sec) + Double(wall.tv_nsec) / 1e9,
            monotonicNanoseconds: UInt64(mono.tv_sec) * 1_000_000_000 + UInt64(mono.tv_nsec),
            clockSynchronized: isWallClockSynchronized())
    }

    /// Whether the kernel considers the wall clock NTP-synchronized (adjtimex: no STA_UNSYNC and
    /// not TIME_ERROR), which is what `timedatectl` reports as "System clock synchronized".
    public static func isWallClockSynchronized() -> Bool {
        sgw_clock_is_synchronized() != 0
    }
}
