/// Converts one quantity's readings to the unit the configuration asked for.
///
/// A value the conversion turns non-finite (only possible near the limits of a Double) is
/// dropped as `unit_not_finite`, never sent; a boolean, text or bytes, which no unit converts,
/// as `unit_not_number`.
public struct UnitConversionStage: QuantityStage {
    /// The quantity it converts; other readings pass untouched.
    public let quantity: String
    /// The conversion.
    public let conversion: UnitConversion

    public var name: String { "unit" }

    /// Creates the stage.
    public init(quantity: String, conversion: UnitConversion) {
        self.quantity = quantity
        self.conversion = conversion
    }

    public func transform(_ reading: Reading) -> Result<Reading, QuantityStageRefusal> {
        // A reading in another unit than the one this conversion starts from would be converted
        // wrongly; it is refused instead.
        guard reading.unit == conversion.source else { return .failure(QuantityStageRefusal("unit_mismatch")) }
        guard let number = reading.number else { return .failure(QuantityStageRefusal("unit_not_number")) }
        let value = conversion.convert(number)
        guard value.isFinite else { return .failure(QuantityStageRefusal("unit_not_finite")) }
        var converted = reading
        converted.value = .number(value)
        converted.unit = conversion.target
        return .success(converted)
    }
}
