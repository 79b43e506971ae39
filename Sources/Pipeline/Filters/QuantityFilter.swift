/// A filter on one quantity's readings: a ``ReadingStage`` that looks at one reading at a time
/// and keeps whatever state it needs in its own value (so a copy per sensor, fresh at every
/// start of the agent: nothing a filter remembers is stored on disk).
///
/// Time-based filters read the reading's `timestamp.monotonicNanoseconds`, never a clock, so a
/// filter is a pure function of the readings it was given and tests need no waiting.
public protocol QuantityFilter: ReadingStage {
    /// The quantity it filters; readings of other quantities pass untouched.
    var quantity: String { get }
    /// Whether a due heartbeat may let through a reading this filter would hold back (true for
    /// the filters that only thin a series out: delta, throttle, on_change).
    var yieldsToHeartbeat: Bool { get }
    /// Whether it takes booleans, texts and bytes as well as numbers (true for the filters that
    /// only compare values or look at times: on_change, debounce, throttle, timeout). A numeric
    /// filter given another kind of value drops it as `filter_not_number`.
    var acceptsAnyValue: Bool { get }
    /// What becomes of one finite reading of ``quantity``. `heartbeatDue` is true when the
    /// filter chain has passed nothing for its heartbeat period.
    mutating func filter(_ reading: Reading, heartbeatDue: Bool) -> FilterOutcome
}

/// What a filter does with one reading.
public enum FilterOutcome: Sendable, Hashable {
    /// These readings go on: usually the reading (perhaps with a new value), none when the
    /// filter holds it back (not a drop: nothing is counted or logged), or a marker and the
    /// reading (`timeout`).
    case emit([Reading])
    /// The reading cannot go through this filter; counted and logged with `reason`.
    case drop(reason: String)
}

extension QuantityFilter {
    public var yieldsToHeartbeat: Bool { false }
    public var acceptsAnyValue: Bool { false }

    public mutating func process(_ readings: [Reading], dropped: inout [DroppedReading]) -> [Reading] {
        var passed: [Reading] = []
        for reading in readings {
            passed += apply(reading, heartbeatDue: false, dropped: &dropped)
        }
        return passed
    }

    /// One reading through this filter: others' readings untouched, a non-finite number dropped
    /// as `filter_not_finite` (a number the filter cannot compute with), a boolean, text or bytes
    /// given to a numeric filter dropped as `filter_not_number`, else ``filter(_:heartbeatDue:)``.
    mutating func apply(_ reading: Reading, heartbeatDue: Bool, dropped: inout [DroppedReading]) -> [Reading] {
        guard reading.quantity == quantity else { return [reading] }
        switch reading.value {
        case .number(let number) where !number.isFinite:
            dropped.append(DroppedReading(reading: reading, stage: name, reason: QuantityFilterReason.notFinite))
            return []
        case .number:
            break
        case .boolean, .text, .bytes:
            guard acceptsAnyValue else {
                dropped.append(DroppedReading(reading: reading, stage: name, reason: QuantityFilterReason.notNumber))
                return []
            }
        }
        switch filter(reading, heartbeatDue: heartbeatDue) {
        case .emit(let readings):
            return readings
        case .drop(let reason):
            dropped.append(DroppedReading(reading: reading, stage: name, reason: reason))
            return []
        }
    }
}

/// Why a filter dropped a reading, as metric labels.
enum QuantityFilterReason {
    /// NaN or infinity.
    static let notFinite = "filter_not_finite"
    /// A boolean, text or bytes given to a filter that computes with numbers.
    static let notNumber = "filter_not_number"
}

extension Reading {
    /// This reading with another (numeric) value.
    func with(value: Double) -> Reading {
        var copy = self
        copy.value = .number(value)
        return copy
    }
}

/// Nanoseconds from `earlier` to `later`; 0 if the clock went backwards (it cannot on one boot,
/// and filter state does not survive a reboot).
func elapsed(from earlier: UInt64, to later: UInt64) -> UInt64 {
    later >= earlier ? later - earlier : 0
}

extension Duration {
    /// The duration in whole nanoseconds, 0 for a negative one, saturating at UInt64.max.
    var nanosecondsForFilters: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (total, overflowAgain) = whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        return overflowAgain ? .max : total
    }
}
