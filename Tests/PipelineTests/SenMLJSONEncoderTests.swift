import Testing
@testable import Pipeline

@Suite struct SenMLJSONEncoderTests {
    let timestamp = Timestamp(wallSeconds: 1_764_218_400.25, monotonicNanoseconds: 987_654_321, clockSynchronized: true)
    let context = EncoderContext(gatewayID: "greenhouse-1", readingsTopic: "sensorgw/greenhouse-1/readings")

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func encodesOneReadingAsOneSenMLRecord() {
        let reading = Reading(sensorID: "air", quantity: "temperature", value: 21.53, unit: .celsius,
                              timestamp: timestamp, sequence: 17)
        let json = SenMLJSONEncoder(gatewayID: "greenhouse-1").encode(reading)
        #expect(json == #"[{"bn":"greenhouse-1:air:","n":"temperature","u":"Cel","v":21.53,"bt":1764218400.25,"seq":17,"mono_ns":987654321,"synced":true}]"#)
    }

    @Test func theProtocolWritesTheSameBytesIntoTheCallersBufferWithTopicAndContentType() {
        let encoder = SenMLJSONEncoder(context: context)
        let reading = Reading(sensorID: "air", quantity: "humidity", value: 45.5, unit: .relativeHumidity,
                              timestamp: timestamp, sequence: 3)
        // Stale contents from an earlier message must not leak into the next one.
        var buffer = Array("left over from the last message".utf8)
        let message = encoder.encode([reading][...], into: &buffer)
        #expect(text(buffer) == #"[{"bn":"greenhouse-1:air:","n":"humidity","u":"%RH","v":45.5,"bt":1764218400.25,"seq":3,"mono_ns":987654321,"synced":true}]"#)
        #expect(message == EncodedMessage(topic: "sensorgw/greenhouse-1/readings", carried: [3], skipped: []))
        #expect(encoder.contentType == "application/senml+json")
        #expect(encoder.maxReadingsPerMessage == 1)
    }

    @Test func aBatchIsOnePackWithTheBaseNameWrittenWhenItChanges() {
        let encoder = SenMLJSONEncoder(context: EncoderContext(gatewayID: "g", readingsTopic: "t"), maxReadingsPerMessage: 3)
        let readings = [
            Reading(sensorID: "a", quantity: "temperature", value: 20, unit: .celsius, timestamp: timestamp, sequence: 1),
            Reading(sensorID: "a", quantity: "pressure", value: 1e-05, unit: .pascal, timestamp: timestamp, sequence: 2),
            Reading(sensorID: "b", quantity: "temperature", value: -3.5, unit: .celsius, timestamp: timestamp, sequence: 3),
        ]
        var buffer: [UInt8] = []
        let message = encoder.encode(readings[...], into: &buffer)
        // Later records hold the base name, time, seq (+1), mono_ns and synced; integers lose ".0".
        #expect(text(buffer) == "[" + #"{"bn":"g:a:","n":"temperature","u":"Cel","v":20,"bt":1764218400.25,"seq":1,"mono_ns":987654321,"synced":true},"#
            + #"{"n":"pressure","u":"Pa","v":1e-05},"#
            + #"{"bn":"g:b:","n":"temperature","u":"Cel","v":-3.5}]"#)
        #expect(message.carried == [1, 2, 3])
    }

    @Test func unsyncedClockIsSaid() throws {
        var stamp = timestamp
        stamp.clockSynchronized = false
        let reading = Reading(sensorID: "a", quantity: "pressure", value: 101325, unit: .pascal, timestamp: stamp, sequence: 1)
        let json = try #require(SenMLJSONEncoder(gatewayID: "g").encode(reading))
        #expect(json.contains(#""synced":false"#))
        #expect(json.contains(#""v":101325,"#), "an integer value is written without a fraction")
    }

    @Test func nonFiniteValuesAreNotEncoded() {
        for value in [Double.nan, .infinity, -.infinity] {
            let reading = Reading(sensorID: "a", quantity: "t", value: value, unit: .celsius, timestamp: timestamp)
            #expect(SenMLJSONEncoder(gatewayID: "g").encode(reading) == nil)
        }
    }

    @Test func refusedReadingsAreNamedAndLeftOutOfTheBatch() {
        let encoder = SenMLJSONEncoder(context: context, maxReadingsPerMessage: 3)
        let readings = [
            Reading(sensorID: "a", quantity: "t", value: .nan, unit: .celsius, timestamp: timestamp, sequence: 8),
            Reading(sensorID: "a", quantity: "t", value: 1.5, unit: .celsius, timestamp: timestamp, sequence: 9),
        ]
        var buffer: [UInt8] = []
        let message = encoder.encode(readings[...], into: &buffer)
        #expect(message.carried == [9])
        #expect(message.skipped == [8])
        #expect(text(buffer).hasPrefix(#"[{"bn":"greenhouse-1:a:","n":"t","u":"Cel","v":1.5,"#))
        var empty: [UInt8] = [1, 2, 3]
        let nothing = encoder.encode(readings.prefix(1), into: &empty)
        #expect(nothing.carried.isEmpty && nothing.skipped == [8] && empty.isEmpty)
    }

    @Test func stringsAreEscapedAsJSONRequires() {
        #expect(JSONText.quoted("a\"b\\c\nd\u{01}\u{1F}é") == #""a\"b\\c\nd\u0001\u001fé""#)
        var bytes: [UInt8] = []
        JSONText.appendDecimal(0, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        JSONText.appendDecimal(UInt64.max, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "0 18446744073709551615")
    }
}
