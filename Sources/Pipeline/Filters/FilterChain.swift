/// One quantity's filters in the configured order, and its heartbeat.
///
/// `heartbeat: N` ("send at least every N") cannot re-send on its own, since stages run only
/// when a sample arrives. It works as an override: when the chain has passed nothing for N (or
/// nothing yet), the next reading goes through the filters that only thin a series out
/// (`delta`, `throttle`, `on_change`) as if they had let it pass, and they take it as their new
/// reference. Filters that change values still change it; `debounce` still holds back an
/// unsettled value. Where `heartbeat` stands in the list does not matter.
public struct FilterChain: ReadingStage {
    /// The quantity it filters.
    public let quantity: String
    /// The filters, first to last.
    public private(set) var filters: [any QuantityFilter]
    /// The heartbeat period in nanoseconds, if any.
    public let heartbeatNanoseconds: UInt64?
    private var lastPassed: UInt64?

    public var name: String { "filters" }

    /// Creates the chain.
    public init(quantity: String, filters: [any QuantityFilter], heartbeat: Duration? = nil) {
        self.quantity = quantity
        self.filters = filters
        self.heartbeatNanoseconds = heartbeat?.nanosecondsForFilters
    }

    public mutating func process(_ readings: [Reading], dropped: inout [DroppedReading]) -> [Reading] {
        var passed: [Reading] = []
        for reading in readings {
            guard reading.quantity == quantity else {
                passed.append(reading)
                continue
            }
            let now = reading.timestamp.monotonicNanoseconds
            let heartbeatDue = heartbeatNanoseconds.map { period in
                lastPassed.map { elapsed(from: $0, to: now) >= period } ?? true
            } ?? false
            var current = [reading]
            for index in filters.indices {
                var next: [Reading] = []
                for item in current {
                    next += filters[index].apply(item, heartbeatDue: heartbeatDue && filters[index].yieldsToHeartbeat,
                                                 dropped: &dropped)
                }
                current = next
                if current.isEmpty { break }
            }
            if current.contains(where: { $0.quantity == quantity }) { lastPassed = now }
            passed += current
        }
        return passed
    }
}
