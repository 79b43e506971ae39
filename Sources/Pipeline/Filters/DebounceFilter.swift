/// `debounce: N`: passes a reading only once its value has been read unchanged for at least N.
///
/// Stages run only when a sample arrives, so this is not ESPHome's timer (which publishes the
/// last value N after the input settles): the first reading of a new value starts the count, and
/// every later reading of the same value whose time is N or more after that first one passes.
/// A value that changes faster than N never passes. Put `on_change` after it to get one reading
/// per settled value. Takes booleans, texts and bytes as well as numbers. Does not yield to a heartbeat (that would let the chatter through).
public struct DebounceFilter: QuantityFilter {
    public let quantity: String
    /// N in nanoseconds.
    public let periodNanoseconds: UInt64
    private var candidate: (value: ReadingValue, since: UInt64)?

    public var name: String { "debounce" }
    /// Any kind of value: a bouncing contact is the case it is made for.
    public var acceptsAnyValue: Bool { true }

    /// Creates the filter.
    public init(quantity: String, period: Duration) {
        self.quantity = quantity
        self.periodNanoseconds = period.nanosecondsForFilters
    }

    public mutating func filter(_ reading: Reading, heartbeatDue: Bool) -> FilterOutcome {
        let now = reading.timestamp.monotonicNanoseconds
        guard let current = candidate, current.value == reading.value else {
            candidate = (reading.value, now)
            return .emit(periodNanoseconds == 0 ? [reading] : [])
        }
        return .emit(elapsed(from: current.since, to: now) >= periodNanoseconds ? [reading] : [])
    }
}
