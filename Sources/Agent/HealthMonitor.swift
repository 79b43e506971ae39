import Synchronization

/// Records what the agent's components do, stamped on a clock, for ``AgentHealth``'s verdict
/// and for `sensorgw status`.
///
/// Every call is a few field writes under a lock, from any task or thread (the transport's
/// events come from libmosquitto's thread).
public final class HealthMonitor<C: Clock>: Sendable where C: Sendable, C.Duration == Duration, C.Instant: Sendable {
    private let clock: C
    private let origin: C.Instant
    private let state: Mutex<State>

    struct State {
        var snapshot: AgentHealth.Snapshot
        var connections = 0
        var lastAcknowledged: Duration?
        var activity: [String: SensorActivity] = [:]
        var lastUplinkFailure: (reason: String, at: Duration)?
        var uplinkBroker: (name: String, index: Int)?
    }

    /// Starts recording: every sensor waits for its first slot, the storage and the uplink are starting.
    public init(clock: C, sensors: [(id: String, interval: Duration, timeout: Duration)]) {
        self.clock = clock
        origin = clock.now
        var progress: [String: AgentHealth.SensorProgress] = [:]
        for sensor in sensors {
            progress[sensor.id] = .init(phase: .waiting(afterFailure: false), since: .zero,
                                        interval: sensor.interval, timeout: sensor.timeout)
        }
        state = Mutex(State(snapshot: .init(sensors: progress, storage: .init(lastPass: .zero),
                                            uplink: .init(state: .starting, since: .zero, lastActivity: .zero))))
    }

    /// A reload changed the sensors: each new one waits for its first slot from now.
    public func replaceSensors(_ sensors: [(id: String, interval: Duration, timeout: Duration)]) {
        let now = self.now
        state.withLock { state in
            var progress: [String: AgentHealth.SensorProgress] = [:]
            for sensor in sensors {
                progress[sensor.id] = .init(phase: .waiting(afterFailure: false), since: now,
                                            interval: sensor.interval, timeout: sensor.timeout)
            }
            state.snapshot.sensors = progress
        }
    }

    /// The configured sensors' kinds, by id. A sensor that keeps its id and kind across a reload
    /// keeps its tallies; the others start from zero.
    public func describeSensors(_ kinds: [(id: String, kind: String)]) {
        state.withLock { state in
            var activity: [String: SensorActivity] = [:]
            for (id, kind) in kinds {
                if let kept = state.activity[id], kept.kind == kind {
                    activity[id] = kept
                } else {
                    activity[id] = SensorActivity(kind: kind)
                }
            }
            state.activity = activity
        }
    }

    /// Each configured sensor's tallies, by id.
    public var sensorActivity: [String: SensorActivity] { state.withLock { $0.activity } }

    /// Why the last connection attempt failed or the last connection ended, and when (since the
    /// monitor started); nil before the first failure.
    public var lastUplinkFailure: (reason: String, at: Duration)? { state.withLock { $0.lastUplinkFailure } }

    /// The broker the last connection attempt dialled (`host:port`) and its place in the
    /// failover list (0: `mqtt.host`); nil before the first attempt.
    public var uplinkBroker: (name: String, index: Int)? { state.withLock { $0.uplinkBroker } }

    /// Time since the monitor started.
    public var now: Duration { origin.duration(to: clock.now) }

    /// The inputs of the verdict as they are now.
    public var snapshot: AgentHealth.Snapshot { state.withLock { $0.snapshot } }

    /// Successful connections so far; the first is not a reconnect.
    public var connections: Int { state.withLock { $0.connections } }

    /// When the last PUBACK arrived (since the monitor started), nil before the first.
    public var lastAcknowledged: Duration? { state.withLock { $0.lastAcknowledged } }

    /// The verdict now.
    public func verdict(_ health: AgentHealth) -> AgentHealth.Verdict {
        let now = self.now
        return health.verdict(snapshot, now: now)
    }

    // MARK: sampler

    /// A sensor's task entered `prepare` or `measure`.
    public func measurementStarted(_ id: String) {
        let now = self.now
        state.withLock { $0.snapshot.sensors[id]?.enter(.measuring, at: now) }
    }

    /// A sensor's `prepare` or `measure` returned or threw.
    public func measurementEnded(_ id: String, failed: Bool) {
        let now = self.now
        state.withLock { $0.snapshot.sensors[id]?.enter(.waiting(afterFailure: failed), at: now) }
    }

    /// A sensor's measurement returned `readings` readings, taken at `wallSeconds`.
    public func sensorDelivered(_ id: String, readings: Int, wallSeconds: Double) {
        state.withLock { state in
            state.activity[id]?.readings += readings
            state.activity[id]?.lastReadingWallSeconds = wallSeconds
        }
    }

    /// A sensor's `prepare` or `measure` failed.
    public func sensorFailed(_ id: String) {
        state.withLock { $0.activity[id]?.errors += 1 }
    }

    // MARK: storage

    /// A flush (or a pass with nothing to flush) ended; `succeeded` is false when the outbox refused the write.
    public func storagePassed(succeeded: Bool) {
        let now = self.now
        state.withLock { state in
            state.snapshot.storage.lastPass = now
            if succeeded {
                state.snapshot.storage.failingSince = nil
            } else if state.snapshot.storage.failingSince == nil {
                state.snapshot.storage.failingSince = now
            }
        }
    }

    /// New readings were committed and the uplink told of them.
    public func readingsStored() {
        let now = self.now
        state.withLock { state in
            if state.snapshot.uplink.readingsWaitingSince == nil { state.snapshot.uplink.readingsWaitingSince = now }
        }
    }

    // MARK: uplink

    /// A connection attempt to `broker` (`host:port`, index `index` of the failover list) began.
    public func uplinkConnecting(broker: String? = nil, index: Int = 0) {
        if let broker { state.withLock { $0.uplinkBroker = (broker, index) } }
        setUplink(.connecting)
    }

    /// The attempt failed or the connection ended; the uplink backs off before the next.
    public func uplinkDisconnected() { setUplink(.backingOff) }

    /// The attempt failed or the connection ended, for the reason given (kept after reconnecting:
    /// `sensorgw status` shows the last one).
    public func uplinkFailed(reason: String) {
        let now = self.now
        state.withLock { $0.lastUplinkFailure = (reason, now) }
    }

    /// CONNACK.
    public func uplinkConnected() {
        setUplink(.connected)
        state.withLock { $0.connections += 1 }
    }

    /// A publish was queued (`acknowledged` false) or a PUBACK arrived (true).
    public func uplinkActivity(acknowledged: Bool) {
        let now = self.now
        state.withLock { state in
            state.snapshot.uplink.lastActivity = now
            state.snapshot.uplink.readingsWaitingSince = nil
            if acknowledged { state.lastAcknowledged = now }
        }
    }

    private func setUplink(_ value: AgentHealth.UplinkProgress.State) {
        let now = self.now
        state.withLock { state in
            state.snapshot.uplink.state = value
            state.snapshot.uplink.since = now
            state.snapshot.uplink.lastActivity = now
            state.snapshot.uplink.readingsWaitingSince = nil
        }
    }
}

extension AgentHealth.SensorProgress {
    mutating func enter(_ phase: Phase, at time: Duration) {
        self.phase = phase
        since = time
    }
}

/// What one sensor has delivered since it was configured, for `sensorgw status`.
public struct SensorActivity: Sendable, Hashable {
    /// The sensor's `type` in the configuration.
    public var kind: String
    /// Readings its measurements returned (before validation and filters).
    public var readings = 0
    /// Failed `prepare` or `measure` calls.
    public var errors = 0
    /// Wall-clock time (Unix seconds) of its last successful measurement.
    public var lastReadingWallSeconds: Double?

    public init(kind: String) { self.kind = kind }
}
