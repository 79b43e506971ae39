import Configuration
import Metrics
import Outbox
import Pipeline
import Sampling
import Synchronization
import Uplink

/// A sensor whose task's progress is recorded for the watchdog (``HealthMonitor``).
/// Its failures are counted by sensor and bus (`sensorgw_sensor_errors_total{sensor,bus}`), so a
/// marginal bus shows as several sensors failing on one bus.
struct ObservedSensor: Sensor {
    let base: any Sensor
    let monitor: HealthMonitor<ContinuousClock>
    let hooks: TestHooks
    /// `i2c-1`, `spidev0.0` or `none`.
    let bus: String

    var id: String { base.id }

    private func failed() {
        monitor.measurementEnded(id, failed: true)
        monitor.sensorFailed(id)
        Counter(label: "sensorgw_sensor_errors_total", dimensions: [("sensor", id), ("bus", bus)]).increment()
    }

    func prepare() async throws {
        monitor.measurementStarted(id)
        do {
            try await base.prepare()
        } catch {
            failed()
            throw error
        }
    }

    func measure(at timestamp: Timestamp) async throws -> [Reading] {
        monitor.measurementStarted(id)
        await hooks.pass(.sampler)
        do {
            let readings = try await base.measure(at: timestamp)
            monitor.measurementEnded(id, failed: false)
            monitor.sensorDelivered(id, readings: readings.count, wallSeconds: timestamp.wallSeconds)
            return readings
        } catch {
            failed()
            throw error
        }
    }
}

/// Wraps a transport factory so that connection attempts, their outcomes, publishes and
/// acknowledgements are recorded for the watchdog.
func observedTransportFactory(_ base: @escaping MQTTTransportFactory, monitor: HealthMonitor<ContinuousClock>,
                              hooks: TestHooks) -> MQTTTransportFactory {
    { settings, onEvent throws(UplinkError) in
        monitor.uplinkConnecting(broker: "\(settings.host):\(settings.port)", index: settings.brokerIndex)
        do throws(UplinkError) {
            let transport = try base(settings) { event in
                switch event {
                case .connected:
                    monitor.uplinkConnected()
                    if monitor.connections > 1 { Counter(label: "sensorgw_uplink_reconnects_total").increment() }
                case .published:
                    if hooks.isFrozen(.uplink) { return }
                    monitor.uplinkActivity(acknowledged: true)
                case .closed(let reason):
                    monitor.uplinkFailed(reason: "connection lost: \(reason)")
                    monitor.uplinkDisconnected()
                case .connectFailed(let failure):
                    monitor.uplinkFailed(reason: "could not connect (\(failure.kind.rawValue)): \(failure.detail)")
                    monitor.uplinkDisconnected()
                case .message:
                    break  // a command from the broker (Sparkplug's NCMD) is no progress of ours
                }
                onEvent(event)
            }
            return ObservedTransport(base: transport, monitor: monitor, hooks: hooks)
        } catch {
            monitor.uplinkFailed(reason: "could not start a connection: \(error)")
            monitor.uplinkDisconnected()
            throw error
        }
    }
}

/// A transport whose publishes are recorded; frozen by the test hook, publishes go nowhere.
final class ObservedTransport: MQTTTransport {
    let base: any MQTTTransport
    let monitor: HealthMonitor<ContinuousClock>
    let hooks: TestHooks
    private let fakeIDs = Atomic<Int32>(0)

    init(base: any MQTTTransport, monitor: HealthMonitor<ContinuousClock>, hooks: TestHooks) {
        self.base = base
        self.monitor = monitor
        self.hooks = hooks
    }

    func start() { base.start() }

    func publish(topic: String, payload: [UInt8], contentType: String?) throws(UplinkError) -> Int32 {
        if hooks.isFrozen(.uplink) {
            // Ids no broker uses (MQTT's are 1...65535): their PUBACKs never come.
            return fakeIDs.subtract(1, ordering: .relaxed).newValue
        }
        let id = try base.publish(topic: topic, payload: payload, contentType: contentType)
        monitor.uplinkActivity(acknowledged: false)
        return id
    }

    /// Session messages (births, discovery, availability) are progress like readings; frozen,
    /// they go nowhere either.
    func publish(_ message: SessionMessage) throws(UplinkError) -> Int32 {
        if hooks.isFrozen(.uplink) { return fakeIDs.subtract(1, ordering: .relaxed).newValue }
        let id = try base.publish(message)
        monitor.uplinkActivity(acknowledged: false)
        return id
    }

    func subscribe(_ topics: [String]) throws(UplinkError) { try base.subscribe(topics) }

    var maximumPacketSize: Int? { base.maximumPacketSize }

    var receiveMaximum: Int? { base.receiveMaximum }

    var queueAhead: Int { base.queueAhead }

    func stop() async { await base.stop() }
}

extension GatewayConfiguration.SensorConfiguration.SensorBus {
    /// The bus as a metric label: `i2c-1`, `spidev0.0`, `none`.
    var metricLabel: String {
        switch self {
        case .i2c(let bus, _): "i2c-\(bus)"
        case .spi(let device, _): String(device.split(separator: "/").last ?? Substring(device))
        case .none: "none"
        }
    }
}
