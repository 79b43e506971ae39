/// `min: { window: N, send_every: K }` and `max: …`: the smallest or largest of the last N
/// values (fewer before N have arrived), emitted for every K-th reading (default every one).
public struct WindowExtremeFilter: QuantityFilter {
    /// Which end of the window.
    public enum Extreme: String, Sendable, Hashable {
        /// The smallest value.
        case min
        /// The largest value.
        case max
    }

    public let quantity: String
    /// Which end.
    public let extreme: Extreme
    private var window: SlidingWindow
    private var sendEvery: SendEvery

    public var name: String { extreme.rawValue }

    /// Creates the filter.
    public init(quantity: String, extreme: Extreme, window: Int, sendEvery: Int = 1) {
        self.quantity = quantity
        self.sendEvery = SendEvery(sendEvery)
        self.extreme = extreme
        self.window = SlidingWindow(capacity: window)
    }

    public mutating func filter(_ reading: Reading, heartbeatDue: Bool) -> FilterOutcome {
        guard let number = reading.number else { return .drop(reason: QuantityFilterReason.notNumber) }
        window.append(number)
        guard sendEvery.isDue() else { return .emit([]) }
        let values = window.values
        let value = (extreme == .min ? values.min() : values.max()) ?? number
        return .emit([reading.with(value: value)])
    }
}
