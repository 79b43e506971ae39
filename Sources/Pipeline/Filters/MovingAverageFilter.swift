/// `moving_average: { window: N }`: the mean of the last N values, emitted for every reading.
/// Before N values have arrived it is the mean of those there are (the first output is the
/// first value), so a restart does not silence the quantity for N samples.
public struct MovingAverageFilter: QuantityFilter {
    public let quantity: String
    private var window: SlidingWindow

    public var name: String { "moving_average" }

    /// Creates the filter over the last `window` values (at least 1).
    public init(quantity: String, window: Int) {
        self.quantity = quantity
        self.window = SlidingWindow(capacity: window)
    }

    public mutating func filter(_ reading: Reading, heartbeatDue: Bool) -> FilterOutcome {
        window.append(reading.value)
        let values = window.values
        // Summed afresh each time (N is small) so no rounding error builds up over weeks.
        let mean = values.reduce(0, +) / Double(values.count)
        return .emit([reading.with(value: mean)])
    }
}
