/// `coarsen: STEP`: a value rounded to the nearest multiple of a step in the quantity's unit
/// (0.5 °C, 100 Pa), so the broker learns the value only to that precision.
///
/// Tie rule: a value exactly halfway between two multiples goes away from zero (21.25 with a
/// step of 0.5 becomes 21.5, −21.25 becomes −21.5), as `round:` does. When 1/STEP is a whole
/// number (0.1, 0.25, 0.5, 1 ...) the multiple is counted on value × (1/STEP) and the result is
/// that count divided by 1/STEP, so a step of 0.1 gives 21.2, not 21.200000000000003; otherwise
/// value / STEP is rounded and multiplied back by STEP.
public struct ValueCoarsening: Sendable, Hashable {
    /// The step, finite and greater than zero (the configuration refuses anything else).
    public let step: Double
    /// 1/step when it is a whole number, else nil.
    private let inverse: Double?

    /// A coarsening to multiples of `step`; nil unless `step` is finite and greater than zero.
    public init?(step: Double) {
        guard step.isFinite, step > 0 else { return nil }
        self.step = step
        let inverse = (1 / step).rounded()
        // 1/0.1 is 10.000000000000002 in binary; a whole number within a few ulps counts as one.
        if inverse >= 1, abs(1 / step - inverse) <= inverse * 1e-12 {
            self.inverse = inverse
        } else {
            self.inverse = nil
        }
    }

    /// The nearest multiple of ``step`` (halves away from zero); nil when the value or the
    /// result is not finite.
    public func apply(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        let result: Double
        if let inverse {
            result = (value * inverse).rounded(.toNearestOrAwayFromZero) / inverse
        } else {
            result = (value / step).rounded(.toNearestOrAwayFromZero) * step
        }
        return result.isFinite ? result : nil
    }
}

/// Applies one quantity's ``ValueCoarsening``, after its calibration, unit conversion and
/// filters (so the step is in the unit the reading is sent in).
///
/// A boolean, text or bytes is dropped (`coarsen_not_number`), as every numeric stage drops
/// them: passing it on would let a misconfigured quantity through at full precision. A value
/// that is not finite, or whose coarsening overflows, is dropped (`coarsen_not_finite`).
public struct CoarseningStage: QuantityStage {
    /// The quantity it coarsens; other readings pass untouched.
    public let quantity: String
    /// The coarsening.
    public let coarsening: ValueCoarsening

    public var name: String { "coarsen" }

    /// Creates the stage.
    public init(quantity: String, coarsening: ValueCoarsening) {
        self.quantity = quantity
        self.coarsening = coarsening
    }

    public func transform(_ reading: Reading) -> Result<Reading, QuantityStageRefusal> {
        guard let number = reading.number else { return .failure(QuantityStageRefusal("coarsen_not_number")) }
        guard let value = coarsening.apply(number) else { return .failure(QuantityStageRefusal("coarsen_not_finite")) }
        var coarse = reading
        coarse.value = .number(value)
        return .success(coarse)
    }
}
