import Testing
@testable import Pipeline

@Suite struct FilterChainTests {
    @Test func orderMatters() {
        let values: [Double] = [10, 10.4, 30, 10.8, 11.6]
        var medianFirst = FilterChain(quantity: "t", filters: [
            MedianFilter(quantity: "t", window: 3), DeltaFilter(quantity: "t", threshold: .absolute(1)),
        ])
        // medians 10, 10.2, 10.4, 10.8, 11.6; delta 1 from 10 passes only 11.6 (1.6 ≥ 1)
        #expect(feed(&medianFirst, values).outputs == [[10], [], [], [], [11.6]])

        var deltaFirst = FilterChain(quantity: "t", filters: [
            DeltaFilter(quantity: "t", threshold: .absolute(1)), MedianFilter(quantity: "t", window: 3),
        ])
        // delta passes 10, 30 (20), 10.8 (19.2), holds 10.4 (0.4) and 11.6 (0.8);
        // the median sees 10 → 10, [10, 30] → 20, [10, 30, 10.8] → 10.8
        #expect(feed(&deltaFirst, values).outputs == [[10], [], [20], [10.8], []])
    }

    @Test func heartbeatLetsAnUnchangedValueThroughDelta() {
        var chain = FilterChain(quantity: "t", filters: [DeltaFilter(quantity: "t", threshold: .absolute(1))],
                                heartbeat: .seconds(60))
        let values: [Double] = [20, 20, 20, 20, 22, 22, 22, 22]
        // every 20 s: 0 passes (first); 20, 40 held; 60 is 60 s after 0 (heartbeat); 80 changed by
        // 2 (passes, heartbeat restarts); 100, 120 held; 140 is 60 s after 80
        let (out, _) = feed(&chain, values, every: 20)
        #expect(out == [[20], [], [], [20], [22], [], [], [22]])
    }

    @Test func heartbeatOverridesThrottleAndOnChangeButNotDebounce() {
        var throttled = FilterChain(quantity: "t", filters: [ThrottleFilter(quantity: "t", period: .seconds(100))],
                                    heartbeat: .seconds(30))
        // every 20 s: 0 passes; 20 held (throttle, heartbeat not due); 40 is 40 s ≥ 30 after 0;
        // 60 held; 80 is 40 s after 40
        #expect(feed(&throttled, [1, 2, 3, 4, 5], every: 20).outputs == [[1], [], [3], [], [5]])

        var onChange = FilterChain(quantity: "t", filters: [OnChangeFilter(quantity: "t")], heartbeat: .seconds(30))
        #expect(feed(&onChange, [1, 1, 1, 1, 1], every: 20).outputs == [[1], [], [1], [], [1]])

        var debounced = FilterChain(quantity: "t", filters: [DebounceFilter(quantity: "t", period: .seconds(30))],
                                    heartbeat: .seconds(10))
        // the value changes every 20 s, never settles for 30 s: nothing passes, heartbeat or not
        #expect(feed(&debounced, [1, 2, 3], every: 20).outputs == [[], [], []])
    }

    @Test func dropsInsideTheChainAreReportedByTheFilter() {
        var chain = FilterChain(quantity: "t", filters: [OnChangeFilter(quantity: "t")])
        var dropped: [DroppedReading] = []
        #expect(chain.process([sample(0.5)], dropped: &dropped).isEmpty)
        #expect(dropped.map(\.stage) == ["on_change"])
        #expect(dropped.map(\.reason) == ["filter_not_boolean"])
    }

    @Test func aTimeoutMarkerSkipsTheQuantitysLaterFilters() {
        var chain = FilterChain(quantity: "t", filters: [
            TimeoutFilter(quantity: "t", period: .seconds(5)), ClampFilter(quantity: "t", minimum: nil, maximum: 1),
        ])
        // 0: 3 → clamped 1; 20: gap 20 > 5, marker 20 − 5 = 15 s (not clamped), 3 → 1
        #expect(feed(&chain, [3, 3], every: 20).outputs == [[1], [15, 1]])
    }

    @Test func settingsBuildCalibrationThenConversionThenFilters() {
        let settings = QuantitySettings(quantity: "t", unit: SenMLUnit(rawValue: "K"), calibration: .polynomial([0, 2]),
                                        filters: [.delta(.absolute(1)), .heartbeat(.seconds(600))])
        var pipeline = ReadingPipeline(settings.stages(declaredUnit: .celsius))
        #expect(pipeline.stages.map(\.name) == ["calibration", "unit", "filters"])
        // 10 °C ×2 = 20 °C = 293.15 K (converting first would give 283.15 × 2 = 566.3 K)
        let first = pipeline.process([sample(10)])
        #expect(close(first.passed.first?.number, 293.15))
        #expect(first.passed.first?.unit.rawValue == "K")
        // 10.2 °C → 20.4 °C → 293.55 K: 0.4 K from 293.15, held by delta 1
        #expect(pipeline.process([sample(10.2, at: 10)]).passed.isEmpty)

        // A pipeline built again (the agent's next start) remembers nothing: 10.2 passes as a first value.
        var restarted = ReadingPipeline(settings.stages(declaredUnit: .celsius))
        #expect(close(restarted.process([sample(10.2, at: 10)]).passed.first?.number, 293.55))
    }

    @Test func aUnitThatCannotBeReachedDropsRatherThanMislabels() {
        let settings = QuantitySettings(quantity: "t", unit: .pascal)
        var pipeline = ReadingPipeline(settings.stages(declaredUnit: .celsius))
        let result = pipeline.process([sample(20)])
        #expect(result.passed.isEmpty)
        #expect(result.dropped.map(\.reason) == ["unit_not_convertible"])
    }

    @Test func heartbeatAloneAddsNoFilter() {
        let settings = QuantitySettings(quantity: "t", filters: [.heartbeat(.seconds(60))])
        let stages = settings.stages(declaredUnit: .celsius)
        #expect((stages.first as? FilterChain)?.filters.isEmpty == true)
        #expect((stages.first as? FilterChain)?.heartbeatNanoseconds == 60_000_000_000)
    }
}
