/// What `sensorgw status` makes of a status file: a verdict with its exit code, and a table.
///
/// Pure: the file's content, the time now and whether the pid is alive in; no I/O.
public enum StatusReport {
    /// The verdict, one per exit code.
    public enum Outcome: Sendable, Hashable {
        /// Running, fresh and every component healthy (exit 0).
        case healthy
        /// Running and fresh, and a component is not healthy (exit 1).
        case unhealthy
        /// No agent behind the file: none written, stopped, its process gone, or the file not
        /// rewritten for too long (exit 3). The reason says which.
        case notRunning(String)
        /// The file cannot be read or is not a status file (exit 4).
        case unusable(String)

        /// The command's exit status.
        public var exitCode: Int32 {
            switch self {
            case .healthy: 0
            case .unhealthy: 1
            case .notRunning: 3
            case .unusable: 4
            }
        }
    }

    /// The default for `--stale-after`: five missed writes (the agent writes every 2 s).
    public static let defaultStaleAfter: Duration = .seconds(10)

    /// Judges a status read at `now` (Unix seconds). A file is stale when it was written more
    /// than `staleAfter` ago: the agent writes it every 2 s, so it hangs or was killed.
    public static func judge(_ status: AgentStatus, now: Double, staleAfter: Duration, processAlive: Bool) -> Outcome {
        guard status.running else {
            return .notRunning("the agent (pid \(status.pid)) stopped \(age(now - status.writtenAt)) ago")
        }
        guard processAlive else {
            return .notRunning("the agent (pid \(status.pid)) is gone: it ended without a clean stop")
        }
        let sinceWritten = now - status.writtenAt
        if sinceWritten > seconds(staleAfter) {
            return .notRunning("the status file is stale: written \(age(sinceWritten)) ago (more than \(age(seconds(staleAfter))));"
                + " the agent (pid \(status.pid)) may be hung")
        }
        return status.isHealthy ? .healthy : .unhealthy
    }

    /// `--stale-after`: a whole number and a unit, `500ms`, `10s`, `5m`; nil otherwise.
    public static func parseDuration(_ text: String) -> Duration? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 9, let number = Int64(digits) else { return nil }
        switch text.dropFirst(digits.count) {
        case "ms": return .milliseconds(number)
        case "s": return .seconds(number)
        case "m": return .seconds(number * 60)
        case "h": return .seconds(number * 3600)
        default: return nil
        }
    }

    /// The human table: the agent, its components, the uplink, the outbox and the sensors.
    public static func render(_ status: AgentStatus, now: Double) -> String {
        var text = "sensorgw \(status.version), pid \(status.pid), started \(utc(status.startedAt))"
            + " (up \(age(status.writtenAt - status.startedAt))), status written \(age(now - status.writtenAt)) ago\n"
        text += "health: \(status.isHealthy ? "healthy" : "UNHEALTHY")\n\n"
        text += TextTable.render([["COMPONENT", "STATE", "REASON"]] + status.components.map { component in
            [component.name, component.healthy ? "healthy" : "unhealthy", component.reason ?? "-"]
        })
        let uplink = status.uplink
        var failure = "-"
        if let reason = uplink.lastFailure {
            failure = reason + (uplink.lastFailureAgeSeconds.map { " (\(age($0)) ago)" } ?? "")
        }
        let outbox = status.outbox
        text += "\n" + TextTable.render([
            ["UPLINK", "\(uplink.state.replacing("_", with: " ")) for \(age(uplink.stateAgeSeconds)), \(uplink.connections) connection(s)"],
        ] + (uplink.broker.map { [["BROKER", $0]] } ?? []) + [
            ["LAST FAILURE", failure],
            ["OUTBOX", "\(outbox.readings) reading(s) waiting, \(bytes(outbox.bytes))"],
            ["LAST ACK", status.lastAckAgeSeconds.map { "\(age($0)) ago" } ?? "none yet"],
        ])
        text += "\n" + TextTable.render([["SENSOR", "KIND", "HEALTH", "LAST READING", "READINGS", "ERRORS"]]
            + status.sensors.map { sensor in
                [sensor.id, sensor.kind, sensor.health, sensor.lastReadingAt.map { "\(age(now - $0)) ago" } ?? "never",
                 "\(sensor.readings)", "\(sensor.errors)"]
            })
        return text
    }

    /// A duration in seconds, short: `0.4s`, `12s`, `3m20s`, `2h05m`, `3d04h`; negative (a clock
    /// step) as `0s`.
    public static func age(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0 else { return "0s" }
        if seconds < 10 {
            let tenths = Int((seconds * 10).rounded(.down))
            return "\(tenths / 10).\(tenths % 10)s"
        }
        let whole = Int(min(seconds, 1e12).rounded(.down))
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m\(two(whole % 60))s" }
        if whole < 86_400 { return "\(whole / 3600)h\(two(whole % 3600 / 60))m" }
        return "\(whole / 86_400)d\(two(whole % 86_400 / 3600))h"
    }

    /// A size in bytes as `df -h` would count it: `512 B`, `48.0 KiB`, `1.5 MiB`.
    public static func bytes(_ count: Int) -> String {
        if count < 1024 { return "\(count) B" }
        var value = Double(count) / 1024
        for unit in ["KiB", "MiB", "GiB"] {
            if value < 1024 || unit == "GiB" {
                let tenths = Int((value * 10).rounded())
                return "\(tenths / 10).\(tenths % 10) \(unit)"
            }
            value /= 1024
        }
        return "\(count) B"
    }

    /// Unix seconds as a UTC date and time, `2026-12-02 18:14:41 UTC`.
    public static func utc(_ unixSeconds: Double) -> String {
        guard unixSeconds.isFinite, abs(unixSeconds) < 1e12 else { return "?" }
        let whole = Int64(unixSeconds.rounded(.down))
        let (days, second) = (whole.floorDivided(by: 86_400), whole.floorModulo(86_400))
        let (year, month, day) = civil(daysSinceEpoch: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(second / 3600)):\(two(second % 3600 / 60)):\(two(second % 60)) UTC"
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`, http://howardhinnant.github.io/date_algorithms.html).
    static func civil(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    fileprivate func floorModulo(_ divisor: Int64) -> Int64 {
        self - floorDivided(by: divisor) * divisor
    }
}
