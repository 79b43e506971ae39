import Testing
@testable import Pipeline

/// The value-changing filters on sequences worked out by hand; each comment shows the arithmetic.
@Suite struct WindowFilterTests {
    @Test func movingAverageEmitsFromTheFirstValueOverWhatIsThere() {
        var filter = MovingAverageFilter(quantity: "t", window: 3)
        let (out, dropped) = feed(&filter, [3, 6, 9, 12, 0])
        // 3/1 = 3; (3+6)/2 = 4.5; (3+6+9)/3 = 6; (6+9+12)/3 = 9; (9+12+0)/3 = 7
        #expect(out == [[3], [4.5], [6], [9], [7]])
        #expect(dropped.isEmpty)
    }

    @Test func sendEveryEmitsTheFirstAndThenEveryKth() {
        var average = MovingAverageFilter(quantity: "t", window: 2, sendEvery: 3)
        let (out, _) = feed(&average, [2, 4, 6, 8, 10, 12, 14])
        // windows [2] [2,4] [4,6] [6,8] [8,10] [10,12] [12,14]; emitted: 1st, 4th, 7th
        // 2/1 = 2; (6+8)/2 = 7; (12+14)/2 = 13
        #expect(out == [[2], [], [], [7], [], [], [13]])

        var maximum = WindowExtremeFilter(quantity: "t", extreme: .max, window: 3, sendEvery: 2)
        // windows [1] [1,9] [1,9,2] [9,2,3]; emitted: 1st, 3rd
        #expect(feed(&maximum, [1, 9, 2, 3]).outputs == [[1], [], [9], []])
    }

    @Test func exponentialMovingAverageStartsAtTheFirstValue() {
        var filter = ExponentialMovingAverageFilter(quantity: "t", alpha: 0.5)
        let (out, _) = feed(&filter, [10, 20, 20, 0])
        // s1 = 10; s2 = 0.5·20 + 0.5·10 = 15; s3 = 0.5·20 + 0.5·15 = 17.5; s4 = 0 + 0.5·17.5 = 8.75
        #expect(out == [[10], [15], [17.5], [8.75]])
    }

    @Test func exponentialMovingAverageWithASmallAlpha() {
        var filter = ExponentialMovingAverageFilter(quantity: "t", alpha: 0.25)
        let (out, _) = feed(&filter, [8, 16, 0])
        // s1 = 8; s2 = 0.25·16 + 0.75·8 = 4 + 6 = 10; s3 = 0 + 0.75·10 = 7.5
        #expect(out == [[8], [10], [7.5]])
    }

    @Test func medianIgnoresASpike() {
        var filter = MedianFilter(quantity: "t", window: 3)
        let (out, _) = feed(&filter, [20, 22, 95, 21, 23])
        // [20] → 20; [20,22] → (20+22)/2 = 21; [20,22,95] → 22; [22,95,21] sorted 21,22,95 → 22;
        // [95,21,23] sorted 21,23,95 → 23
        #expect(out == [[20], [21], [22], [22], [23]])
    }

    @Test func quantileByNearestRank() {
        var filter = QuantileFilter(quantity: "t", window: 4, quantile: 0.75)
        let (out, _) = feed(&filter, [4, 1, 3, 2, 10])
        // n=1 [4]: k = ⌈0.75⌉ = 1 → 4; n=2 [1,4]: k = ⌈1.5⌉ = 2 → 4; n=3 [1,3,4]: k = ⌈2.25⌉ = 3 → 4;
        // n=4 [1,2,3,4]: k = ⌈3⌉ = 3 → 3; window [1,3,2,10] sorted [1,2,3,10]: k = 3 → 3
        #expect(out == [[4], [4], [4], [3], [3]])
    }

    @Test func quantileEndsAreMinimumAndMaximum() {
        var low = QuantileFilter(quantity: "t", window: 3, quantile: 0)
        var high = QuantileFilter(quantity: "t", window: 3, quantile: 1)
        // q = 0: k = max(1, 0) = 1, the smallest; q = 1: k = n, the largest.
        #expect(feed(&low, [5, 2, 8]).outputs == [[5], [2], [2]])
        #expect(feed(&high, [5, 2, 8]).outputs == [[5], [5], [8]])
    }

    @Test func minAndMaxOverTheWindow() {
        var minimum = WindowExtremeFilter(quantity: "t", extreme: .min, window: 2)
        var maximum = WindowExtremeFilter(quantity: "t", extreme: .max, window: 2)
        // windows: [5], [5,3], [3,7], [7,6]
        #expect(feed(&minimum, [5, 3, 7, 6]).outputs == [[5], [3], [3], [6]])
        #expect(feed(&maximum, [5, 3, 7, 6]).outputs == [[5], [5], [7], [7]])
    }

    @Test func clampBoundsValues() {
        var both = ClampFilter(quantity: "t", minimum: 0, maximum: 100)
        var lowOnly = ClampFilter(quantity: "t", minimum: 0, maximum: nil)
        #expect(feed(&both, [-3, 50, 120]).outputs == [[0], [50], [100]])
        #expect(feed(&lowOnly, [-3, 500]).outputs == [[0], [500]])
    }

    @Test func roundToDecimalsHalfAwayFromZero() {
        var one = RoundFilter(quantity: "t", decimals: 1)
        var none = RoundFilter(quantity: "t", decimals: 0)
        // 21.25 ×10 = 212.5 → 213 → 21.3; −21.25 → −21.3; 21.24 ×10 = 212.4 → 212 → 21.2
        #expect(feed(&one, [21.25, -21.25, 21.24]).outputs == [[21.3], [-21.3], [21.2]])
        // 2.5 → 3, −2.5 → −3, 0.4 → 0
        #expect(feed(&none, [2.5, -2.5, 0.4]).outputs == [[3], [-3], [0]])
    }

    @Test func aNonFiniteValueIsDroppedByAnyFilter() {
        var filter = MovingAverageFilter(quantity: "t", window: 2)
        let (out, dropped) = feed(&filter, [2, .nan, 4])
        // NaN never enters the window: (2+4)/2 = 3.
        #expect(out == [[2], [], [3]])
        #expect(dropped == ["filter_not_finite"])
    }

    @Test func otherQuantitiesPassUntouched() {
        var filter = MovingAverageFilter(quantity: "t", window: 2)
        var dropped: [DroppedReading] = []
        let other = sample(100, quantity: "humidity")
        let out = filter.process([sample(2), other, sample(4)], dropped: &dropped)
        #expect(out.map(\.number) == [2, 100, 3])
    }
}
