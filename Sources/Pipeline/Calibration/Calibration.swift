/// How one quantity's raw value becomes the true value, from the user's own reference
/// measurements. Applied in the kind's unit, before any unit conversion.
public enum Calibration: Sendable, Hashable {
    /// true = raw + offset.
    case offset(Double)
    /// The line through two reference points (raw reading, true value); the raw values differ.
    case linear(CalibrationPoint, CalibrationPoint)
    /// true = c0 + c1·raw + c2·raw² + …, coefficients lowest power first (at least one).
    case polynomial([Double])
    /// Linear interpolation between points with strictly increasing raw values (at least
    /// two). A raw value outside the first and last point is refused, not extrapolated: it means
    /// the sensor or the table is wrong, and a guess would be stored as a measurement.
    case table([CalibrationPoint])

    /// The calibrated value, or nil when `raw` is outside a table.
    public func apply(_ raw: Double) -> Double? {
        switch self {
        case .offset(let offset):
            return raw + offset
        case .linear(let first, let second):
            let slope = (second.calibrated - first.calibrated) / (second.raw - first.raw)
            return first.calibrated + (raw - first.raw) * slope
        case .polynomial(let coefficients):
            // Horner's rule: one multiplication and one addition per coefficient.
            var result = 0.0
            for coefficient in coefficients.reversed() {
                result = result * raw + coefficient
            }
            return result
        case .table(let points):
            guard let first = points.first, let last = points.last, raw >= first.raw, raw <= last.raw else {
                return nil
            }
            for index in points.indices.dropLast() {
                let low = points[index]
                let high = points[index + 1]
                guard raw <= high.raw else { continue }
                if raw == high.raw { return high.calibrated }
                let fraction = (raw - low.raw) / (high.raw - low.raw)
                return low.calibrated + fraction * (high.calibrated - low.calibrated)
            }
            return last.calibrated
        }
    }
}

/// A reference measurement: what the sensor read, and what the true value was.
public struct CalibrationPoint: Sendable, Hashable {
    /// The sensor's reading.
    public var raw: Double
    /// The reference instrument's value at the same time.
    public var calibrated: Double

    /// Creates a point.
    public init(raw: Double, calibrated: Double) {
        self.raw = raw
        self.calibrated = calibrated
    }
}
