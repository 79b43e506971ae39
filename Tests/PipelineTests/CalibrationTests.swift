import Testing
@testable import Pipeline

@Suite struct CalibrationTests {
    func point(_ raw: Double, _ calibrated: Double) -> CalibrationPoint {
        CalibrationPoint(raw: raw, calibrated: calibrated)
    }

    @Test func offsetAddsTheOffset() {
        #expect(Calibration.offset(-0.5).apply(21.25) == 20.75)
    }

    @Test func twoPointLinearGoesThroughBothPoints() {
        // Ice bath read 0.4, boiling water read 99.2: slope = (100 − 0) / (99.2 − 0.4) = 100 / 98.8.
        // raw 50 → 0 + (50 − 0.4) × 100 / 98.8 = 49.6 × 1.012145… = 50.2024291…
        let calibration = Calibration.linear(point(0.4, 0), point(99.2, 100))
        #expect(close(calibration.apply(0.4), 0))
        #expect(close(calibration.apply(99.2), 100))
        #expect(close(calibration.apply(50), 50.202_429_149_797_57))
        // Outside the two points the line extends: raw −9.48 → (−9.48 − 0.4) × 100 / 98.8 = −10.
        #expect(close(calibration.apply(-9.48), -10))
    }

    @Test func polynomialLowestPowerFirst() {
        // 1 + 2x + 3x² at x = 2: 1 + 4 + 12 = 17; at x = −1: 1 − 2 + 3 = 2.
        let calibration = Calibration.polynomial([1, 2, 3])
        #expect(calibration.apply(2) == 17)
        #expect(calibration.apply(-1) == 2)
        #expect(Calibration.polynomial([4]).apply(1000) == 4)
    }

    @Test func tableInterpolatesAndRefusesOutside() {
        // (0 → 0), (10 → 20), (20 → 25): 5 → 10 (half of 0…20); 15 → 22.5 (half of 20…25).
        let calibration = Calibration.table([point(0, 0), point(10, 20), point(20, 25)])
        #expect(calibration.apply(5) == 10)
        #expect(calibration.apply(15) == 22.5)
        #expect(calibration.apply(0) == 0)
        #expect(calibration.apply(10) == 20)
        #expect(calibration.apply(20) == 25)
        #expect(calibration.apply(2.5) == 5)
        #expect(calibration.apply(-0.1) == nil)
        #expect(calibration.apply(20.1) == nil)
    }

    @Test func stageDropsWhatCannotBeCalibratedWithReasons() {
        let stage = CalibrationStage(quantity: "t", calibration: .table([point(0, 0), point(10, 100)]))
        var dropped: [DroppedReading] = []
        let input = [sample(5), sample(11), sample(.nan), sample(3, quantity: "other")]
        let out = stage.process(input, dropped: &dropped)
        #expect(out.map(\.number) == [50, 3])
        #expect(dropped.map(\.reason) == ["calibration_outside_table", "calibration_not_finite"])
        #expect(dropped.allSatisfy { $0.stage == "calibration" })
    }

    @Test func aPolynomialThatOverflowsIsDropped() {
        // 1e200² = 1e400, beyond a double: infinity, dropped rather than stored.
        let stage = CalibrationStage(quantity: "t", calibration: .polynomial([0, 0, 1]))
        var dropped: [DroppedReading] = []
        #expect(stage.process([sample(1e200)], dropped: &dropped).isEmpty)
        #expect(dropped.map(\.reason) == ["calibration_not_finite"])
    }
}
