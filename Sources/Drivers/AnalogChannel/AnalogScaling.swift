import Configuration
import Pipeline

/// How one ADC channel's voltage becomes a physical quantity the configuration declares: an
/// optional shunt (a 4-20 mA loop read as the voltage across a resistor, V / Ω = A), then an
/// optional ``Calibration`` (the same `offset`/`linear`/`polynomial`/`table` forms as a
/// `quantities:` section) from volts, or amperes behind a shunt, to the declared unit.
///
/// A soil-moisture probe: `quantity: soil_moisture, unit: "%", scale: { linear: { from: [2.8, 1.2], to: [0, 100] } }`.
/// A 4-20 mA pressure loop through 150 Ω: `shunt_ohms: 150, quantity: pressure, unit: Pa,
/// scale: { linear: { from: [0.004, 0.020], to: [0, 1000000] } }`.
public struct AnalogScaling: Sendable, Hashable {
    /// The quantity's name in readings.
    public var quantity: String
    /// The SenML unit of the scaled value.
    public var unit: SenMLUnit
    /// The shunt resistance in ohms, when the channel reads a current.
    public var shuntOhms: Double?
    /// From volts (or amperes behind a shunt) to ``unit``.
    public var scale: Calibration?
    /// What the scaled value can be; `nil`: worked out from the input span where that is exact.
    public var range: ClosedRange<Double>?

    /// A channel reported as its voltage (or current behind a shunt) under `quantity`.
    public init(quantity: String, unit: SenMLUnit = AnalogUnit.volt, shuntOhms: Double? = nil, scale: Calibration? = nil,
                range: ClosedRange<Double>? = nil) {
        self.quantity = quantity
        self.unit = unit
        self.shuntOhms = shuntOhms
        self.scale = scale
        self.range = range
    }

    /// The value for `volts`: NaN when a `table` scale does not cover it, so validation drops
    /// the reading as `not_finite` (counted and logged) instead of storing a guess, and the
    /// sensor's other channels still report.
    public func value(volts: Double) -> Double {
        let input = shuntOhms.map { volts / $0 } ?? volts
        guard let scale else { return input }
        return scale.apply(input) ?? .nan
    }

    /// The validation rule for a channel whose voltage spans `volts`: the configured `range`;
    /// else, unscaled, the span itself (divided by the shunt); else, for a linear or offset
    /// scale, the span mapped through it (exact: both are monotonic); else any finite value.
    public func rule(volts: ClosedRange<Double>) -> QuantityRule {
        if let range { return QuantityRule(quantity, unit: unit, validRange: range) }
        var low = volts.lowerBound, high = volts.upperBound
        if let shuntOhms {
            low /= shuntOhms
            high /= shuntOhms
        }
        switch scale {
        case nil:
            return QuantityRule(quantity, unit: unit, validRange: low...high)
        case .offset?, .linear?:
            guard let a = scale?.apply(low), let b = scale?.apply(high) else { return QuantityRule(quantity, unit: unit) }
            return QuantityRule(quantity, unit: unit, validRange: min(a, b)...max(a, b))
        default:
            return QuantityRule(quantity, unit: unit)
        }
    }

    /// The keys of a channel entry this type reads.
    public static let keys = ["quantity", "unit", "shunt_ohms", "scale", "range"]

    /// Reads `quantity`, `unit`, `shunt_ohms`, `scale` and `range` from a channel's entries
    /// (others are skipped: the chip's own keys), with `defaultQuantity` when none is named.
    ///
    /// Without `scale` the unit is fixed by the wiring (V, or A behind a shunt), so a different
    /// `unit` is refused; with `scale` a `unit` is required, since nothing else says what the
    /// scaled number is.
    public static func decode(_ entries: [ConfigValue], defaultQuantity: String,
                              anchor: ConfigValue) throws(ConfigurationError) -> AnalogScaling {
        var scaling = AnalogScaling(quantity: defaultQuantity)
        var unitEntry: ConfigValue?
        var declaredUnit: SenMLUnit?
        for entry in entries {
            switch entry.key {
            case "quantity":
                let name = try entry.string()
                guard isQuantityName(name) else {
                    throw entry.error("a quantity name is lower-case letters, digits and _, starting with a letter; found '\(name)'")
                }
                scaling.quantity = name
            case "unit":
                declaredUnit = try entry.primaryUnit()
                unitEntry = entry
            case "shunt_ohms":
                let ohms = try entry.number()
                guard ohms > 0 else { throw entry.error("a shunt resistance must be greater than 0 ohms") }
                scaling.shuntOhms = ohms
            case "scale":
                scaling.scale = try entry.calibration()
            case "range":
                let pair = try entry.numbers(count: 2)
                guard pair[0] < pair[1] else { throw entry.error("range is [min, max] with min below max") }
                scaling.range = pair[0]...pair[1]
            default:
                continue
            }
        }
        let wired: SenMLUnit = scaling.shuntOhms == nil ? AnalogUnit.volt : AnalogUnit.ampere
        if scaling.scale == nil {
            if let declaredUnit, declaredUnit != wired, let unitEntry {
                throw unitEntry.error("without scale this channel reports \(wired.rawValue); add scale to report \(declaredUnit.rawValue)")
            }
            scaling.unit = wired
        } else {
            guard let declaredUnit else {
                throw anchor.error("a channel with scale needs unit: the SenML unit of the scaled value")
            }
            scaling.unit = declaredUnit
        }
        return scaling
    }

    private static func isQuantityName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.count <= 64 else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}

/// The SenML units an ADC channel reports before scaling (named apart from `SenMLUnit` so a
/// later `SenMLUnit.volt` in Pipeline cannot clash).
public enum AnalogUnit {
    /// SenML's volt.
    public static let volt = SenMLUnit(rawValue: "V")
    /// SenML's ampere.
    public static let ampere = SenMLUnit(rawValue: "A")
}

/// Refuses two channels reporting under one quantity name, at the second one.
func checkDistinctQuantities(_ channels: [(AnalogScaling, ConfigValue)]) throws(ConfigurationError) {
    var seen: Set<String> = []
    for (scaling, entry) in channels {
        guard seen.insert(scaling.quantity).inserted else {
            throw entry.error("two channels report quantity '\(scaling.quantity)'; give each its own quantity:")
        }
    }
}
