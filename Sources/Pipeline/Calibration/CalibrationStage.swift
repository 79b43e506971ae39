/// Applies one quantity's ``Calibration``.
///
/// What cannot be calibrated is dropped with a reason, never passed on uncalibrated: a value
/// that is not finite on arrival (`calibration_not_finite`), one outside a table
/// (`calibration_outside_table`), a boolean, text or bytes (`calibration_not_number`), or one the calibration turns non-finite, such as a polynomial
/// overflowing (`calibration_not_finite`).
public struct CalibrationStage: QuantityStage {
    /// The quantity it calibrates; other readings pass untouched.
    public let quantity: String
    /// The calibration.
    public let calibration: Calibration

    public var name: String { "calibration" }

    /// Creates the stage.
    public init(quantity: String, calibration: Calibration) {
        self.quantity = quantity
        self.calibration = calibration
    }

    public func transform(_ reading: Reading) -> Result<Reading, QuantityStageRefusal> {
        guard let number = reading.number else { return .failure(QuantityStageRefusal("calibration_not_number")) }
        guard number.isFinite else { return .failure(QuantityStageRefusal("calibration_not_finite")) }
        guard let value = calibration.apply(number) else {
            return .failure(QuantityStageRefusal("calibration_outside_table"))
        }
        guard value.isFinite else { return .failure(QuantityStageRefusal("calibration_not_finite")) }
        var calibrated = reading
        calibrated.value = .number(value)
        return .success(calibrated)
    }
}
