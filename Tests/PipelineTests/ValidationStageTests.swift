import Testing
@testable import Pipeline

@Suite struct ValidationStageTests {
    let stamp = Timestamp(wallSeconds: 0, monotonicNanoseconds: 0, clockSynchronized: false)

    func reading(_ quantity: String, _ value: Double, _ unit: SenMLUnit) -> Reading {
        Reading(sensorID: "s", quantity: quantity, value: value, unit: unit, timestamp: stamp)
    }

    /// A kind that declares a temperature of -40...85 °C and an unbounded count.
    let stage = ValidationStage(rules: [
        QuantityRule("temperature", unit: .celsius, validRange: -40...85),
        QuantityRule("counter", unit: SenMLUnit(rawValue: "count")),
    ])

    @Test func rangesAreTheKindsOwnAndInclusive() {
        #expect(stage.rejection(of: reading("temperature", -40, .celsius)) == nil)
        #expect(stage.rejection(of: reading("temperature", 85, .celsius)) == nil)
        #expect(stage.rejection(of: reading("temperature", 85.5, .celsius)) == .outOfRange)
        #expect(stage.rejection(of: reading("temperature", -40.01, .celsius)) == .outOfRange)
        #expect(stage.rejection(of: reading("counter", 1e12, SenMLUnit(rawValue: "count"))) == nil)
    }

    @Test func anotherKindWithAWiderRangeKeepsWhatTheFirstWouldDrop() {
        // An SHT3x is specified to 125 °C: 100 °C is a measurement there, not corruption.
        let wide = ValidationStage(rules: [QuantityRule("temperature", unit: .celsius, validRange: -40...125)])
        #expect(wide.rejection(of: reading("temperature", 100, .celsius)) == nil)
        #expect(stage.rejection(of: reading("temperature", 100, .celsius)) == .outOfRange)
    }

    @Test func nonFiniteAndUndeclaredAreRefused() {
        #expect(stage.rejection(of: reading("temperature", .nan, .celsius)) == .notFinite)
        #expect(stage.rejection(of: reading("temperature", -.infinity, .celsius)) == .notFinite)
        #expect(stage.rejection(of: reading("humidity", 50, .relativeHumidity)) == .undeclared)
        // The declared quantity in another unit than declared is mislabelled, not a reading.
        #expect(stage.rejection(of: reading("temperature", 20, .pascal)) == .undeclared)
    }

    @Test func processKeepsOrderAndReportsEachDropWithStageAndReason() {
        let input = [reading("temperature", 20, .celsius), reading("temperature", 300, .celsius),
                     reading("counter", 3, SenMLUnit(rawValue: "count")), reading("temperature", .nan, .celsius)]
        var dropped: [DroppedReading] = []
        let passed = stage.process(input, dropped: &dropped)
        #expect(passed == [input[0], input[2]])
        #expect(dropped.map(\.reason) == ["out_of_range", "not_finite"])
        #expect(dropped.first?.reading == input[1])
        #expect(dropped.last?.reading.number?.isNaN == true)  // NaN never equals itself
        #expect(dropped.allSatisfy { $0.stage == "validation" })
    }
}

@Suite struct ReadingPipelineTests {
    let stamp = Timestamp(wallSeconds: 0, monotonicNanoseconds: 0, clockSynchronized: false)

    /// Adds `amount` to every value and remembers how many readings it saw: a stateful stage.
    struct Offset: ReadingStage {
        var amount: Double
        var seen = 0
        var name: String { "offset" }
        mutating func process(_ readings: [Reading], dropped: inout [DroppedReading]) -> [Reading] {
            seen += readings.count
            return readings.map { var copy = $0; copy.value = .number((copy.number ?? .nan) + amount); return copy }
        }
    }

    @Test func stagesRunInOrderAndEachCopyKeepsItsOwnState() throws {
        let rules = [QuantityRule("t", unit: .celsius, validRange: 0...10)]
        // Validation first, then +5: 8 passes validation and becomes 13.
        var first = ReadingPipeline([ValidationStage(rules: rules), Offset(amount: 5)])
        // +5 first, then validation: 8 becomes 13 and is dropped.
        var second = ReadingPipeline([Offset(amount: 5), ValidationStage(rules: rules)])
        let input = [Reading(sensorID: "s", quantity: "t", value: 8, unit: .celsius, timestamp: stamp)]
        #expect(first.process(input).passed.map(\.number) == [13])
        let result = second.process(input)
        #expect(result.passed.isEmpty)
        #expect(result.dropped.map(\.reading.number) == [13])

        // A copy (one per sensor) goes on from the state it was copied with and shares nothing after.
        var copy = first
        _ = copy.process(input)
        _ = copy.process(input)
        #expect((copy.stages[1] as? Offset)?.seen == 3)
        #expect((first.stages[1] as? Offset)?.seen == 1)
    }

    @Test func anEmptyPipelinePassesEverything() {
        var pipeline = ReadingPipeline()
        let input = [Reading(sensorID: "s", quantity: "x", value: .nan, unit: .celsius, timestamp: stamp)]
        #expect(pipeline.process(input).passed == input)
    }
}
