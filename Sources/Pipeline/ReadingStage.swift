/// One step between the sampler and the outbox: validation today; units, calibration, filters
/// and clock re-basing plug in the same way.
///
/// Each sensor gets its own copy of its stages (they are values), so a stage that keeps state (a
/// moving average, a deadband's last value) keeps it per sensor, needs no lock, and starts fresh
/// when the agent restarts.
public protocol ReadingStage: Sendable {
    /// A short name for logs and metrics, e.g. `validation`.
    var name: String { get }
    /// Processes one sample's readings; what it refuses goes to `dropped` with a reason.
    mutating func process(_ readings: [Reading], dropped: inout [DroppedReading]) -> [Reading]
}

/// A reading a stage refused, and why.
public struct DroppedReading: Sendable, Hashable {
    /// The reading as the stage received it.
    public var reading: Reading
    /// The stage that refused it.
    public var stage: String
    /// Why, in a word fit for a metric label: `not_finite`, `out_of_range` ...
    public var reason: String

    /// Creates a record of a drop.
    public init(reading: Reading, stage: String, reason: String) {
        self.reading = reading
        self.stage = stage
        self.reason = reason
    }
}

/// The ordered stages of one sensor.
public struct ReadingPipeline: Sendable {
    /// The stages, first to last.
    public private(set) var stages: [any ReadingStage]

    /// Creates a pipeline; an empty one passes everything through.
    public init(_ stages: [any ReadingStage] = []) {
        self.stages = stages
    }

    /// Runs `readings` through every stage in order.
    public mutating func process(_ readings: [Reading]) -> (passed: [Reading], dropped: [DroppedReading]) {
        var current = readings
        var dropped: [DroppedReading] = []
        for index in stages.indices {
            if current.isEmpty { break }
            current = stages[index].process(current, dropped: &dropped)
        }
        return (current, dropped)
    }
}
