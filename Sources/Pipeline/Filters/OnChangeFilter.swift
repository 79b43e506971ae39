/// `on_change`: for a boolean quantity (values 0 and 1 until readings carry booleans of their
/// own), passes the first reading and then only readings whose value differs from the last one
/// passed. Any other value is dropped as `filter_not_boolean`. Yields to a due heartbeat.
public struct OnChangeFilter: QuantityFilter {
    public let quantity: String
    private var lastPassed: Double?

    public var name: String { "on_change" }
    public var yieldsToHeartbeat: Bool { true }

    /// Creates the filter.
    public init(quantity: String) {
        self.quantity = quantity
    }

    public mutating func filter(_ reading: Reading, heartbeatDue: Bool) -> FilterOutcome {
        guard reading.value == 0 || reading.value == 1 else { return .drop(reason: "filter_not_boolean") }
        if let last = lastPassed, last == reading.value, !heartbeatDue { return .emit([]) }
        lastPassed = reading.value
        return .emit([reading])
    }
}
