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

@Suite struct CounterRegistryTests {
    @Test func countersWithTheSameLabelAndDimensionsShareOneValue() {
        let registry = CounterRegistry()
        registry.makeCounter(label: "sensorgw_readings_dropped_total", dimensions: [("reason", "capacity")]).increment(by: 5)
        registry.makeCounter(label: "sensorgw_readings_dropped_total", dimensions: [("reason", "capacity")]).increment(by: 2)
        registry.makeCounter(label: "sensorgw_readings_dropped_total", dimensions: [("reason", "age")]).increment(by: 1)
        registry.makeCounter(label: "sensorgw_sensor_failures_total", dimensions: []).increment(by: 3)
        #expect(registry.value("sensorgw_readings_dropped_total", [("reason", "capacity")]) == 7)
        #expect(registry.prometheusText() == """
            # TYPE sensorgw_readings_dropped_total counter
            sensorgw_readings_dropped_total{reason="age"} 1
            sensorgw_readings_dropped_total{reason="capacity"} 7
            # TYPE sensorgw_sensor_failures_total counter
            sensorgw_sensor_failures_total 3

            """)
    }

    @Test func labelValuesAreEscapedForPrometheus() {
        let registry = CounterRegistry()
        registry.makeCounter(label: "c", dimensions: [("sensor", "a\"b\\c")]).increment(by: 1)
        #expect(registry.prometheusText().contains(#"c{sensor="a\"b\\c"} 1"#))
    }
}
