/// Applies one quantity's ``Calibration``.
///
/// What cannot be calibrated is dropped with a reason, never passed on uncalibrated: a value
/// that is not finite on arrival (`calibration_not_finite`), one outside a table
/// (`calibration_outside_table`), or one the calibration turns non-finite, such as a polynomial
/// overflowing (`calibration_not_finite`).
public struct CalibrationStage: ReadingStage {
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

    public func process(_ readings: [Reading], dropped: inout [DroppedReading]) -> [Reading] {
        var passed: [Reading] = []
        passed.reserveCapacity(readings.count)
        for reading in readings {
            guard reading.quantity == quantity else {
                passed.append(reading)
                continue
            }
            guard reading.value.isFinite else {
                dropped.append(DroppedReading(reading: reading, stage: name, reason: "calibration_not_finite"))
                continue
            }
            guard let value = calibration.apply(reading.value) else {
                dropped.append(DroppedReading(reading: reading, stage: name, reason: "calibration_outside_table"))
                continue
            }
            guard value.isFinite else {
                dropped.append(DroppedReading(reading: reading, stage: name, reason: "calibration_not_finite"))
                continue
            }
            var calibrated = reading
            calibrated.value = value
            passed.append(calibrated)
        }
        return passed
    }
}
