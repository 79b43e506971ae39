import Testing
@testable import Pipeline

/// Redaction, value and time coarsening, the private encoder wrapper (docs/PRIVACY.md).
@Suite struct PrivacyStageTests {
    func reading(_ quantity: String, _ value: ReadingValue, sensor: String = "air", sequence: UInt64 = 0) -> Reading {
        Reading(sensorID: sensor, quantity: quantity, value: value, unit: .celsius,
                timestamp: Timestamp(wallSeconds: 1_000, monotonicNanoseconds: 1, clockSynchronized: true), sequence: sequence)
    }

    @Test func aRedactedQuantityIsDroppedAsRedactedAndTheOthersPass() {
        var stage = RedactionStage(.quantities(["humidity"]))
        var dropped: [DroppedReading] = []
        let passed = stage.process([reading("temperature", .number(21)), reading("humidity", .number(40)),
                                    reading("pressure", .number(1e5))], dropped: &dropped)
        #expect(passed.map(\.quantity) == ["temperature", "pressure"])
        #expect(dropped.map(\.reading.quantity) == ["humidity"])
        #expect(dropped.map(\.reason) == ["redacted"])
        #expect(dropped.map(\.stage) == ["privacy"])
    }

    @Test func aSensorRedactedWholeDropsEveryReadingWhateverItsValue() {
        var stage = RedactionStage(.allQuantities)
        var dropped: [DroppedReading] = []
        let passed = stage.process([reading("temperature", .number(21)), reading("door", .boolean(true))], dropped: &dropped)
        #expect(passed.isEmpty)
        #expect(dropped.map(\.reason) == ["redacted", "redacted"])
    }

    @Test func aRedactedQuantityGetsNoOtherStageSoNoTimeoutMarkerTellsItsGaps() {
        // A timeout of 5 s would put a `t_stale` marker before a reading 10 s after the last one;
        // redacted, the quantity gets only its drop.
        let settings = QuantitySettings(quantity: "t", calibration: .offset(1), filters: [.timeout(.seconds(5))],
                                        coarsening: ValueCoarsening(step: 1), redacted: true)
        var pipeline = ReadingPipeline(settings.stages(declaredUnit: .celsius))
        let first = pipeline.process([sample(20, at: 0)])
        let second = pipeline.process([sample(21, at: 10)])
        #expect(first.passed.isEmpty && second.passed.isEmpty)
        #expect((first.dropped + second.dropped).map(\.reason) == ["redacted", "redacted"])
    }

    @Test func redactingByNameMarksExistingSettingsAndAddsMissingOnes() {
        var settings = [QuantitySettings(quantity: "temperature", calibration: .offset(-1))]
        QuantitySettings.redact(["humidity", "temperature"], in: &settings)
        #expect(settings == [QuantitySettings(quantity: "temperature", calibration: .offset(-1), redacted: true),
                             QuantitySettings(quantity: "humidity", redacted: true)])
    }
}

@Suite struct ValueCoarseningTests {
    @Test func roundsToTheNearestMultipleWithHalvesAwayFromZero() throws {
        let half = try #require(ValueCoarsening(step: 0.5))
        // ×2, round, ÷2: 42.48 → 42 → 21; 42.5 (a tie) → 43 → 21.5; 42.52 → 43; 43.48 → 43; 43.5 → 44.
        #expect(half.apply(21.24) == 21)
        #expect(half.apply(21.25) == 21.5)
        #expect(half.apply(21.26) == 21.5)
        #expect(half.apply(21.74) == 21.5)
        #expect(half.apply(21.75) == 22)
        #expect(half.apply(-21.25) == -21.5)
        #expect(half.apply(0.2) == 0)
    }

    @Test func aDecimalStepGivesTheDecimalNotABinaryNeighbour() throws {
        let tenth = try #require(ValueCoarsening(step: 0.1))
        // 21.25 × 10 = 212.5 exactly (21.25 is a binary fraction): a tie, away from zero → 213 → 21.3.
        #expect(tenth.apply(21.25) == 21.3)
        // 21.24 × 10 → 212 → 212 / 10, the double nearest 21.2 (212 × 0.1 would be 21.200000000000003).
        #expect(tenth.apply(21.24) == 21.2)
        #expect(tenth.apply(-0.05) == -0.1)
    }

    @Test func aStepAboveOneCountsMultiplesOfIt() throws {
        let hundred = try #require(ValueCoarsening(step: 100))
        // 101325 / 100 = 1013.25 → 1013 → 101300; 101350 / 100 = 1013.5, a tie → 1014 → 101400.
        #expect(hundred.apply(101_325) == 101_300)
        #expect(hundred.apply(101_350) == 101_400)
        #expect(hundred.apply(49.9) == 0)
        #expect(hundred.apply(50) == 100)
    }

    @Test func aStepThatIsZeroNegativeOrNotFiniteIsNoCoarsening() {
        #expect(ValueCoarsening(step: 0) == nil)
        #expect(ValueCoarsening(step: -0.5) == nil)
        #expect(ValueCoarsening(step: .nan) == nil)
        #expect(ValueCoarsening(step: .infinity) == nil)
    }

    @Test func theStageDropsTextBooleansAndNonFiniteValuesWithTheirReasons() throws {
        var stage = CoarseningStage(quantity: "t", coarsening: try #require(ValueCoarsening(step: 0.5)))
        var dropped: [DroppedReading] = []
        var text = sample(0, quantity: "t")
        text.value = .text("21.3")
        var flag = sample(0, quantity: "t")
        flag.value = .boolean(true)
        let passed = stage.process([text, flag, sample(.nan), sample(1e308 * 10), sample(21.3), sample(7.77, quantity: "other")],
                                   dropped: &dropped)
        #expect(dropped.map(\.reason) == ["coarsen_not_number", "coarsen_not_number", "coarsen_not_finite", "coarsen_not_finite"])
        #expect(passed.map(\.number) == [21.5, 7.77])
    }

    @Test func coarseningComesAfterCalibrationAndFilters() throws {
        // offset +0.3, then a moving average of 2, then a step of 1:
        // raw 19.9, 20.7, 21.5 → calibrated 20.2, 21.0, 21.8 → means 20.2, 20.6, 21.4 → 20, 21, 21.
        let settings = QuantitySettings(quantity: "t", calibration: .offset(0.3), filters: [.movingAverage(window: 2)],
                                        coarsening: ValueCoarsening(step: 1))
        var pipeline = ReadingPipeline(settings.stages(declaredUnit: .celsius))
        let outputs = [19.9, 20.7, 21.5].enumerated().map { index, value in
            pipeline.process([sample(value, at: Double(index))]).passed.map(\.number)
        }
        #expect(outputs == [[20], [21], [21]])
    }
}

@Suite struct TimeCoarseningTests {
    @Test func aMinuteFloorsWallRebasedAndMonotonicTimes() throws {
        let minute = try #require(TimeCoarsening(.seconds(60)))
        // 1 764 712 345.678 s = 29 411 872 minutes + 25.678 s → 29 411 872 × 60 = 1 764 712 320.
        let stamp = Timestamp(wallSeconds: 1_764_712_345.678, monotonicNanoseconds: 125_999_999_999, clockSynchronized: false,
                              rebasedWallSeconds: 1_764_712_399.999, bootID: "b")
        let coarse = minute.apply(stamp)
        #expect(coarse.wallSeconds == 1_764_712_320)
        #expect(coarse.rebasedWallSeconds == 1_764_712_380)
        #expect(coarse.monotonicNanoseconds == 120_000_000_000)
        #expect(coarse.clockSynchronized == false && coarse.bootID == "b")
        // A time already on the grid stays.
        #expect(minute.floor(seconds: 1_764_712_320) == 1_764_712_320)
    }

    @Test func aResolutionThatDividesASecondGivesDecimalTimes() throws {
        let tenth = try #require(TimeCoarsening(.milliseconds(100)))
        // 12.3456 s × 10 = 123.456 → 123 → 123 / 10 = 12.3 (not 123 × 0.1 = 12.300000000000001).
        #expect(tenth.floor(seconds: 12.3456) == 12.3)
        #expect(tenth.floor(nanoseconds: 12_345_678_901) == 12_300_000_000)
        #expect(TimeCoarsening(.zero) == nil)
    }

    /// The outbox re-bases on exact times; the encoder floors what it is given. A reading taken
    /// before sync at monotonic 100.4 s; the first synced one at monotonic 130.2 s, wall
    /// 1 764 712 345.2: offset 1 764 712 215, so the first was taken at 1 764 712 315.4, which a
    /// minute's resolution sends as 1 764 712 260 (29 411 871 minutes).
    @Test func reBasingWorksOnExactTimesAndTheSentTimeIsTheFloorOfTheExactOne() throws {
        let synced = Timestamp(wallSeconds: 1_764_712_345.2, monotonicNanoseconds: 130_200_000_000, clockSynchronized: true)
        let rebase = try #require(ClockRebase(observedAt: synced))
        var early = Timestamp(wallSeconds: 100.4, monotonicNanoseconds: 100_400_000_000, clockSynchronized: false)
        early.rebasedWallSeconds = rebase.rebasedWallSeconds(for: early)
        #expect(abs((early.rebasedWallSeconds ?? 0) - 1_764_712_315.4) < 1e-6)

        let privacy = WirePrivacy(timeResolutions: ["air": try #require(TimeCoarsening(.seconds(60)))])
        let encoder = PrivateEncoder(SenMLJSONEncoder(context: EncoderContext(gatewayID: "g", readingsTopic: "t"),
                                                      maxReadingsPerMessage: 2), privacy: privacy)
        var buffer: [UInt8] = []
        let message = encoder.encode([Reading(sensorID: "air", quantity: "t", value: 1, unit: .celsius, timestamp: early, sequence: 1),
                                      Reading(sensorID: "air", quantity: "t", value: 2, unit: .celsius, timestamp: synced, sequence: 2)][...],
                                     into: &buffer)
        let json = String(decoding: buffer, as: UTF8.self)
        #expect(message.carried == [1, 2])
        // First record: wall 100.4 → 60, mono 100.4 s → 60 s, re-based → 1 764 712 260.
        #expect(json.contains(#""bt":60,"#))
        #expect(json.contains(#""mono_ns":60000000000,"#))
        #expect(json.contains(#""t_rebased":1764712260"#))
        // Second: wall → 1 764 712 320 (t = 1 764 712 260 after bt 60), mono 130.2 s → 120 s.
        #expect(json.contains(#""t":1764712260"#))
        #expect(json.contains(#""mono_ns":120000000000"#))
        #expect(!json.contains("345.2") && !json.contains("315.4") && !json.contains("130200000000"))
    }
}

@Suite struct PrivateEncoderTests {
    func reading(_ sensor: String, _ quantity: String, _ sequence: UInt64) -> Reading {
        Reading(sensorID: sensor, quantity: quantity, value: 1, unit: .celsius,
                timestamp: Timestamp(wallSeconds: 1_700_000_000.5, monotonicNanoseconds: 5, clockSynchronized: true), sequence: sequence)
    }

    let privacy = WirePrivacy(redactedSensors: ["soil"],
                              redactedQuantities: [WirePrivacy.SensorQuantity(sensorID: "air", quantity: "humidity")])

    @Test func readingsStoredBeforeARedactionAreSkippedNotSent() {
        let encoder = PrivateEncoder(SenMLJSONEncoder(context: EncoderContext(gatewayID: "g", readingsTopic: "t"), maxReadingsPerMessage: 5),
                                     privacy: privacy)
        var buffer: [UInt8] = []
        let message = encoder.encode([reading("air", "temperature", 1), reading("air", "humidity", 2), reading("soil", "moisture", 3),
                                      reading("air", "humidity_stale", 4), reading("air", "pressure", 5)][...], into: &buffer)
        #expect(message.carried == [1, 5])
        #expect(message.skipped == [2, 3, 4])
        let json = String(decoding: buffer, as: UTF8.self)
        #expect(json.contains("temperature") && json.contains("pressure"))
        #expect(!json.contains("humidity") && !json.contains("soil"))

        let none = encoder.encode([reading("soil", "moisture", 6)][...], into: &buffer)
        #expect(none.carried.isEmpty && none.skipped == [6] && buffer.isEmpty)
    }

    static let devices = [
        EncoderDevice(sensorID: "air", quantities: [.init(name: "temperature", unit: .celsius), .init(name: "humidity", unit: .relativeHumidity)]),
        EncoderDevice(sensorID: "soil", quantities: [.init(name: "moisture", unit: .relativeHumidity)]),
    ]

    @Test func announcementsLeaveOutRedactedQuantitiesAndSensors() throws {
        #expect(privacy.announced(Self.devices) == [EncoderDevice(sensorID: "air", quantities: [.init(name: "temperature", unit: .celsius)])])
        for factory in [HomeAssistantEncoder.factory, SparkplugBEncoder.factory] {
            let context = EncoderContext(gatewayID: "g", readingsTopic: "t", devices: privacy.announced(Self.devices))
            var hooks = try #require(PrivateEncoder(factory.makeEncoder(context), privacy: privacy).makeConnectionHooks())
            let messages = hooks.connected(wallSeconds: 1_700_000_000)
            #expect(!messages.isEmpty)
            for message in messages {
                let text = message.topic + String(decoding: message.payload, as: UTF8.self)
                #expect(!text.contains("humidity") && !text.contains("soil") && !text.contains("moisture"), "\(factory.name): \(message.topic)")
            }
            #expect(messages.contains { ($0.topic + String(decoding: $0.payload, as: UTF8.self)).contains("temperature") })
        }
    }

    @Test func sparkplugDataThroughTheHooksSkipsRedactedReadings() throws {
        let context = EncoderContext(gatewayID: "g", readingsTopic: "t", devices: privacy.announced(Self.devices))
        var hooks = try #require(PrivateEncoder(SparkplugBEncoder.factory.makeEncoder(context), privacy: privacy).makeConnectionHooks())
        _ = hooks.connected(wallSeconds: 0)
        var buffer: [UInt8] = []
        let message = hooks.encode([reading("air", "humidity", 1), reading("air", "temperature", 2), reading("soil", "moisture", 3)][...],
                                   into: &buffer)
        #expect(message.carried == [2])
        #expect(message.skipped == [1, 3])
    }
}

@Suite struct PseudonymTests {
    func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16) ?? 0 }
    }

    func hmac(_ key: [UInt8], _ data: [UInt8]) -> String {
        Pseudonym.hex(Pseudonym.hmacSHA256(key: key, message: data))
    }

    /// RFC 4231 section 4, HMAC-SHA-256 of test cases 1-4, 6 and 7 (5 tests truncation, not used).
    @Test func rfc4231TestVectors() {
        #expect(hmac([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8))
            == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(hmac(Array("Jefe".utf8), Array("what do ya want for nothing?".utf8))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(hmac([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50))
            == "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
        #expect(hmac(bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"), [UInt8](repeating: 0xcd, count: 50))
            == "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b")
        #expect(hmac([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
            == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        let long = "This is a test using a larger than block-size key and a larger than block-size data."
            + " The key needs to be hashed before being used by the HMAC algorithm."
        #expect(hmac([UInt8](repeating: 0xaa, count: 131), Array(long.utf8))
            == "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
    }

    /// The expected id computed independently with Python's `hmac` module:
    /// `hmac.new(b"0123456789abcdef0123456789abcdef", b"10000000a1b2c3d4", sha256).hexdigest()[:16]`.
    @Test func theIdIsGwAndTheFirst16HexDigitsOfTheHMACOfTheHardwareID() {
        let key = Array("0123456789abcdef0123456789abcdef".utf8)
        #expect(Pseudonym.deviceID(key: key, hardwareID: "10000000a1b2c3d4") == "gw-08455facb091f4c9")
        // Another key or another board gives an unrelated id.
        #expect(Pseudonym.deviceID(key: Array("0123456789abcdef0123456789abcdeF".utf8), hardwareID: "10000000a1b2c3d4")
            != "gw-08455facb091f4c9")
        #expect(Pseudonym.deviceID(key: key, hardwareID: "10000000a1b2c3d5") != "gw-08455facb091f4c9")
    }

    @Test func theHardwareIDIsCutAtItsNULOrNewline() {
        // /proc/device-tree/serial-number on a Pi 4: 16 hex digits and a NUL.
        #expect(Pseudonym.hardwareID(fromFile: Array("10000000a1b2c3d4".utf8) + [0]) == "10000000a1b2c3d4")
        // /etc/machine-id: 32 hex digits and a newline.
        #expect(Pseudonym.hardwareID(fromFile: Array("0123456789abcdef0123456789abcdef\n".utf8)) == "0123456789abcdef0123456789abcdef")
        #expect(Pseudonym.hardwareID(fromFile: [0]) == nil)
        #expect(Pseudonym.hardwareID(fromFile: Array(" \n".utf8)) == nil)
    }
}
