/// Converts one quantity's readings to the unit the configuration asked for.
///
/// A value the conversion turns non-finite (only possible near the limits of a Double) is
/// dropped as `unit_not_finite`, never sent.
public struct UnitConversionStage: ReadingStage {
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

    public func process(_ readings: [Reading], dropped: inout [DroppedReading]) -> [Reading] {
        var passed: [Reading] = []
        passed.reserveCapacity(readings.count)
        for reading in readings {
            guard reading.quantity == quantity else {
                passed.append(reading)
                continue
            }
            // A reading in another unit than the one this conversion starts from would be
            // converted wrongly; it is refused instead.
            guard reading.unit == conversion.source else {
                dropped.append(DroppedReading(reading: reading, stage: name, reason: "unit_mismatch"))
                continue
            }
            let value = conversion.convert(reading.value)
            guard value.isFinite else {
                dropped.append(DroppedReading(reading: reading, stage: name, reason: "unit_not_finite"))
                continue
            }
            var converted = reading
            converted.value = value
            converted.unit = conversion.target
            passed.append(converted)
        }
        return passed
    }
}
