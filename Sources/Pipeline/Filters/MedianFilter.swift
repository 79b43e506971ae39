/// `median: { window: N }`: the median of the last N values (fewer before N have arrived),
/// emitted for every reading. With an even count it is the mean of the two middle values.
public struct MedianFilter: QuantityFilter {
    public let quantity: String
    private var window: SlidingWindow

    public var name: String { "median" }

    /// Creates the filter over the last `window` values (at least 1).
    public init(quantity: String, window: Int) {
        self.quantity = quantity
        self.window = SlidingWindow(capacity: window)
    }

    public mutating func filter(_ reading: Reading, heartbeatDue: Bool) -> FilterOutcome {
        window.append(reading.value)
        let sorted = window.values.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return .emit([reading.with(value: median)])
    }
}
