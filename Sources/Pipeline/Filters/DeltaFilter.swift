/// `delta: d` or `delta: "p%"`: passes the first reading, then a reading only when it differs
/// from the last one passed by at least d (absolute) or by at least p % of the last one passed's
/// magnitude (percent). A change of zero never passes, so with the last value 0 in percent mode
/// any change passes. Yields to a due heartbeat.
public struct DeltaFilter: QuantityFilter {
    /// How far a value must move to pass.
    public enum Threshold: Sendable, Hashable {
        /// At least this much, in the quantity's unit (greater than 0).
        case absolute(Double)
        /// At least this percentage of the last passed value's magnitude (greater than 0).
        case percent(Double)
    }

    public let quantity: String
    /// The threshold.
    public let threshold: Threshold
    private var lastPassed: Double?

    public var name: String { "delta" }
    public var yieldsToHeartbeat: Bool { true }

    /// Creates the filter.
    public init(quantity: String, threshold: Threshold) {
        self.quantity = quantity
        self.threshold = threshold
    }

    public mutating func filter(_ reading: Reading, heartbeatDue: Bool) -> FilterOutcome {
        guard let number = reading.number else { return .drop(reason: QuantityFilterReason.notNumber) }
        let value = number
        guard let last = lastPassed, !heartbeatDue else {
            lastPassed = value
            return .emit([reading])
        }
        let change = abs(value - last)
        let needed: Double
        switch threshold {
        case .absolute(let amount): needed = amount
        case .percent(let percent): needed = abs(last) * percent / 100
        }
        guard change > 0, change >= needed else { return .emit([]) }
        lastPassed = value
        return .emit([reading])
    }
}
