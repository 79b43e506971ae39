/// `min: { window: N }` and `max: { window: N }`: the smallest or largest of the last N values
/// (fewer before N have arrived), emitted for every reading.
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

    public var name: String { extreme.rawValue }

    /// Creates the filter.
    public init(quantity: String, extreme: Extreme, window: Int) {
        self.quantity = quantity
        self.extreme = extreme
        self.window = SlidingWindow(capacity: window)
    }

    public mutating func filter(_ reading: Reading, heartbeatDue: Bool) -> FilterOutcome {
        window.append(reading.value)
        let values = window.values
        let value = (extreme == .min ? values.min() : values.max()) ?? reading.value
        return .emit([reading.with(value: value)])
    }
}
