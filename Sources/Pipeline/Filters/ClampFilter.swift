/// `clamp: { min: a, max: b }`: a value below a becomes a, above b becomes b (either bound may be
/// left out). Every reading passes. Unlike validation, which drops what the chip cannot report,
/// this bounds what a downstream consumer can show.
public struct ClampFilter: QuantityFilter {
    public let quantity: String
    /// The lower bound, if any.
    public let minimum: Double?
    /// The upper bound, if any (not below ``minimum``).
    public let maximum: Double?

    public var name: String { "clamp" }

    /// Creates the filter.
    public init(quantity: String, minimum: Double?, maximum: Double?) {
        self.quantity = quantity
        self.minimum = minimum
        self.maximum = maximum
    }

    public func filter(_ reading: Reading, heartbeatDue: Bool) -> FilterOutcome {
        guard let number = reading.number else { return .drop(reason: QuantityFilterReason.notNumber) }
        var value = number
        if let minimum, value < minimum { value = minimum }
        if let maximum, value > maximum { value = maximum }
        return .emit([reading.with(value: value)])
    }
}
