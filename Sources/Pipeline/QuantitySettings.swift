/// What the configuration asks for one quantity of one sensor: a calibration, a unit to convert
/// to, filters and a coarsening step. Applied in that order, after validation (see
/// `docs/PIPELINE.md`); a redacted quantity gets none of them, only its drop (`docs/PRIVACY.md`).
public struct QuantitySettings: Sendable, Hashable {
    /// The quantity's name as the sensor's kind declares it, e.g. `temperature`.
    public var quantity: String
    /// The SenML unit to convert to; nil keeps the kind's unit.
    public var unit: SenMLUnit?
    /// The calibration, in the kind's unit.
    public var calibration: Calibration?
    /// The filters, in order.
    public var filters: [FilterSetting]
    /// `coarsen: STEP`, after the filters, in the unit the reading is sent in.
    public var coarsening: ValueCoarsening?
    /// `redact: true`: no reading of the quantity is stored or sent.
    public var redacted = false

    /// Creates the settings.
    public init(quantity: String, unit: SenMLUnit? = nil, calibration: Calibration? = nil, filters: [FilterSetting] = [],
                coarsening: ValueCoarsening? = nil, redacted: Bool = false) {
        self.quantity = quantity
        self.unit = unit
        self.calibration = calibration
        self.filters = filters
        self.coarsening = coarsening
        self.redacted = redacted
    }

    /// The stages for a quantity the kind declares in `declaredUnit`: calibration, unit
    /// conversion, filters, each left out when not asked for.
    ///
    /// A unit the declared one cannot be converted to exactly (the configuration refuses it, so
    /// only settings built by hand get here) becomes a stage that drops the quantity's readings
    /// as `unit_not_convertible`: sending them under the wrong unit would be worse.
    public func stages(declaredUnit: SenMLUnit) -> [any ReadingStage] {
        // Nothing else runs on a redacted quantity: a `timeout` marker would tell its gaps.
        if redacted { return [RedactionStage(.quantities([quantity]))] }
        var stages: [any ReadingStage] = []
        if let calibration {
            stages.append(CalibrationStage(quantity: quantity, calibration: calibration))
        }
        if let unit, unit != declaredUnit {
            if let conversion = SenMLUnitRegistry.conversion(from: declaredUnit, to: unit) {
                stages.append(UnitConversionStage(quantity: quantity, conversion: conversion))
            } else {
                stages.append(RefusingStage(quantity: quantity, name: "unit", reason: "unit_not_convertible"))
            }
        }
        if !filters.isEmpty {
            var heartbeat: Duration?
            var built: [any QuantityFilter] = []
            for setting in filters {
                if case .heartbeat(let period) = setting { heartbeat = period }
                if let filter = setting.makeFilter(for: quantity) { built.append(filter) }
            }
            stages.append(FilterChain(quantity: quantity, filters: built, heartbeat: heartbeat))
        }
        if let coarsening {
            stages.append(CoarseningStage(quantity: quantity, coarsening: coarsening))
        }
        return stages
    }
}

/// Drops every reading of one quantity with one reason.
struct RefusingStage: ReadingStage {
    let quantity: String
    let name: String
    let reason: String

    func process(_ readings: [Reading], dropped: inout [DroppedReading]) -> [Reading] {
        readings.filter { reading in
            guard reading.quantity == quantity else { return true }
            dropped.append(DroppedReading(reading: reading, stage: name, reason: reason))
            return false
        }
    }
}
