/// `exponential_moving_average: { alpha: a }`: s₁ = x₁, then sₙ = a·xₙ + (1 − a)·sₙ₋₁, emitted for
/// every reading. `alpha` is in (0, 1]; 1 passes values unchanged.
public struct ExponentialMovingAverageFilter: QuantityFilter {
    public let quantity: String
    /// The weight of the newest value.
    public let alpha: Double
    private var average: Double?

    public var name: String { "exponential_moving_average" }

    /// Creates the filter.
    public init(quantity: String, alpha: Double) {
        self.quantity = quantity
        self.alpha = alpha
    }

    public mutating func filter(_ reading: Reading, heartbeatDue: Bool) -> FilterOutcome {
        guard let number = reading.number else { return .drop(reason: QuantityFilterReason.notNumber) }
        let next = average.map { alpha * number + (1 - alpha) * $0 } ?? number
        average = next
        return .emit([reading.with(value: next)])
    }
}
