/// A stage that changes the readings of one quantity, one at a time, and passes every other
/// reading untouched (calibration, unit conversion).
public protocol QuantityStage: ReadingStage {
    /// The quantity it works on.
    var quantity: String { get }
    /// The reading changed, or why it must be dropped (a metric label such as `unit_mismatch`).
    func transform(_ reading: Reading) -> Result<Reading, QuantityStageRefusal>
}

/// Why a ``QuantityStage`` dropped a reading.
public struct QuantityStageRefusal: Error, Sendable, Hashable {
    /// The reason, fit for a metric label.
    public var reason: String
    /// Creates a refusal.
    public init(_ reason: String) { self.reason = reason }
}

extension QuantityStage {
    public func process(_ readings: [Reading], dropped: inout [DroppedReading]) -> [Reading] {
        var passed: [Reading] = []
        passed.reserveCapacity(readings.count)
        for reading in readings {
            guard reading.quantity == quantity else {
                passed.append(reading)
                continue
            }
            switch transform(reading) {
            case .success(let changed): passed.append(changed)
            case .failure(let refusal): dropped.append(DroppedReading(reading: reading, stage: name, reason: refusal.reason))
            }
        }
        return passed
    }
}
