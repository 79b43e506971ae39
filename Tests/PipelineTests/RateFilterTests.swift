import Testing
@testable import Pipeline

/// The filters that hold readings back, on sequences worked out by hand. Times are seconds on
/// the readings' monotonic clock; `[]` means the reading was held back (not dropped).
@Suite struct RateFilterTests {
    @Test func deltaAbsolute() {
        var filter = DeltaFilter(quantity: "t", threshold: .absolute(0.5))
        let (out, dropped) = feed(&filter, [20, 20.2, 20.5, 20.4, 21.0, 21.0])
        // 20 first; |20.2−20| = 0.2 < 0.5; |20.5−20| = 0.5 ≥ 0.5 (reference now 20.5);
        // |20.4−20.5| = 0.1; |21−20.5| = 0.5 passes; |21−21| = 0
        #expect(out == [[20], [], [20.5], [], [21], []])
        #expect(dropped.isEmpty)
    }

    @Test func deltaPercentOfTheLastPassedValue() {
        var filter = DeltaFilter(quantity: "t", threshold: .percent(10))
        let (out, _) = feed(&filter, [100, 105, 110, 99, 121, 0, 0, 1])
        // 100 first; 5 < 10% of 100; 10 ≥ 10 (ref 110); |99−110| = 11 ≥ 11 (ref 99);
        // 22 ≥ 9.9 (ref 121); 121 ≥ 12.1 (ref 0); a change of 0 never passes; 1 > 0% of 0 passes
        #expect(out == [[100], [], [110], [99], [121], [0], [], [1]])
    }

    @Test func throttleByMonotonicTime() {
        var filter = ThrottleFilter(quantity: "t", period: .seconds(10))
        let out = feed(&filter, timed: [(0, 1), (4, 2), (9, 3), (10, 4), (15, 5), (21, 6)])
        // 0 passes; 4 and 9 are < 10 s after it; 10 is 10 s after 0 (passes); 15 is 5 s after 10;
        // 21 is 11 s after 10
        #expect(out == [[1], [], [], [4], [], [6]])
    }

    @Test func debounceWaitsForAValueToSettle() {
        var filter = DebounceFilter(quantity: "t", period: .seconds(3))
        let out = feed(&filter, timed: [(0, 5), (1, 5), (3, 5), (4, 7), (5, 5), (6, 5), (9, 5), (10, 5)])
        // 5 since 0: held at 0 and 1, passes at 3 (3 s ≥ 3 s); 7 at 4 starts again, held;
        // 5 at 5 starts again: held at 5 and 6, passes at 9 (4 s) and 10
        #expect(out == [[], [], [5], [], [], [], [5], [5]])
    }

    @Test func onChangeForZeroAndOne() {
        var filter = OnChangeFilter(quantity: "t")
        let (out, dropped) = feed(&filter, [0, 0, 1, 1, 0, 2, 0])
        // 0 first; 0 same; 1 changed; 1 same; 0 changed; 2 is not a boolean (dropped, counted);
        // 0 same as the last passed (0)
        #expect(out == [[0], [], [1], [], [0], [], []])
        #expect(dropped == ["filter_not_boolean"])
    }

    @Test func timeoutMarksTheStaleStretch() {
        var filter = TimeoutFilter(quantity: "t", period: .seconds(5))
        var dropped: [DroppedReading] = []
        var outputs: [[Reading]] = []
        for (seconds, value) in [(0.0, 1.0), (3, 2), (12, 3), (13, 4), (18, 5)] {
            outputs.append(filter.process([sample(value, at: seconds)], dropped: &dropped))
        }
        // gaps: 3 s (≤ 5); 9 s (> 5): stale from 3 + 5 = 8 s for 12 − 8 = 4 s; 1 s; exactly 5 s (not more)
        #expect(outputs.map { $0.map(\.number) } == [[1], [2], [4, 3], [4], [5]])
        let marker = outputs[2][0]
        #expect(marker.quantity == "t_stale")
        #expect(marker.unit.rawValue == "s")
        #expect(marker.timestamp.monotonicNanoseconds == 8_000_000_000)
        #expect(marker.timestamp.wallSeconds == 1_000_008)
        #expect(outputs[2][1].quantity == "t")
        #expect(dropped.isEmpty)
    }
}
