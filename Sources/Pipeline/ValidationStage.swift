/// What a quantity can physically be for one kind of sensor, and in which unit.
public struct QuantityRule: Sendable, Hashable {
    /// The quantity's name in readings, e.g. `temperature`.
    public var quantity: String
    /// The SenML unit its readings carry.
    public var unit: SenMLUnit
    /// The values the chip can report (its datasheet's operating or output range); nil when any
    /// finite value is possible.
    public var validRange: ClosedRange<Double>?

    /// Creates a rule.
    public init(_ quantity: String, unit: SenMLUnit, validRange: ClosedRange<Double>? = nil) {
        self.quantity = quantity
        self.unit = unit
        self.validRange = validRange
    }
}

/// The first stage: drops readings that cannot be measurements of this sensor, so a corrupt
/// transfer never reaches storage.
///
/// Ranges come from the sensor's kind (each kind declares its quantities), so an SHT3x reading
/// of 100 °C passes while a BME280 reading of 100 °C (beyond its 85 °C limit) does not. A
/// reading of a quantity the kind did not declare, or in another unit than declared, is a
/// programming slip in the driver; it is dropped as `undeclared` rather than sent mislabelled.
public struct ValidationStage: ReadingStage {
    /// The rules by quantity name.
    public let rules: [String: QuantityRule]

    public var name: String { "validation" }

    /// Creates the stage for a sensor whose kind declares `rules`.
    public init(rules: [QuantityRule]) {
        var byName: [String: QuantityRule] = [:]
        for rule in rules { byName[rule.quantity] = rule }
        self.rules = byName
    }

    /// Why a reading is refused, or nil when it passes.
    public func rejection(of reading: Reading) -> ReadingRejection? {
        guard reading.value.isCarriable else { return .notFinite }
        guard let rule = rules[reading.quantity], rule.unit == reading.unit else { return .undeclared }
        if let range = rule.validRange {
            guard let number = reading.number else { return .notNumber }
            if !range.contains(number) { return .outOfRange }
        }
        return nil
    }

    public func process(_ readings: [Reading], dropped: inout [DroppedReading]) -> [Reading] {
        readings.filter { reading in
            guard let rejection = rejection(of: reading) else { return true }
            dropped.append(DroppedReading(reading: reading, stage: name, reason: rejection.rawValue))
            return false
        }
    }
}

/// Why a reading was refused before it was stored.
public enum ReadingRejection: String, Sendable, Hashable, CaseIterable {
    /// NaN or infinity: never valid JSON and never a measurement.
    case notFinite = "not_finite"
    /// Outside what the quantity can physically be for this kind of sensor.
    case outOfRange = "out_of_range"
    /// A quantity or unit the sensor's kind does not declare.
    case undeclared
    /// A boolean, text or bytes for a quantity declared with a numeric range.
    case notNumber = "not_number"

}
