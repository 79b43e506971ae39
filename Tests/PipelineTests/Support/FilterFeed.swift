@testable import Pipeline

/// A reading of `quantity` worth `value`, taken `seconds` after boot on the monotonic clock.
func sample(_ value: Double, at seconds: Double = 0, quantity: String = "t", unit: SenMLUnit = .celsius) -> Reading {
    Reading(sensorID: "s", quantity: quantity, value: value, unit: unit,
            timestamp: Timestamp(wallSeconds: 1_000_000 + seconds, monotonicNanoseconds: UInt64(seconds * 1e9),
                                 clockSynchronized: true))
}

/// Feeds `values` one sample at a time through `stage` and returns, per input, the values that
/// came out (empty when the stage held the reading back), plus every drop reason.
func feed<Stage: ReadingStage>(_ stage: inout Stage, _ values: [Double], every seconds: Double = 1,
                                quantity: String = "t") -> (outputs: [[Double]], dropped: [String]) {
    var outputs: [[Double]] = []
    var dropped: [DroppedReading] = []
    for (index, value) in values.enumerated() {
        let out = stage.process([sample(value, at: Double(index) * seconds, quantity: quantity)], dropped: &dropped)
        outputs.append(out.map { $0.number ?? .nan })
    }
    return (outputs, dropped.map(\.reason))
}

/// Feeds readings at the given (seconds, value) times; returns what came out of each.
func feed<Stage: ReadingStage>(_ stage: inout Stage, timed: [(Double, Double)]) -> [[Double]] {
    var outputs: [[Double]] = []
    var dropped: [DroppedReading] = []
    for (seconds, value) in timed {
        outputs.append(stage.process([sample(value, at: seconds)], dropped: &dropped).map { $0.number ?? .nan })
    }
    return outputs
}

/// The values of a series of single outputs, nil where a reading was held back.
func flat(_ outputs: [[Double]]) -> [Double?] {
    outputs.map(\.first)
}

/// Whether two values agree to 1e-9 (for results of decimal fractions, which binary doubles
/// hold only approximately).
func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
}
