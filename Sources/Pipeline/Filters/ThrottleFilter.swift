/// `throttle: N`: passes the first reading, then a reading only when at least N has passed
/// (by the readings' monotonic times) since the last one it passed. Yields to a due heartbeat.
public struct ThrottleFilter: QuantityFilter {
    public let quantity: String
    /// N in nanoseconds.
    public let periodNanoseconds: UInt64
    private var lastPassed: UInt64?

    public var name: String { "throttle" }
    public var yieldsToHeartbeat: Bool { true }
    /// It looks only at times, so it takes any kind of value.
    public var acceptsAnyValue: Bool { true }

    /// Creates the filter.
    public init(quantity: String, period: Duration) {
        self.quantity = quantity
        self.periodNanoseconds = period.nanosecondsForFilters
    }

    public mutating func filter(_ reading: Reading, heartbeatDue: Bool) -> FilterOutcome {
        let now = reading.timestamp.monotonicNanoseconds
        if let last = lastPassed, !heartbeatDue, elapsed(from: last, to: now) < periodNanoseconds {
            return .emit([])
        }
        lastPassed = now
        return .emit([reading])
    }
}
