import Testing
@testable import Pipeline

@Suite struct SenMLEncoderTests {
    let timestamp = Timestamp(wallSeconds: 1_764_218_400.25, monotonicNanoseconds: 987_654_321, clockSynchronized: true)

    @Test func encodesOneReadingAsOneSenMLRecord() {
        let reading = Reading(sensorID: "air", quantity: "temperature", value: 21.53, unit: .celsius,
                              timestamp: timestamp, sequence: 17)
        let json = SenMLEncoder(gatewayID: "greenhouse-1").encode(reading)
        #expect(json == #"[{"bn":"greenhouse-1:air:","n":"temperature","u":"Cel","v":21.53,"bt":1764218400.25,"seq":17,"mono_ns":987654321,"synced":true}]"#)
    }

    @Test func unitsAreTheRFC8428Symbols() {
        #expect(SenMLUnit.celsius.rawValue == "Cel")
        #expect(SenMLUnit.pascal.rawValue == "Pa")
        #expect(SenMLUnit.relativeHumidity.rawValue == "%RH")
    }

    @Test func unsyncedClockIsSaid() throws {
        var stamp = timestamp
        stamp.clockSynchronized = false
        let reading = Reading(sensorID: "a", quantity: "pressure", value: 101325, unit: .pascal, timestamp: stamp, sequence: 1)
        let json = try #require(SenMLEncoder(gatewayID: "g").encode(reading))
        #expect(json.contains(#""synced":false"#))
        #expect(json.contains(#""v":101325.0"#))
    }

    @Test func nonFiniteValuesAreNotEncoded() {
        for value in [Double.nan, .infinity, -.infinity] {
            let reading = Reading(sensorID: "a", quantity: "t", value: value, unit: .celsius, timestamp: timestamp)
            #expect(SenMLEncoder(gatewayID: "g").encode(reading) == nil)
        }
    }

    @Test func stringsAreEscapedAsJSONRequires() {
        #expect(SenMLEncoder.quoted("a\"b\\c\nd\u{01}") == #""a\"b\\c\nd\u0001""#)
    }
}
