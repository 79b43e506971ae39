import CoreMetrics
import Outbox
import Prometheus

/// The agent's metrics: the swift-metrics backend is swift-prometheus's
/// `PrometheusCollectorRegistry` (Foundation-free), rendered in Prometheus's text format for
/// node_exporter's textfile collector (``MetricsFileService``).
///
/// Counters are counted where things happen (`Counter(label:dimensions:)` from swift-metrics);
/// the gauges that describe state (outbox depth and bytes, uplink state, age of the last
/// acknowledged publish) are set by ``refresh`` just before each rendering.
public final class AgentMetrics: Sendable {
    /// Where every metric lives.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory over ``registry``; `MetricsSystem.bootstrap(metrics.factory)`.
    public let factory: PrometheusMetricsFactory

    /// Creates an empty registry.
    public init() {
        registry = PrometheusCollectorRegistry()
        factory = PrometheusMetricsFactory(registry: registry)
    }

    /// Every metric in Prometheus's text exposition format.
    public func prometheusText() -> String {
        registry.emitToString()
    }
}

/// The state gauges, set from what the agent knows now.
struct StateGauges: Sendable {
    let registry: PrometheusCollectorRegistry

    /// Sets every gauge; `lastAcknowledgedAge` nil (no PUBACK yet) leaves that gauge out, and so
    /// does `brokerIndex` nil (no attempt yet).
    func set(outboxReadings: Int, outboxBytes: Int, uplink: AgentHealth.UplinkProgress.State,
             lastAcknowledgedAge: Duration?, brokerIndex: Int? = nil) {
        registry.makeGauge(name: "sensorgw_outbox_readings", help: "Readings stored and not yet acknowledged.")
            .set(to: Double(outboxReadings))
        registry.makeGauge(name: "sensorgw_outbox_bytes", help: "Size of the outbox database.")
            .set(to: Double(outboxBytes))
        for state in [AgentHealth.UplinkProgress.State.starting, .connecting, .connected, .backingOff] {
            registry.makeGauge(name: "sensorgw_uplink_state", labels: [("state", state.rawValue)],
                               help: "1 for the uplink's current state, 0 for the others.")
                .set(to: state == uplink ? 1 : 0)
        }
        if let brokerIndex {
            // One series, not a label per host: the index into mqtt.host + mqtt.failover.
            registry.makeGauge(name: "sensorgw_uplink_broker_index",
                               help: "The broker in use or being tried: 0 for mqtt.host, 1 for mqtt.failover[0], ...")
                .set(to: Double(brokerIndex))
        }
        if let age = lastAcknowledgedAge {
            let seconds = Double(age.components.seconds) + Double(age.components.attoseconds) / 1e18
            registry.makeGauge(name: "sensorgw_uplink_last_ack_age_seconds",
                               help: "Seconds since the broker last acknowledged a publish.")
                .set(to: seconds)
        }
    }
}

extension StateGauges {
    /// Sets the gauges from the outbox and the monitor; called before each rendering (the
    /// textfile's writes, the HTTP endpoint's refresh).
    func refresher(outbox: OutboxStore, monitor: HealthMonitor<ContinuousClock>) -> @Sendable () async -> Void {
        { [self] in
            let readings = (try? await outbox.count()) ?? 0
            let bytes = (try? await outbox.storedBytes()) ?? 0
            let now = monitor.now
            set(outboxReadings: readings, outboxBytes: bytes, uplink: monitor.snapshot.uplink.state,
                lastAcknowledgedAge: monitor.lastAcknowledged.map { now - $0 }, brokerIndex: monitor.uplinkBroker?.index)
        }
    }
}
