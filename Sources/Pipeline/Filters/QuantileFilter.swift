/// `quantile: { window: N, quantile: q, send_every: K }`: the q-quantile of the last N values
/// (fewer before N have arrived) by the nearest-rank method: of the n values sorted ascending,
/// the k-th with k = ⌈q·n⌉ (at least 1), emitted for every K-th reading (default every one). q = 0 is the minimum, 1 the maximum, 0.5
/// the lower median.
public struct QuantileFilter: QuantityFilter {
    public let quantity: String
    /// q, in 0 ... 1.
    public let quantile: Double
    private var window: SlidingWindow
    private var sendEvery: SendEvery

    public var name: String { "quantile" }

    /// Creates the filter.
    public init(quantity: String, window: Int, quantile: Double, sendEvery: Int = 1) {
        self.quantity = quantity
        self.sendEvery = SendEvery(sendEvery)
        self.quantile = min(1, max(0, quantile))
        self.window = SlidingWindow(capacity: window)
    }

    public mutating func filter(_ reading: Reading, heartbeatDue: Bool) -> FilterOutcome {
        guard let number = reading.number else { return .drop(reason: QuantityFilterReason.notNumber) }
        window.append(number)
        guard sendEvery.isDue() else { return .emit([]) }
        let sorted = window.values.sorted()
        let rank = max(1, Int((quantile * Double(sorted.count)).rounded(.up)))
        return .emit([reading.with(value: sorted[min(rank, sorted.count) - 1])])
    }
}
