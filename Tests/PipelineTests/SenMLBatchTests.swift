import Testing
@testable import Pipeline

/// Compact SenML batches, JSON and CBOR, resolved by `Scripts/senml-cbor-check.py` (Python's
/// cbor2 and json, RFC 8428 section 4.6 resolution written there, not ours) and compared with
/// the readings that went in.
@Suite struct SenMLBatchTests {
    let context = EncoderContext(gatewayID: "greenhouse-1", readingsTopic: "sensorgw/greenhouse-1/readings")

    /// What the checker prints for a float: its IEEE 754 double bits.
    static func float(_ value: Double) -> String {
        let hex = String(value.bitPattern, radix: 16)
        return "\"f:" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }

    /// The resolved record the checker must print for `reading`, built from the reading alone.
    static func resolved(_ reading: Reading, gateway: String = "greenhouse-1") -> String {
        var fields: [String: String] = [
            "resolved:name": "\"\(gateway):\(reading.sensorID):\(reading.quantity)\"",
            "resolved:time": float(reading.timestamp.wallSeconds),
            "resolved:unit": "\"\(reading.unit.rawValue)\"",
            "resolved:seq": "\(reading.sequence)",
            "resolved:mono_ns": "\(reading.timestamp.monotonicNanoseconds)",
            "resolved:synced": "\(reading.timestamp.clockSynchronized)",
        ]
        switch reading.value {
        case .number(let number): fields["resolved:v"] = float(number)
        case .boolean(let flag): fields["resolved:vb"] = "\(flag)"
        case .text(let text): fields["resolved:vs"] = "\"\(text)\""
        case .bytes(let data):
            fields["resolved:vd"] = "\"b:" + data.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() + "\""
        }
        if let rebased = reading.timestamp.rebasedWallSeconds {
            fields["resolved:t_rebased"] = float(rebased)
        } else if !reading.timestamp.clockSynchronized, let boot = reading.timestamp.bootID {
            fields["resolved:boot"] = "\"\(boot)\""
        }
        return "{" + fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }

    func payloads(_ readings: [Reading]) -> (json: [UInt8], cbor: [UInt8]) {
        var json: [UInt8] = [], cbor: [UInt8] = []
        _ = SenMLJSONEncoder(context: context, maxReadingsPerMessage: readings.count).encode(readings[...], into: &json)
        _ = SenMLCBOREncoder(context: context, maxReadingsPerMessage: readings.count).encode(readings[...], into: &cbor)
        return (json, cbor)
    }

    /// Both formats resolve to exactly `readings`.
    func expectBothResolve(_ readings: [Reading], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (json, cbor) = payloads(readings)
        let expected = ["pack \(readings.count)"] + readings.map { Self.resolved($0) }
        #expect(try CBORChecker.decode([cbor], resolvedOnly: true) == expected, sourceLocation: sourceLocation)
        #expect(try CBORChecker.decode([json], json: true, resolvedOnly: true) == expected, sourceLocation: sourceLocation)
    }

    /// The benchmark's synthetic workload (`Benchmarks/run.py`): one sensor `stream`, quantity
    /// `counter` in `count`, values counting up, 500 readings per sample every 100 ms, so a
    /// 100-reading message is 100 consecutive readings of one sample.
    static func syntheticBatch(firstValue: Int, count: Int = 100) -> [Reading] {
        let stamp = Timestamp(wallSeconds: 1_764_218_400.123456, monotonicNanoseconds: 81_234_567_890, clockSynchronized: true)
        return (0..<count).map { index in
            Reading(sensorID: "stream", quantity: "counter", value: Double(firstValue + index), unit: SenMLUnit(rawValue: "count"),
                    timestamp: stamp, sequence: UInt64(firstValue + index))
        }
    }

    @Test func aSyntheticBatchOf100IsAtMost12BytesPerReadingInCBORAndResolvesExactly() throws {
        // Late in a 100,000-reading run: values and sequence numbers need 5 bytes each.
        let readings = Self.syntheticBatch(firstValue: 99_901)
        try expectBothResolve(readings)
        let (json, cbor) = payloads(readings)
        let perReading = Double(cbor.count) / Double(readings.count)
        #expect(perReading <= 12, "CBOR: \(cbor.count) bytes for 100 readings")
        // The record after the first is a map of one field: its value (seq, time, unit, name held).
        let lines = try CBORChecker.decode([cbor])
        #expect(lines[2].hasPrefix(#"{"int:2":99902,"resolved:"#), "\(lines[2])")
        print("SenML bytes per reading, synthetic 100-reading batch: CBOR \(perReading), JSON \(Double(json.count) / 100)")
    }

    @Test func largerBatchesCostFewerBytesPerReading() throws {
        // The table in docs/FORMATS.md comes from these lines.
        var previous: (json: Double, cbor: Double) = (.infinity, .infinity)
        for size in [1, 10, 32, 100] {
            let readings = Self.syntheticBatch(firstValue: 99_901, count: size)
            let (json, cbor) = payloads(readings)
            let perReading = (json: Double(json.count) / Double(size), cbor: Double(cbor.count) / Double(size))
            #expect(perReading.json < previous.json && perReading.cbor < previous.cbor, "\(size): \(perReading)")
            #expect(perReading.cbor < perReading.json)
            previous = perReading
            print("SenML bytes per reading, synthetic batch of \(size): JSON \(perReading.json), CBOR \(perReading.cbor)")
        }
    }

    @Test func aBME280StyleBatchAlternatesQuantitiesAndStillResolves() throws {
        // Three quantities per sample, one sample a second, the second one's clock not yet synced.
        var readings: [Reading] = []
        for sample in 0..<4 {
            let stamp = Timestamp(wallSeconds: 1_764_218_400.5 + Double(sample), monotonicNanoseconds: UInt64(10 + sample) * 1_000_000_000,
                                  clockSynchronized: sample != 1)
            for (index, (quantity, value, unit)) in [("temperature", 21.53, SenMLUnit.celsius), ("pressure", 101_325, .pascal),
                                                     ("humidity", 45.25, .relativeHumidity)].enumerated() {
                readings.append(Reading(sensorID: "air", quantity: quantity, value: value + Double(sample), unit: unit, timestamp: stamp,
                                        sequence: UInt64(100 + sample * 3 + index)))
            }
        }
        readings.remove(at: 5)  // a gap in the sequence numbers: seq is written again after it
        try expectBothResolve(readings)
        let (_, cbor) = payloads(readings)
        print("SenML CBOR bytes per reading, BME280-style batch of \(readings.count): \(Double(cbor.count) / Double(readings.count))")
    }

    @Test func runsOfOneSeriesPutTheWholeNameInTheBaseNameAndTheUnitInTheBaseUnit() throws {
        let readings = Self.syntheticBatch(firstValue: 1, count: 3)
        let (json, _) = payloads(readings)
        #expect(String(decoding: json, as: UTF8.self) == #"[{"bn":"greenhouse-1:stream:counter","bu":"count","v":1,"bt":1764218400.123456,"seq":1,"mono_ns":81234567890,"synced":true},{"v":2},{"v":3}]"#)
    }

    @Test func everyKindOfValueResolvesInBothFormats() throws {
        let stamp = Timestamp(wallSeconds: 1_764_218_400, monotonicNanoseconds: 5, clockSynchronized: true)
        let readings = [
            Reading(sensorID: "door", quantity: "open", value: .boolean(true), unit: SenMLUnit(rawValue: "/"), timestamp: stamp, sequence: 1),
            Reading(sensorID: "door", quantity: "open", value: .boolean(false), unit: SenMLUnit(rawValue: "/"), timestamp: stamp, sequence: 2),
            Reading(sensorID: "fw", quantity: "version", value: .text("1.4.2-rc1"), unit: SenMLUnit(rawValue: "/"), timestamp: stamp, sequence: 3),
            // 0, 1, 2, 3 and 4 bytes: every base64url remainder, and the two url-safe symbols.
            Reading(sensorID: "raw", quantity: "frame", value: .bytes([]), unit: SenMLUnit(rawValue: "/"), timestamp: stamp, sequence: 4),
            Reading(sensorID: "raw", quantity: "frame", value: .bytes([0xFB]), unit: SenMLUnit(rawValue: "/"), timestamp: stamp, sequence: 5),
            Reading(sensorID: "raw", quantity: "frame", value: .bytes([0xFB, 0xFF]), unit: SenMLUnit(rawValue: "/"), timestamp: stamp, sequence: 6),
            Reading(sensorID: "raw", quantity: "frame", value: .bytes([0x00, 0x3E, 0xFF]), unit: SenMLUnit(rawValue: "/"), timestamp: stamp, sequence: 7),
            Reading(sensorID: "raw", quantity: "frame", value: .bytes([1, 2, 3, 4]), unit: SenMLUnit(rawValue: "/"), timestamp: stamp, sequence: 8),
            Reading(sensorID: "air", quantity: "t", value: -0.0, unit: .celsius, timestamp: stamp, sequence: 9),
            Reading(sensorID: "air", quantity: "t", value: -40, unit: .celsius, timestamp: stamp, sequence: 10),
        ]
        try expectBothResolve(readings)
        // RFC 4648 section 10's alphabet: 0xFB 0xFF is "-_8" in base64url ("+/8=" in base64).
        var out: [UInt8] = []
        JSONText.appendBase64URL([0xFB, 0xFF], to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "-_8")
        out.removeAll()
        JSONText.appendBase64URL(Array("foobar".utf8), to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "Zm9vYmFy", "RFC 4648 section 10 test vector")
        out.removeAll()
        JSONText.appendBase64URL(Array("fo".utf8), to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "Zm8", "no padding")
    }

    @Test func rebasedAndUnrebasedTimesAreSentBesideTheOriginal() throws {
        let before = Timestamp(wallSeconds: 946_684_800.5, monotonicNanoseconds: 3_000_000_000, clockSynchronized: false,
                               rebasedWallSeconds: 1_764_218_397.25)
        let lostBoot = Timestamp(wallSeconds: 946_684_900, monotonicNanoseconds: 4_000_000_000, clockSynchronized: false,
                                 bootID: "0b3a6e8e-7a0f-4a8f-9f5e-1c2d3e4f5a6b")
        let after = Timestamp(wallSeconds: 1_764_218_401, monotonicNanoseconds: 7_000_000_000, clockSynchronized: true)
        let readings = [
            Reading(sensorID: "air", quantity: "t", value: 20, unit: .celsius, timestamp: lostBoot, sequence: 1),
            Reading(sensorID: "air", quantity: "t", value: 21, unit: .celsius, timestamp: lostBoot, sequence: 2),
            Reading(sensorID: "air", quantity: "t", value: 22, unit: .celsius, timestamp: before, sequence: 3),
            Reading(sensorID: "air", quantity: "t", value: 23, unit: .celsius, timestamp: after, sequence: 4),
        ]
        try expectBothResolve(readings)
    }

    @Test func nonFiniteValuesAreSkippedAndTheRestResolves() throws {
        var readings = Self.syntheticBatch(firstValue: 10, count: 4)
        readings[1].value = .number(.nan)
        var buffer: [UInt8] = []
        let message = SenMLCBOREncoder(context: context).encode(readings[...], into: &buffer)
        #expect(message.carried == [10, 12, 13] && message.skipped == [11])
        let lines = try CBORChecker.decode([buffer], resolvedOnly: true)
        #expect(lines == ["pack 3"] + [readings[0], readings[2], readings[3]].map { Self.resolved($0) })
    }
}
