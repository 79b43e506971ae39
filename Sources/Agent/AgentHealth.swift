/// The watchdog's decision: is the agent healthy enough to be kept alive, and if not, what stalled.
///
/// A pure value: progress timestamps and states in (times are `Duration`s since any fixed
/// origin, so tests use a manual clock), a verdict out. ``HealthMonitor`` records the inputs;
/// ``SystemdService`` pings the watchdog only while the verdict is healthy, so a hung component
/// makes systemd restart the agent (`WatchdogSec=` in the unit).
///
/// Each bound is what the component itself promises plus ``grace``:
/// - a sensor task is measuring (bounded by its timeout) or waiting for its next slot (its
///   interval after a success, at most the sampler's maximum backoff after a failure); a sensor
///   stuck beyond that (a blocked syscall, a `measure` that ignores cancellation, a store that
///   never returns) is a stalled sampler. The tightest bound is the shortest sensor interval.
/// - the storage loop completes a pass every flush period; flushes that keep failing (outbox
///   not writable) for longer than three periods, or a pass that never completes, are unhealthy.
/// - the uplink is connecting (bounded by its connect timeout), backing off (bounded by the
///   largest reconnect step) or connected; connected with readings stored and no publish or
///   acknowledgement since, for longer than twice the keepalive, is a stalled uplink.
public struct AgentHealth: Sendable, Hashable {
    /// Slack on every bound, for a loaded board.
    public var grace: Duration
    /// The sampler's longest retry delay (a failing sensor is retried at most this far apart).
    public var maximumBackoff: Duration
    /// A storage pass completes at least this often.
    public var flushPeriod: Duration
    /// Longest time from a connection attempt to its outcome.
    public var connectTimeout: Duration
    /// Longest wait between connection attempts.
    public var reconnectMax: Duration
    /// The MQTT keepalive: libmosquitto notices a dead connection within 1.5 of it.
    public var keepalive: Duration

    /// Creates the bounds.
    public init(grace: Duration = .seconds(5), maximumBackoff: Duration = .seconds(300), flushPeriod: Duration,
                connectTimeout: Duration, reconnectMax: Duration, keepalive: Duration) {
        self.grace = grace
        self.maximumBackoff = maximumBackoff
        self.flushPeriod = flushPeriod
        self.connectTimeout = connectTimeout
        self.reconnectMax = reconnectMax
        self.keepalive = keepalive
    }

    /// The agent's component a problem is in.
    public enum Component: String, Sendable, Hashable, CaseIterable {
        case sampler, storage, uplink
    }

    /// One reason the agent is unhealthy, in words for `STATUS=` and the log.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public var component: Component
        public var reason: String
        public var description: String { "\(component.rawValue): \(reason)" }
    }

    /// Healthy, or the named reasons it is not.
    public enum Verdict: Sendable, Hashable {
        case healthy
        case unhealthy([Problem])

        /// Whether the watchdog may be fed.
        public var isHealthy: Bool { self == .healthy }
        /// The problems (none when healthy).
        public var problems: [Problem] {
            if case .unhealthy(let problems) = self { return problems }
            return []
        }
    }

    /// What one sensor's task is doing.
    public struct SensorProgress: Sendable, Hashable {
        public enum Phase: Sendable, Hashable {
            /// In `prepare` or `measure`.
            case measuring
            /// Between measurements; `afterFailure` when the last one failed (backoff).
            case waiting(afterFailure: Bool)
        }
        public var phase: Phase
        /// When it entered the phase.
        public var since: Duration
        public var interval: Duration
        public var timeout: Duration

        public init(phase: Phase, since: Duration, interval: Duration, timeout: Duration) {
            self.phase = phase
            self.since = since
            self.interval = interval
            self.timeout = timeout
        }
    }

    /// What the storage loop did last.
    public struct StorageProgress: Sendable, Hashable {
        /// When the last pass of the loop (or a flush by the sampler) completed.
        public var lastPass: Duration
        /// Since when flushes fail, nil while the last flush succeeded (or there was nothing to flush).
        public var failingSince: Duration?

        public init(lastPass: Duration, failingSince: Duration? = nil) {
            self.lastPass = lastPass
            self.failingSince = failingSince
        }
    }

    /// The uplink's connection, as its transport reports it.
    public struct UplinkProgress: Sendable, Hashable {
        public enum State: String, Sendable, Hashable {
            /// Not yet asked to connect.
            case starting
            case connecting
            case connected
            /// The last attempt failed or the connection was lost: waiting to retry.
            case backingOff = "backing_off"
        }
        public var state: State
        /// When it entered the state.
        public var since: Duration
        /// The last publish or acknowledgement.
        public var lastActivity: Duration
        /// The first time the storage told the uplink of new readings after its last activity;
        /// nil when it has acted since.
        public var readingsWaitingSince: Duration?

        public init(state: State, since: Duration, lastActivity: Duration, readingsWaitingSince: Duration? = nil) {
            self.state = state
            self.since = since
            self.lastActivity = lastActivity
            self.readingsWaitingSince = readingsWaitingSince
        }
    }

    /// Everything the verdict depends on.
    public struct Snapshot: Sendable, Hashable {
        public var sensors: [String: SensorProgress]
        public var storage: StorageProgress
        public var uplink: UplinkProgress

        public init(sensors: [String: SensorProgress], storage: StorageProgress, uplink: UplinkProgress) {
            self.sensors = sensors
            self.storage = storage
            self.uplink = uplink
        }
    }

    /// The verdict at `now`: every stalled component, sampler first, sensors by id.
    public func verdict(_ snapshot: Snapshot, now: Duration) -> Verdict {
        var problems: [Problem] = []
        for id in snapshot.sensors.keys.sorted() {
            guard let sensor = snapshot.sensors[id] else { continue }
            let allowed: Duration
            let doing: String
            switch sensor.phase {
            case .measuring:
                allowed = sensor.timeout
                doing = "measuring"
            case .waiting(let afterFailure):
                allowed = afterFailure ? max(maximumBackoff, sensor.interval) : sensor.interval
                doing = afterFailure ? "waiting to retry" : "waiting for its next slot"
            }
            let age = now - sensor.since
            if age > allowed + grace {
                problems.append(Problem(component: .sampler,
                                        reason: "sensor \(id) stuck \(doing) for \(Self.seconds(age)) (bound \(Self.seconds(allowed + grace)))"))
            }
        }
        let storage = snapshot.storage
        if now - storage.lastPass > flushPeriod + grace {
            problems.append(Problem(component: .storage,
                                    reason: "no flush completed for \(Self.seconds(now - storage.lastPass))"))
        } else if let failingSince = storage.failingSince, now - failingSince > flushPeriod * 3 + grace {
            problems.append(Problem(component: .storage,
                                    reason: "outbox not writable for \(Self.seconds(now - failingSince))"))
        }
        let uplink = snapshot.uplink
        let inState = now - uplink.since
        switch uplink.state {
        case .starting, .connecting:
            if inState > connectTimeout + grace {
                problems.append(Problem(component: .uplink,
                                        reason: "\(uplink.state.rawValue) for \(Self.seconds(inState)) without an outcome"))
            }
        case .backingOff:
            if inState > reconnectMax + grace {
                problems.append(Problem(component: .uplink, reason: "no reconnect attempt for \(Self.seconds(inState))"))
            }
        case .connected:
            if let waiting = uplink.readingsWaitingSince, now - waiting > keepalive * 2 + grace {
                problems.append(Problem(component: .uplink,
                                        reason: "connected, readings waiting, nothing published or acknowledged for \(Self.seconds(now - uplink.lastActivity))"))
            }
        }
        return problems.isEmpty ? .healthy : .unhealthy(problems)
    }

    /// Whole seconds with one decimal, for messages.
    static func seconds(_ duration: Duration) -> String {
        let tenths = duration.components.seconds * 10 + duration.components.attoseconds / 100_000_000_000_000_000
        return "\(tenths / 10).\(abs(tenths % 10))s"
    }
}
