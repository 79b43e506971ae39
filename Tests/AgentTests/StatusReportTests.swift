import Testing
@testable import Agent

/// What `sensorgw status` makes of a status file: exit codes, staleness and the table.
@Suite struct StatusReportTests {
    let sample = StatusFileTests.sample
    var healthy: AgentStatus {
        var status = sample
        status.components = AgentStatus.components(.healthy)
        return status
    }

    // MARK: verdict and exit code

    @Test func aFreshHealthyFileOfALiveAgentIsExit0() {
        let outcome = StatusReport.judge(healthy, now: healthy.writtenAt + 1, staleAfter: .seconds(10), processAlive: true)
        #expect(outcome == .healthy)
        #expect(outcome.exitCode == 0)
    }

    @Test func anUnhealthyComponentIsExit1() {
        let outcome = StatusReport.judge(sample, now: sample.writtenAt + 1, staleAfter: .seconds(10), processAlive: true)
        #expect(outcome == .unhealthy)
        #expect(outcome.exitCode == 1)
    }

    @Test func aFileOlderThanStaleAfterIsExit3EvenWhenItSaysHealthy() {
        // Written at t; stale after 10 s: at t + 10 still fresh, at t + 10.5 stale.
        #expect(StatusReport.judge(healthy, now: healthy.writtenAt + 10, staleAfter: .seconds(10), processAlive: true) == .healthy)
        let stale = StatusReport.judge(healthy, now: healthy.writtenAt + 10.5, staleAfter: .seconds(10), processAlive: true)
        #expect(stale.exitCode == 3)
        guard case .notRunning(let reason) = stale else { Issue.record("\(stale)"); return }
        #expect(reason.contains("stale: written 10s ago"), "\(reason)")
        #expect(StatusReport.judge(healthy, now: healthy.writtenAt + 0.6, staleAfter: .milliseconds(500),
                                   processAlive: true).exitCode == 3)
    }

    @Test func aDeadProcessOrACleanStopIsExit3() {
        let gone = StatusReport.judge(healthy, now: healthy.writtenAt + 1, staleAfter: .seconds(10), processAlive: false)
        #expect(gone == .notRunning("the agent (pid 4242) is gone: it ended without a clean stop"))
        var stopped = healthy
        stopped.running = false
        // Stopped wins over a pid that happens to be alive again (reused).
        let outcome = StatusReport.judge(stopped, now: stopped.writtenAt + 65, staleAfter: .seconds(10), processAlive: true)
        #expect(outcome == .notRunning("the agent (pid 4242) stopped 1m05s ago"))
        #expect(outcome.exitCode == 3)
        #expect(StatusReport.Outcome.unusable("x").exitCode == 4)
    }

    @Test func staleAfterTakesAWholeNumberAndAUnit() {
        #expect(StatusReport.parseDuration("10s") == .seconds(10))
        #expect(StatusReport.parseDuration("500ms") == .milliseconds(500))
        #expect(StatusReport.parseDuration("2m") == .seconds(120))
        #expect(StatusReport.parseDuration("1h") == .seconds(3600))
        for bad in ["", "10", "s", "1.5s", "-1s", "10 s", "10x"] {
            #expect(StatusReport.parseDuration(bad) == nil, "\(bad)")
        }
    }

    // MARK: formatting

    @Test func utcDatesMatchTheCalendar() {
        // Reference values from Python's datetime.fromtimestamp(t, timezone.utc).
        #expect(StatusReport.utc(0) == "1970-01-01 00:00:00 UTC")
        #expect(StatusReport.utc(951_782_400) == "2000-02-29 00:00:00 UTC")
        #expect(StatusReport.utc(-1) == "1969-12-31 23:59:59 UTC")
        #expect(StatusReport.utc(1_796_234_081.9) == "2026-12-02 17:54:41 UTC")
        #expect(StatusReport.utc(4_102_444_800) == "2100-01-01 00:00:00 UTC")
    }

    @Test func agesAreShort() {
        #expect(StatusReport.age(0.45) == "0.4s")
        #expect(StatusReport.age(9.99) == "9.9s")
        #expect(StatusReport.age(12.7) == "12s")
        #expect(StatusReport.age(200) == "3m20s")
        #expect(StatusReport.age(7500) == "2h05m")
        #expect(StatusReport.age(3 * 86_400 + 4 * 3600 + 59) == "3d04h")
        #expect(StatusReport.age(-3) == "0s", "a clock step back")
    }

    @Test func sizesCountInPowersOf1024() {
        #expect(StatusReport.bytes(512) == "512 B")
        #expect(StatusReport.bytes(49_152) == "48.0 KiB")
        #expect(StatusReport.bytes(1_572_864) == "1.5 MiB")
    }

    // MARK: the table

    /// The cells of the line whose first cell is `first` (cells are two or more spaces apart).
    func row(_ text: String, _ first: String) -> [String]? {
        text.split(separator: "\n").map(String.init).first { $0.hasPrefix(first + " ") }.map { line in
            line.split(separator: "  ", omittingEmptySubsequences: true).map { $0.trimmingPrefix(" ") }.map(String.init)
        }
    }

    @Test func theTableShowsComponentsUplinkOutboxAndSensors() {
        let text = StatusReport.render(sample, now: sample.writtenAt + 1.5)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "sensorgw 0.1.0, pid 4242, started 2026-12-02 17:53:20 UTC (up 1m21s), status written 1.5s ago")
        #expect(lines.contains("health: UNHEALTHY"))
        #expect(row(text, "sampler") == ["sampler", "healthy", "-"])
        #expect(row(text, "uplink") == ["uplink", "unhealthy", "no reconnect attempt for 70.0s"])
        #expect(row(text, "UPLINK") == ["UPLINK", "backing off for 1m10s, 2 connection(s)"])
        #expect(row(text, "LAST FAILURE")
                    == ["LAST FAILURE", #"could not connect (refused): nothing listens on "broker":8883 (1m10s ago)"#])
        #expect(row(text, "OUTBOX") == ["OUTBOX", "1234 reading(s) waiting, 48.0 KiB"])
        #expect(row(text, "LAST ACK") == ["LAST ACK", "none yet"])
        #expect(row(text, "SENSOR") == ["SENSOR", "KIND", "HEALTH", "LAST READING", "READINGS", "ERRORS"])
        #expect(row(text, "air") == ["air", "bme280", "healthy", "2.0s ago", "300", "0"])
        #expect(row(text, "door") == ["door", "sht3x", "starting", "never", "0", "7"])
    }

    @Test func theTableOfAHealthyAgentSaysSo() {
        var status = healthy
        status.lastAckAgeSeconds = 0.25
        let text = StatusReport.render(status, now: status.writtenAt)
        #expect(text.split(separator: "\n").contains("health: healthy"))
        #expect(row(text, "uplink") == ["uplink", "healthy", "-"])
        #expect(row(text, "LAST ACK") == ["LAST ACK", "0.2s ago"])
    }
}
