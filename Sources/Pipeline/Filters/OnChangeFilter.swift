/// `on_change`: passes the first reading and then only readings whose value differs from the
/// last one passed. Made for booleans (a door contact, a relay); texts and bytes are compared
/// the same way, as are the numbers 0 and 1 of drivers that report a state as a number. Any
/// other number is dropped as `filter_not_boolean` (`delta` is the filter for numbers). Yields to
/// a due heartbeat.
public struct OnChangeFilter: QuantityFilter {
    public let quantity: String
    private var lastPassed: ReadingValue?

    public var name: String { "on_change" }
    public var yieldsToHeartbeat: Bool { true }
    public var acceptsAnyValue: Bool { true }

    /// Creates the filter.
    public init(quantity: String) {
        self.quantity = quantity
    }

    public mutating func filter(_ reading: Reading, heartbeatDue: Bool) -> FilterOutcome {
        if let number = reading.number, number != 0, number != 1 { return .drop(reason: "filter_not_boolean") }
        if let last = lastPassed, last == reading.value, !heartbeatDue { return .emit([]) }
        lastPassed = reading.value
        return .emit([reading])
    }
}
