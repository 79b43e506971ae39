/// What the running agent says about itself in its status file (`status.json`), read by
/// `sensorgw status` without touching the hardware or the outbox.
///
/// A plain value: ``StatusFileService`` fills it from the ``HealthMonitor``, the sampler and
/// the outbox every 2 s; ``StatusJSON`` writes and reads it; ``StatusReport`` judges and renders it.
public struct AgentStatus: Sendable, Hashable {
    /// The agent's version (`sensorgw --version`).
    public var version: String
    /// The agent's process id: `sensorgw status` checks it is still alive.
    public var pid: Int
    /// False in the last file written at a graceful stop.
    public var running: Bool
    /// When the agent started, Unix seconds.
    public var startedAt: Double
    /// When this file was written, Unix seconds: older than `--stale-after` means the agent hangs or is gone.
    public var writtenAt: Double
    /// The watchdog's verdict per component, sampler, storage, uplink in that order.
    public var components: [ComponentStatus]
    public var uplink: UplinkStatus
    public var outbox: OutboxStatus
    /// Seconds since the broker last acknowledged a publish; nil before the first.
    public var lastAckAgeSeconds: Double?
    /// One entry per configured sensor, by id.
    public var sensors: [SensorStatus]

    /// Whether every component is healthy (the watchdog is being fed).
    public var isHealthy: Bool { components.allSatisfy(\.healthy) }

    /// One component's part of the verdict.
    public struct ComponentStatus: Sendable, Hashable {
        /// `sampler`, `storage` or `uplink`.
        public var name: String
        public var healthy: Bool
        /// Why it is unhealthy (several reasons joined by "; "); nil when healthy.
        public var reason: String?

        public init(name: String, healthy: Bool, reason: String? = nil) {
            self.name = name
            self.healthy = healthy
            self.reason = reason
        }
    }

    /// The broker connection.
    public struct UplinkStatus: Sendable, Hashable {
        /// `starting`, `connecting`, `connected` or `backing_off`.
        public var state: String
        /// Seconds in that state.
        public var stateAgeSeconds: Double
        /// Successful connections since the start (the first is not a reconnect).
        public var connections: Int
        /// Why the last attempt failed or the last connection ended; nil before the first failure.
        public var lastFailure: String?
        /// Seconds since that failure.
        public var lastFailureAgeSeconds: Double?
        /// The broker in use or being tried (`host:port` of `mqtt.host` or a failover entry);
        /// nil before the first attempt.
        public var broker: String?

        public init(state: String, stateAgeSeconds: Double, connections: Int, lastFailure: String? = nil,
                    lastFailureAgeSeconds: Double? = nil, broker: String? = nil) {
            self.broker = broker
            self.state = state
            self.stateAgeSeconds = stateAgeSeconds
            self.connections = connections
            self.lastFailure = lastFailure
            self.lastFailureAgeSeconds = lastFailureAgeSeconds
        }
    }

    /// The durable queue.
    public struct OutboxStatus: Sendable, Hashable {
        /// Readings stored and not yet acknowledged.
        public var readings: Int
        /// Bytes the database uses.
        public var bytes: Int

        public init(readings: Int, bytes: Int) {
            self.readings = readings
            self.bytes = bytes
        }
    }

    /// One configured sensor.
    public struct SensorStatus: Sendable, Hashable {
        public var id: String
        /// Its `type` in the configuration.
        public var kind: String
        /// `starting` (not read yet), `healthy` or `unhealthy` (several failures in a row).
        public var health: String
        /// Wall-clock time of its last successful measurement, Unix seconds; nil before the first.
        public var lastReadingAt: Double?
        /// Readings its measurements returned since it was configured.
        public var readings: Int
        /// Failed measurements since it was configured.
        public var errors: Int

        public init(id: String, kind: String, health: String, lastReadingAt: Double?, readings: Int, errors: Int) {
            self.id = id
            self.kind = kind
            self.health = health
            self.lastReadingAt = lastReadingAt
            self.readings = readings
            self.errors = errors
        }
    }

    /// Creates a status.
    public init(version: String, pid: Int, running: Bool = true, startedAt: Double, writtenAt: Double,
                components: [ComponentStatus], uplink: UplinkStatus, outbox: OutboxStatus,
                lastAckAgeSeconds: Double?, sensors: [SensorStatus]) {
        self.version = version
        self.pid = pid
        self.running = running
        self.startedAt = startedAt
        self.writtenAt = writtenAt
        self.components = components
        self.uplink = uplink
        self.outbox = outbox
        self.lastAckAgeSeconds = lastAckAgeSeconds
        self.sensors = sensors
    }
}

extension AgentStatus {
    /// The components as the verdict judges them: one entry per ``AgentHealth/Component``, in
    /// its order, each with its problems' reasons.
    public static func components(_ verdict: AgentHealth.Verdict) -> [ComponentStatus] {
        AgentHealth.Component.allCases.map { component in
            let reasons = verdict.problems.filter { $0.component == component }.map(\.reason)
            return ComponentStatus(name: component.rawValue, healthy: reasons.isEmpty,
                                   reason: reasons.isEmpty ? nil : reasons.joined(separator: "; "))
        }
    }

    /// The sensors sorted by id, from the monitor's tallies and the sampler's health; a sensor
    /// the sampler does not know yet is `starting`.
    public static func sensors(_ activity: [String: SensorActivity],
                               health: [String: String]) -> [SensorStatus] {
        activity.keys.sorted().compactMap { id in
            guard let tally = activity[id] else { return nil }
            return SensorStatus(id: id, kind: tally.kind, health: health[id] ?? "starting",
                                lastReadingAt: tally.lastReadingWallSeconds, readings: tally.readings, errors: tally.errors)
        }
    }
}
