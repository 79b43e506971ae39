import HALSimulation
import Testing
@testable import Agent

/// The broker in use (failover) as the monitor, status.json, `sensorgw status` and the metrics
/// name it.
@Suite struct BrokerInUseTests {
    @Test func theMonitorKeepsTheBrokerOfTheLastAttempt() async {
        let monitor = HealthMonitor(clock: ManualClock(), sensors: [])
        #expect(monitor.uplinkBroker == nil)
        monitor.uplinkConnecting(broker: "a.example:8883", index: 0)
        monitor.uplinkDisconnected()
        monitor.uplinkConnecting(broker: "b.example:8884", index: 1)
        monitor.uplinkConnected()
        #expect(monitor.uplinkBroker?.name == "b.example:8884" && monitor.uplinkBroker?.index == 1)
    }

    @Test func statusJSONCarriesTheBrokerAndTheTableShowsIt() throws {
        var status = StatusFileTests.sample
        status.uplink.broker = "b.example:8884"
        let document = try JSONValue.parse(StatusJSON.encode(status))
        #expect(document["uplink"]?["broker"] == .string("b.example:8884"))
        #expect(try StatusJSON.decode(StatusJSON.encode(status)) == status)
        let row = StatusReport.render(status, now: status.writtenAt).split(separator: "\n").first { $0.hasPrefix("BROKER") }
        #expect(row.map { $0.hasSuffix("b.example:8884") } == true)
        // Before the first attempt: null, and no row.
        #expect(try JSONValue.parse(StatusJSON.encode(StatusFileTests.sample))["uplink"]?["broker"] == .null)
        #expect(!StatusReport.render(StatusFileTests.sample, now: 0).contains("BROKER"))
    }

    @Test func theBrokerIndexGaugeIsOneSeriesAndAbsentBeforeTheFirstAttempt() {
        let metrics = AgentMetrics()
        StateGauges(registry: metrics.registry).set(outboxReadings: 0, outboxBytes: 0, uplink: .starting, lastAcknowledgedAge: nil)
        #expect(!metrics.prometheusText().contains("sensorgw_uplink_broker_index"))
        StateGauges(registry: metrics.registry).set(outboxReadings: 0, outboxBytes: 0, uplink: .connected, lastAcknowledgedAge: nil,
                                                    brokerIndex: 2)
        let lines = metrics.prometheusText().split(separator: "\n").filter { $0.hasPrefix("sensorgw_uplink_broker_index") }
        #expect(lines == ["sensorgw_uplink_broker_index 2.0"])
    }
}
