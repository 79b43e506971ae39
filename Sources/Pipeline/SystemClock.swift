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

    /// This boot's id from `/proc/sys/kernel/random/boot_id` (a UUID the kernel draws at each
    /// boot), or nil where there is none (not Linux, no /proc).
    public static func bootID(path: String = "/proc/sys/kernel/random/boot_id") -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let trimmed = text.split(whereSeparator: { $0 == "\n" || $0 == " " }).first.map(String.init) ?? ""
        return trimmed.isEmpty ? nil : trimmed
    }
}
