/// `moving_average: { window: N, send_every: K }`: the mean of the last N values, emitted for
/// every K-th reading (K = 1 by default: every reading), the first one included. Before N values
/// have arrived it is the mean of those there are (the first output is the first value), so a
/// restart does not silence the quantity for N samples.
public struct MovingAverageFilter: QuantityFilter {
    public let quantity: String
    private var window: SlidingWindow
    private var sendEvery: SendEvery

    public var name: String { "moving_average" }

    /// Creates the filter over the last `window` values (at least 1), emitting every `sendEvery`-th.
    public init(quantity: String, window: Int, sendEvery: Int = 1) {
        self.quantity = quantity
        self.window = SlidingWindow(capacity: window)
        self.sendEvery = SendEvery(sendEvery)
    }

    public mutating func filter(_ reading: Reading, heartbeatDue: Bool) -> FilterOutcome {
        guard let number = reading.number else { return .drop(reason: QuantityFilterReason.notNumber) }
        window.append(number)
        guard sendEvery.isDue() else { return .emit([]) }
        let values = window.values
        // Summed afresh each time (N is small) so no rounding error builds up over weeks.
        let mean = values.reduce(0, +) / Double(values.count)
        return .emit([reading.with(value: mean)])
    }
}
