/// `round: d`: rounds to d decimal places (0 ... 10), halves away from zero. The value stays a
/// binary double, so 2.675 (stored as 2.67499999…) rounds to 2.67, as it does everywhere else.
public struct RoundFilter: QuantityFilter {
    public let quantity: String
    /// Decimal places.
    public let decimals: Int
    private let scale: Double

    public var name: String { "round" }

    /// Creates the filter.
    public init(quantity: String, decimals: Int) {
        self.quantity = quantity
        self.decimals = decimals
        var scale = 1.0
        for _ in 0..<max(0, decimals) { scale *= 10 }  // powers of ten up to 1e22 are exact
        self.scale = scale
    }

    public func filter(_ reading: Reading, heartbeatDue: Bool) -> FilterOutcome {
        guard let number = reading.number else { return .drop(reason: QuantityFilterReason.notNumber) }
        let scaled = number * scale
        // Beyond 2^52 a double has no fraction left to round; scaling could only overflow.
        guard abs(scaled) < 4_503_599_627_370_496 else { return .emit([reading]) }
        return .emit([reading.with(value: scaled.rounded(.toNearestOrAwayFromZero) / scale)])
    }
}
