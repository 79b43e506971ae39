/// An exact conversion between two SenML units of one family (`Pa` to `hPa`, `Cel` to `K`).
public struct UnitConversion: Sendable, Hashable {
    /// The unit values arrive in.
    public var source: SenMLUnit
    /// The unit values leave in.
    public var target: SenMLUnit
    let from: UnitScale
    let to: UnitScale

    /// Converts `value` from ``source`` to ``target``.
    ///
    /// Through the family's root, multiplying before dividing, so that a conversion by a power
    /// of ten rounds once where it can (101325 Pa → 1013.25 hPa exactly, not 1013.2500000000001).
    public func convert(_ value: Double) -> Double {
        if source == target { return value }
        var root = value
        if from.multiplier != 1 { root *= from.multiplier }
        if from.divisor != 1 { root /= from.divisor }
        root += from.offset - to.offset
        if to.divisor != 1 { root *= to.divisor }
        if to.multiplier != 1 { root /= to.multiplier }
        return root
    }
}
