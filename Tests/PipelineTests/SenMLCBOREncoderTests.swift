import Testing
@testable import Pipeline

/// The CBOR encoder, read back by Python's cbor2 (``CBORChecker``), and its bytes against the
/// examples of RFC 8949 Appendix A.
@Suite struct SenMLCBOREncoderTests {
    let context = EncoderContext(gatewayID: "greenhouse-1", readingsTopic: "sensorgw/greenhouse-1/readings")
    let stamp = Timestamp(wallSeconds: 1_764_218_400.25, monotonicNanoseconds: 987_654_321, clockSynchronized: true)

    /// What the checker prints for a float: its IEEE 754 double bits.
    func float(_ value: Double) -> String {
        let hex = String(value.bitPattern, radix: 16)
        return "\"f:" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }

    /// A record line as the checker prints it (keys sorted, compact JSON).
    func record(_ fields: [String: String]) -> String {
        "{" + fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }

    func encode(_ readings: [Reading], encoder: SenMLCBOREncoder? = nil) -> ([UInt8], EncodedMessage) {
        var buffer: [UInt8] = []
        let message = (encoder ?? SenMLCBOREncoder(context: context)).encode(readings[...], into: &buffer)
        return (buffer, message)
    }

    @Test func oneReadingIsAPackOfOneRecordWithRFC8428IntegerLabels() throws {
        let reading = Reading(sensorID: "air", quantity: "temperature", value: 21.53, unit: .celsius, timestamp: stamp, sequence: 17)
        let (payload, message) = encode([reading])
        #expect(message == EncodedMessage(topic: "sensorgw/greenhouse-1/readings", carried: [17], skipped: []))
        let lines = try CBORChecker.decode([payload])
        // RFC 8428 section 6: bn = -2, bt = -3, n = 0, u = 1, v = 2.
        #expect(lines == ["pack 1", record([
            "int:-2": #""greenhouse-1:air:""#, "int:-3": float(1_764_218_400.25),
            "int:0": #""temperature""#, "int:1": #""Cel""#, "int:2": float(21.53),
            "text:seq": "17", "text:mono_ns": "987654321", "text:synced": "true",
            "resolved:name": #""greenhouse-1:air:temperature""#, "resolved:time": float(1_764_218_400.25),
            "resolved:unit": #""Cel""#, "resolved:v": float(21.53),
            "resolved:seq": "17", "resolved:mono_ns": "987654321", "resolved:synced": "true",
        ])])
        #expect(SenMLCBOREncoder(context: context).contentType == "application/senml+cbor")
    }

    @Test func aBatchUsesBaseNameAndBaseTimeAndResolvesToEveryReadingExactly() throws {
        let later = Timestamp(wallSeconds: 1_764_218_401.75, monotonicNanoseconds: 2_487_654_321, clockSynchronized: false)
        let readings = [
            Reading(sensorID: "air", quantity: "temperature", value: 21.5, unit: .celsius, timestamp: stamp, sequence: 40),
            Reading(sensorID: "air", quantity: "pressure", value: 101_325.25, unit: .pascal, timestamp: stamp, sequence: 41),
            Reading(sensorID: "air", quantity: "humidity", value: .nan, unit: .relativeHumidity, timestamp: stamp, sequence: 42),
            Reading(sensorID: "soil", quantity: "temperature", value: -0.1, unit: .celsius, timestamp: later, sequence: 43),
        ]
        let (payload, message) = encode(readings)
        #expect(message.carried == [40, 41, 43])
        #expect(message.skipped == [42], "NaN cannot be carried; the uplink is told which reading it was")
        let lines = try CBORChecker.decode([payload])
        #expect(lines == [
            "pack 3",
            record([
                "int:-2": #""greenhouse-1:air:""#, "int:-3": float(1_764_218_400.25),
                "int:0": #""temperature""#, "int:1": #""Cel""#, "int:2": float(21.5),
                "text:seq": "40", "text:mono_ns": "987654321", "text:synced": "true",
                "resolved:name": #""greenhouse-1:air:temperature""#, "resolved:time": float(1_764_218_400.25),
                "resolved:unit": #""Cel""#, "resolved:v": float(21.5),
                "resolved:seq": "40", "resolved:mono_ns": "987654321", "resolved:synced": "true",
            ]),
            // Same sensor, same time: neither base name nor time is repeated; seq is 40 + 1 and
            // mono_ns and synced are unchanged, so they are held.
            record([
                "int:0": #""pressure""#, "int:1": #""Pa""#, "int:2": float(101_325.25),
                "resolved:name": #""greenhouse-1:air:pressure""#, "resolved:time": float(1_764_218_400.25),
                "resolved:unit": #""Pa""#, "resolved:v": float(101_325.25),
                "resolved:seq": "41", "resolved:mono_ns": "987654321", "resolved:synced": "true",
            ]),
            // Another sensor: a new base name; 1.5 s later: t relative to the base time; seq
            // skips 42 (refused), so it is written, as are the changed mono_ns and synced.
            record([
                "int:-2": #""greenhouse-1:soil:""#, "int:0": #""temperature""#, "int:1": #""Cel""#,
                "int:2": float(-0.1), "int:6": float(1.5),
                "text:seq": "43", "text:mono_ns": "2487654321", "text:synced": "false",
                "resolved:name": #""greenhouse-1:soil:temperature""#, "resolved:time": float(1_764_218_401.75),
                "resolved:unit": #""Cel""#, "resolved:v": float(-0.1),
                "resolved:seq": "43", "resolved:mono_ns": "2487654321", "resolved:synced": "false",
            ]),
        ])
    }

    @Test func aTimeDifferenceThatWouldRoundGetsAFreshBaseTime() throws {
        // 15.414436115747165 + (234.43537133582825 - 15.414436115747165) != 234.43537133582825 in
        // binary64: a relative `t` would move the reading in time.
        let first = Timestamp(wallSeconds: 15.414436115747165, monotonicNanoseconds: 1, clockSynchronized: false)
        let second = Timestamp(wallSeconds: 234.43537133582825, monotonicNanoseconds: 2, clockSynchronized: false)
        let readings = [
            Reading(sensorID: "a", quantity: "t", value: 1, unit: .celsius, timestamp: first, sequence: 1),
            Reading(sensorID: "a", quantity: "t", value: 2, unit: .celsius, timestamp: second, sequence: 2),
        ]
        let lines = try CBORChecker.decode([encode(readings).0])
        #expect(lines.count == 3)
        #expect(lines.last?.contains(#""int:-3":\#(float(234.43537133582825))"#) == true, "\(lines)")
        #expect(lines.last?.contains(#""resolved:time":\#(float(234.43537133582825))"#) == true, "\(lines)")
        #expect(lines.last?.contains("int:6") == false)
    }

    @Test func textIsUTF8WithItsByteLength() throws {
        let encoder = SenMLCBOREncoder(context: EncoderContext(gatewayID: "gewächshaus", readingsTopic: "t"))
        let reading = Reading(sensorID: "luft\"1", quantity: "température", value: 0, unit: SenMLUnit(rawValue: "%RH"),
                              timestamp: stamp, sequence: UInt64(Int64.max))
        let lines = try CBORChecker.decode([encode([reading], encoder: encoder).0])
        #expect(lines.count == 2)
        #expect(lines[1].contains(#""resolved:name":"gewächshaus:luft\"1:température""#), "\(lines)")
        #expect(lines[1].contains(#""text:seq":9223372036854775807"#), "\(lines)")
    }

    @Test func valuesDecodeExactlyWhateverWidthTheyTake() throws {
        let values: [Double] = [0, -0.0, 1.5, 65504, 100_000, 1.1, 5.960464477539063e-8, 3.4028234663852886e38,
                                -1e-300, 123_456_789.123, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude]
        let payloads = values.enumerated().map { index, value in
            encode([Reading(sensorID: "s", quantity: "q", value: value, unit: .celsius, timestamp: stamp, sequence: UInt64(index))]).0
        }
        let lines = try CBORChecker.decode(payloads)
        #expect(lines.count == 2 * values.count)
        for (index, value) in values.enumerated() {
            // Integral values travel as CBOR integers (cbor2 reads them as int), the rest as floats;
            // either way the value resolves to exactly the same double.
            #expect(lines[2 * index + 1].contains(#""resolved:v":\#(float(value))"#), "\(value): \(lines[2 * index + 1])")
        }
    }

    @Test func floatsTakeTheShortestExactFormAsInRFC8949AppendixA() {
        func bytes(_ value: Double) -> [UInt8] {
            var out: [UInt8] = []
            CBORWriter.appendFloat(value, to: &out)
            return out
        }
        #expect(bytes(0.0) == [0xF9, 0x00, 0x00])
        #expect(bytes(-0.0) == [0xF9, 0x80, 0x00])
        #expect(bytes(1.5) == [0xF9, 0x3E, 0x00])
        #expect(bytes(65504.0) == [0xF9, 0x7B, 0xFF])
        #expect(bytes(5.960464477539063e-8) == [0xF9, 0x00, 0x01])
        #expect(bytes(0.00006103515625) == [0xF9, 0x04, 0x00])
        #expect(bytes(-4.0) == [0xF9, 0xC4, 0x00])
        #expect(bytes(100_000.0) == [0xFA, 0x47, 0xC3, 0x50, 0x00])
        #expect(bytes(3.4028234663852886e+38) == [0xFA, 0x7F, 0x7F, 0xFF, 0xFF])
        #expect(bytes(1.1) == [0xFB, 0x3F, 0xF1, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A])
        #expect(bytes(1.0e+300) == [0xFB, 0x7E, 0x37, 0xE4, 0x3C, 0x88, 0x00, 0x75, 0x9C])
    }

    @Test func integersTakeTheShortestHeadAsInRFC8949AppendixA() {
        func bytes(_ value: Int64) -> [UInt8] {
            var out: [UInt8] = []
            CBORWriter.appendInteger(value, to: &out)
            return out
        }
        #expect(bytes(0) == [0x00])
        #expect(bytes(23) == [0x17])
        #expect(bytes(24) == [0x18, 0x18])
        #expect(bytes(100) == [0x18, 0x64])
        #expect(bytes(1000) == [0x19, 0x03, 0xE8])
        #expect(bytes(1_000_000) == [0x1A, 0x00, 0x0F, 0x42, 0x40])
        #expect(bytes(1_000_000_000_000) == [0x1B, 0x00, 0x00, 0x00, 0xE8, 0xD4, 0xA5, 0x10, 0x00])
        #expect(bytes(-1) == [0x20])
        #expect(bytes(-10) == [0x29])
        #expect(bytes(-100) == [0x38, 0x63])
        #expect(bytes(-1000) == [0x39, 0x03, 0xE7])
        var text: [UInt8] = []
        CBORWriter.appendText("IETF", to: &text)
        #expect(text == [0x64, 0x49, 0x45, 0x54, 0x46])
    }

    @Test func nothingEncodableMeansNothingToPublish() {
        let reading = Reading(sensorID: "a", quantity: "t", value: .infinity, unit: .celsius, timestamp: stamp, sequence: 5)
        let (payload, message) = encode([reading])
        #expect(payload.isEmpty)
        #expect(message.carried.isEmpty && message.skipped == [5])
    }
}

@Suite struct ReadingEncodersTests {
    @Test func theRegistryNamesEveryFormatWithJSONAsTheDefault() {
        #expect(ReadingEncoders.names == ["senml-json", "senml-cbor", "sparkplug-b", "homeassistant"])
        #expect(ReadingEncoders.default.name == "senml-json")
        #expect(ReadingEncoders.defaultName == "senml-json")
        #expect(ReadingEncoders.named("sparkplug") == nil)
        let context = EncoderContext(gatewayID: "g", readingsTopic: "p/g/readings")
        let cbor = ReadingEncoders.named("senml-cbor")?.makeEncoder(context)
        #expect(cbor?.contentType == "application/senml+cbor")
        #expect(cbor?.context == context)
        #expect((cbor?.maxReadingsPerMessage ?? 0) > 1, "CBOR batches")
        #expect(ReadingEncoders.default.makeEncoder(context).maxReadingsPerMessage == 1)
        // `mqtt.readings_per_message` overrides each format's default.
        #expect(ReadingEncoders.default.makeEncoder(context, readingsPerMessage: 100).maxReadingsPerMessage == 100)
        #expect(ReadingEncoders.named("senml-cbor")?.makeEncoder(context, readingsPerMessage: 7).maxReadingsPerMessage == 7)
    }
}
