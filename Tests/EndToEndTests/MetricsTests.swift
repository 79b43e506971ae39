import Foundation
import Testing

/// The metrics file of the running binary, read by prometheus_client's parser (PyPI), which
/// knows nothing of our code (Scripts/prometheus-text-check.py).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct MetricsTests {
    /// `TYPE name{labels} value` lines from the independent parser.
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

    @Test func theTextfileParsesAndCarriesCountersAndStateGauges() async throws {
        let workspace = try Workspace("metrics")
        let broker = try await Broker(workspace: workspace)
        let subscriber = try await Subscriber(broker: broker, topic: MutualTLSDeliveryTests.topic)
        let agent = try AgentProcess(workspace: workspace, broker: broker)
        try agent.start()
        try await waitUntil(timeout: .seconds(60), "readings") { subscriber.readings.count >= 10 }
        // The file is rewritten every 15 s; the second write is made while connected.
        let firstWrite = try FileManager.default.attributesOfItem(atPath: agent.metricsPath)[.modificationDate] as? Date
        try await waitUntil(timeout: .seconds(30), "the second write") {
            let now = try? FileManager.default.attributesOfItem(atPath: agent.metricsPath)[.modificationDate] as? Date
            return now != nil && now != firstWrite
        }
        let lines = try parse(agent.metricsPath)
        #expect((value(lines, #"counter sensorgw_readings_stored_total{sensor="air"}"#) ?? 0) >= 10, "\(lines)")
        #expect(value(lines, #"gauge sensorgw_uplink_state{state="connected"}"#) == 1, "\(lines)")
        #expect(value(lines, #"gauge sensorgw_uplink_state{state="backing_off"}"#) == 0)
        #expect(value(lines, "gauge sensorgw_outbox_readings{}") != nil)
        #expect((value(lines, "gauge sensorgw_outbox_bytes{}") ?? 0) > 0)
        let ackAge = value(lines, "gauge sensorgw_uplink_last_ack_age_seconds{}")
        #expect(ackAge != nil && ackAge! >= 0 && ackAge! < 5, "readings are acknowledged every 100 ms: \(String(describing: ackAge))")
        #expect(try await agent.stop() == 0)
        try await subscriber.stop()
        try await broker.stop()
    }
}
