#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Pipeline

/// The wall clock as certificate dates are judged against it: the time, and whether the
/// kernel says it is synchronized. A board without a battery clock boots in the past, and a
/// certificate that only looks "not yet valid" then must not stop the agent for good (systemd
/// does not restart it after exit 78), so dates seen on an unsynchronized clock are warnings.
public struct CertificateClock: Sendable, Equatable {
    /// Seconds since 1970-01-01 00:00:00 UTC.
    public var now: Int64
    /// Whether the kernel considers the clock synchronized (NTP).
    public var isSynchronized: Bool

    /// Creates a clock reading, for tests.
    public init(now: Int64, isSynchronized: Bool = true) {
        self.now = now
        self.isSynchronized = isSynchronized
    }

    /// This machine's clock, read now.
    public static var system: CertificateClock {
        let now = SystemClock.now()
        return CertificateClock(now: Int64(now.wallSeconds.rounded(.down)), isSynchronized: now.clockSynchronized)
    }

    /// `2026-12-01 22:39:14 UTC`.
    static func format(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "\(seconds) seconds after 1970" }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) UTC"
    }
}
