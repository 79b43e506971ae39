import Testing
@testable import Pipeline

/// Booleans, texts and bytes through validation, calibration, units and filters.
@Suite struct TypedValueTests {
    func reading(_ value: ReadingValue, at seconds: Double = 0, unit: SenMLUnit = .celsius) -> Reading {
        Reading(sensorID: "s", quantity: "t", value: value, unit: unit,
                timestamp: Timestamp(wallSeconds: 1_000_000 + seconds, monotonicNanoseconds: UInt64(seconds * 1e9), clockSynchronized: true))
    }

    @Test func numericFiltersDropOtherValuesWithACountedReason() {
        let numeric: [any QuantityFilter] = [
            MovingAverageFilter(quantity: "t", window: 3, sendEvery: 1), MedianFilter(quantity: "t", window: 3, sendEvery: 1),
            ClampFilter(quantity: "t", minimum: 0, maximum: 1), RoundFilter(quantity: "t", decimals: 1),
            DeltaFilter(quantity: "t", threshold: .absolute(1)),
        ]
        for filter in numeric {
            var chain = FilterChain(quantity: "t", filters: [filter])
            var dropped: [DroppedReading] = []
            let out = chain.process([reading(.boolean(true)), reading(.text("x")), reading(.bytes([1])), reading(.number(0.5))],
                                    dropped: &dropped)
            #expect(out.map(\.value) == [.number(0.5)], "\(filter.name)")
            #expect(dropped.map(\.reason) == Array(repeating: "filter_not_number", count: 3), "\(filter.name)")
            #expect(dropped.map(\.stage) == Array(repeating: filter.name, count: 3))
        }
    }

    @Test func onChangePassesABooleanOnlyWhenItChangesAndAHeartbeatStillGoesOut() {
        var chain = FilterChain(quantity: "t", filters: [OnChangeFilter(quantity: "t")], heartbeat: .seconds(10))
        var dropped: [DroppedReading] = []
        let inputs: [(Double, Bool)] = [(0, false), (1, false), (2, true), (3, true), (4, false), (15, false), (16, false)]
        let passed = inputs.map { seconds, flag in
            chain.process([reading(.boolean(flag), at: seconds)], dropped: &dropped).map(\.timestamp.monotonicNanoseconds)
        }
        // t=0 first; t=2 and t=4 changes; t=15 no change but 11 s since the last one passed.
        #expect(passed == [[0], [], [2_000_000_000], [], [4_000_000_000], [15_000_000_000], []])
        #expect(dropped.isEmpty)
    }

    @Test func onChangeComparesTextsTooButRefusesNumbersOtherThanZeroAndOne() {
        var filter = FilterChain(quantity: "t", filters: [OnChangeFilter(quantity: "t")])
        var dropped: [DroppedReading] = []
        let out = filter.process([reading(.text("idle")), reading(.text("idle")), reading(.text("run")), reading(.number(1)),
                                  reading(.number(1)), reading(.number(0.5))], dropped: &dropped)
        #expect(out.map(\.value) == [.text("idle"), .text("run"), .number(1)])
        #expect(dropped.map(\.reason) == ["filter_not_boolean"])
    }

    @Test func debounceHoldsABouncingContactUntilItSettles() {
        var chain = FilterChain(quantity: "t", filters: [DebounceFilter(quantity: "t", period: .seconds(2))])
        var dropped: [DroppedReading] = []
        let inputs: [(Double, Bool)] = [(0, true), (1, false), (2, true), (3, true), (4, true), (5, false)]
        let out = inputs.flatMap { seconds, flag in chain.process([reading(.boolean(flag), at: seconds)], dropped: &dropped) }
        // true from t=2 has lasted 2 s at t=4: only that reading passes.
        #expect(out.map(\.timestamp.monotonicNanoseconds) == [4_000_000_000])
        #expect(out.map(\.value) == [.boolean(true)])
    }

    @Test func calibrationAndUnitConversionRefuseWhatIsNotANumber() {
        let calibration = CalibrationStage(quantity: "t", calibration: .offset(1))
        #expect(calibration.transform(reading(.boolean(true))) == .failure(QuantityStageRefusal("calibration_not_number")))
        #expect(calibration.transform(reading(.number(1))).map(\.value) == .success(.number(2)))
        guard let kelvin = SenMLUnitRegistry.conversion(from: .celsius, to: SenMLUnit(rawValue: "K")) else {
            Issue.record("Cel converts to K")
            return
        }
        let conversion = UnitConversionStage(quantity: "t", conversion: kelvin)
        #expect(conversion.transform(reading(.text("hot"))) == .failure(QuantityStageRefusal("unit_not_number")))
    }

    @Test func validationPassesBooleansOfUnrangedQuantitiesAndRefusesThemForRangedOnes() {
        let stage = ValidationStage(rules: [QuantityRule("t", unit: .celsius, validRange: -40...85),
                                            QuantityRule("open", unit: SenMLUnit(rawValue: "/"))])
        #expect(stage.rejection(of: reading(.boolean(true))) == .notNumber)
        var door = reading(.boolean(true), unit: SenMLUnit(rawValue: "/"))
        door.quantity = "open"
        #expect(stage.rejection(of: door) == nil)
        #expect(stage.rejection(of: reading(.number(.nan))) == .notFinite)
    }

    @Test func theNumericConvenienceIsTheNumberOrNil() {
        #expect(reading(.number(3)).number == 3)
        #expect(reading(.boolean(true)).number == nil)
        #expect(ReadingValue.boolean(true).description == "true" && ReadingValue.bytes([0, 171]).description == "00ab")
        #expect(!ReadingValue.number(.infinity).isCarriable && ReadingValue.text("").isCarriable)
    }
}

/// The clock re-base, with a fake clock: timestamps made by hand.
@Suite struct ClockRebaseTests {
    @Test func theOffsetIsWallMinusMonotonicAtTheFirstSyncedReading() throws {
        // Booted into 2000-01-01 (fake-hwclock); NTP synced at mono 42.75 s to 1_764_218_430.75.
        let atSync = Timestamp(wallSeconds: 1_764_218_430.75, monotonicNanoseconds: 42_750_000_000, clockSynchronized: true)
        let rebase = try #require(ClockRebase(observedAt: atSync))
        #expect(rebase.offsetSeconds == 1_764_218_388)
        let before = Timestamp(wallSeconds: 946_684_812.5, monotonicNanoseconds: 12_500_000_000, clockSynchronized: false)
        #expect(rebase.rebasedWallSeconds(for: before) == 1_764_218_400.5)
        #expect(rebase.rebasedWallSeconds(for: atSync) == nil, "a synced reading's own time is right")
    }

    @Test func anUnsyncedTimestampGivesNoOffset() {
        #expect(ClockRebase(observedAt: Timestamp(wallSeconds: 5, monotonicNanoseconds: 1, clockSynchronized: false)) == nil)
        #expect(ClockRebase(observedAt: Timestamp(wallSeconds: .nan, monotonicNanoseconds: 1, clockSynchronized: true)) == nil)
    }

    @Test func theBootIDIsReadFromTheKernelFile() {
        // /proc/sys/kernel/random/boot_id: a UUID, 36 characters, the same on every read.
        let id = SystemClock.bootID()
        #expect(id?.count == 36)
        #expect(id == SystemClock.bootID())
        #expect(SystemClock.bootID(path: "/nonexistent/boot_id") == nil)
    }
}
