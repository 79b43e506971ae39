/// `timeout: N`: marks the stretch in which a quantity was stale.
///
/// Stages run only when a sample arrives, so silence cannot be reported while it lasts (a
/// failing sensor shows as failures and health in the sampler's logs and metrics). What this
/// filter can do, and does: when a reading arrives more than N after the previous one it saw,
/// it emits before it a marker reading named `<quantity>_stale`, unit `s`, stamped at the moment
/// the value went stale (the previous reading's time + N) whose value is how many seconds it
/// stayed stale (until this reading). Then the reading itself passes. The first reading after a
/// start has no previous one and is never preceded by a marker. Put it first in the list so that
/// it measures the sensor's gaps, not the ones other filters make.
public struct TimeoutFilter: QuantityFilter {
    public let quantity: String
    /// N in nanoseconds.
    public let periodNanoseconds: UInt64
    private var previous: Timestamp?

    public var name: String { "timeout" }
    /// It looks only at times, so it takes any kind of value.
    public var acceptsAnyValue: Bool { true }

    /// The name of the markers for `quantity`.
    public static func markerQuantity(for quantity: String) -> String { "\(quantity)_stale" }

    /// Creates the filter.
    public init(quantity: String, period: Duration) {
        self.quantity = quantity
        self.periodNanoseconds = period.nanosecondsForFilters
    }

    public mutating func filter(_ reading: Reading, heartbeatDue: Bool) -> FilterOutcome {
        defer { previous = reading.timestamp }
        guard let previous else { return .emit([reading]) }
        let gap = elapsed(from: previous.monotonicNanoseconds, to: reading.timestamp.monotonicNanoseconds)
        guard gap > periodNanoseconds else { return .emit([reading]) }
        let staleSince = Timestamp(
            wallSeconds: previous.wallSeconds + Double(periodNanoseconds) / 1e9,
            monotonicNanoseconds: previous.monotonicNanoseconds + periodNanoseconds,
            clockSynchronized: previous.clockSynchronized)
        let marker = Reading(sensorID: reading.sensorID, quantity: Self.markerQuantity(for: quantity),
                             value: Double(gap - periodNanoseconds) / 1e9, unit: SenMLUnit(rawValue: "s"),
                             timestamp: staleSince)
        return .emit([marker, reading])
    }
}
