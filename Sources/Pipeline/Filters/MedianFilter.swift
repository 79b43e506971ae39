/// `median: { window: N, send_every: K }`: the median of the last N values (fewer before N have
/// arrived), emitted for every K-th reading (default every one), the first included. With an
/// even count it is the mean of the two middle values.
public struct MedianFilter: QuantityFilter {
    public let quantity: String
    private var window: SlidingWindow
    private var sendEvery: SendEvery

    public var name: String { "median" }

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
        let sorted = window.values.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return .emit([reading.with(value: median)])
    }
}
