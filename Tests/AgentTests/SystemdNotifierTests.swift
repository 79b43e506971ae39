import Testing
@testable import Agent
#if canImport(Glibc)
import Glibc
#endif

@Suite struct SystemdNotifierTests {
    @Test func watchdogIntervalIsHalfOfWatchdogUsec() {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000"])
        #expect(notifier.watchdogInterval == .seconds(15))
        #expect(SystemdNotifier(environment: [:]).watchdogInterval == nil)
        #expect(!SystemdNotifier(environment: [:]).isActive)
    }

    @Test func sendsSdNotifyDatagramsToTheSocket() throws {
        let path = "/tmp/sensorgw-notify-\(getpid()).sock"
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd); unlink(path) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)

        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path])
        notifier.ready()
        notifier.watchdog()
        var buffer = [UInt8](repeating: 0, count: 64)
        let first = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        #expect(String(decoding: buffer[0..<max(0, first)], as: UTF8.self) == "READY=1")
        let second = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        #expect(String(decoding: buffer[0..<max(0, second)], as: UTF8.self) == "WATCHDOG=1")
    }
}

@Suite struct AgentMetricsTests {
    @Test func countersThroughSwiftMetricsAndStateGaugesRenderInTheTextFormat() {
        let metrics = AgentMetrics()
        metrics.factory.makeCounter(label: "sensorgw_readings_dropped_total", dimensions: [("reason", "capacity")]).increment(by: 5)
        metrics.factory.makeCounter(label: "sensorgw_readings_dropped_total", dimensions: [("reason", "capacity")]).increment(by: 2)
        metrics.factory.makeCounter(label: "sensorgw_readings_dropped_total", dimensions: [("reason", "age")]).increment(by: 1)
        StateGauges(registry: metrics.registry).set(outboxReadings: 12, outboxBytes: 4096, uplink: .backingOff,
                                                    lastAcknowledgedAge: .milliseconds(2500))
        let lines = metrics.prometheusText().split(separator: "\n").map(String.init)
        #expect(lines.contains("# TYPE sensorgw_readings_dropped_total counter"))
        #expect(lines.contains(#"sensorgw_readings_dropped_total{reason="capacity"} 7"#))
        #expect(lines.contains(#"sensorgw_readings_dropped_total{reason="age"} 1"#))
        #expect(lines.contains("# TYPE sensorgw_outbox_readings gauge"))
        #expect(lines.contains("sensorgw_outbox_readings 12.0"))
        #expect(lines.contains("sensorgw_outbox_bytes 4096.0"))
        #expect(lines.contains(#"sensorgw_uplink_state{state="backing_off"} 1.0"#))
        #expect(lines.contains(#"sensorgw_uplink_state{state="connected"} 0.0"#))
        #expect(lines.contains("sensorgw_uplink_last_ack_age_seconds 2.5"))
    }

    @Test func noAcknowledgementYetLeavesTheAgeGaugeOut() {
        let metrics = AgentMetrics()
        StateGauges(registry: metrics.registry).set(outboxReadings: 0, outboxBytes: 0, uplink: .starting,
                                                    lastAcknowledgedAge: nil)
        #expect(!metrics.prometheusText().contains("last_ack_age"))
    }
}
