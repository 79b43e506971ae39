import Foundation
import Testing

/// `metrics: { listen: ... }` on the real agent: fetched by Python's urllib and parsed by
/// prometheus_client's parser (Scripts/prometheus-text-check.py), neither of which knows our code.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct MetricsHTTPTests {
    /// `python3` fetching `url` with `method`: the status, the content type, and the body saved to `bodyPath`.
    func fetch(_ url: String, method: String = "GET", bodyPath: String) throws -> (status: Int, contentType: String) {
        let script = """
            import sys, urllib.request, urllib.error
            request = urllib.request.Request(sys.argv[1], method=sys.argv[2])
            try:
                response = urllib.request.urlopen(request, timeout=5)
            except urllib.error.HTTPError as error:
                response = error
            body = response.read()
            open(sys.argv[3], "wb").write(body)
            print(response.status, response.headers.get("Content-Type"))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, url, method, bodyPath]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let space = output.firstIndex(of: " "), let status = Int(output[..<space]) else {
            throw TestFailure("fetch \(url): \(output)")
        }
        return (status, String(output[output.index(after: space)...]).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func parse(_ path: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", packageRoot.appendingPathComponent("Scripts/prometheus-text-check.py").path, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("prometheus-text-check: \(output)") }
        return output.split(separator: "\n").map(String.init)
    }

    func value(_ lines: [String], _ prefix: String) -> Double? {
        lines.first { $0.hasPrefix(prefix + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func getMetricsServesTheCountersAndStateGaugesOnLoopback() async throws {
        let workspace = try Workspace("metrics-http")
        let broker = try await Broker(workspace: workspace)
        let subscriber = try await Subscriber(broker: broker, topic: MutualTLSDeliveryTests.topic)
        let agent = try AgentProcess(workspace: workspace, broker: broker)
        let port = freePort()
        let config = try String(contentsOfFile: agent.configPath, encoding: .utf8)
        try (config + "metrics:\n  listen: \"127.0.0.1:\(port)\"\n").write(toFile: agent.configPath, atomically: true, encoding: .utf8)
        try agent.start()
        try await waitUntil(timeout: .seconds(60), "readings") { subscriber.readings.count >= 10 }
        try await waitUntil(timeout: .seconds(10), "the endpoint") { isListening(port: port) }
        let body = workspace.path("scrape.txt")
        // The state gauges are refreshed every 2 s: wait for one taken while connected.
        var lines: [String] = []
        try await waitUntil(timeout: .seconds(10), "a scrape while connected") {
            let response = try fetch("http://127.0.0.1:\(port)/metrics", bodyPath: body)
            guard response.status == 200 else { return false }
            #expect(response.contentType == "text/plain; version=0.0.4; charset=utf-8")
            lines = try parse(body)
            return value(lines, #"gauge sensorgw_uplink_state{state="connected"}"#) == 1
        }
        #expect((value(lines, #"counter sensorgw_readings_stored_total{sensor="air"}"#) ?? 0) >= 10, "\(lines)")
        #expect(value(lines, #"gauge sensorgw_uplink_state{state="backing_off"}"#) == 0)
        #expect((value(lines, "gauge sensorgw_outbox_bytes{}") ?? 0) > 0)
        #expect(value(lines, "gauge sensorgw_uplink_last_ack_age_seconds{}") != nil)

        #expect(try fetch("http://127.0.0.1:\(port)/", bodyPath: body).status == 404)
        #expect(try fetch("http://127.0.0.1:\(port)/metrics", method: "POST", bodyPath: body).status == 405)
        // Still serving after the refusals.
        #expect(try fetch("http://127.0.0.1:\(port)/metrics", bodyPath: body).status == 200)
        #expect(try await agent.stop() == 0)
        #expect(!isListening(port: port), "the socket is closed at stop")
        try await subscriber.stop()
        try await broker.stop()
    }
}
