import Testing
import Drivers
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

@Suite struct ReadingValidationTests {
    let stamp = Timestamp(wallSeconds: 0, monotonicNanoseconds: 0, clockSynchronized: false)

    func reading(_ value: Double, _ unit: SenMLUnit) -> Reading {
        Reading(sensorID: "s", quantity: "q", value: value, unit: unit, timestamp: stamp)
    }

    @Test func bme280OperatingRangesFromTheDatasheet() {
        // BME280 datasheet, table 1: -40...85 °C, 300...1100 hPa, 0...100 %RH.
        #expect(reading(-40, .celsius).rejection() == nil)
        #expect(reading(85, .celsius).rejection() == nil)
        #expect(reading(85.5, .celsius).rejection() == .outOfRange)
        #expect(reading(29_999, .pascal).rejection() == .outOfRange)
        #expect(reading(110_000, .pascal).rejection() == nil)
        #expect(reading(100.1, .relativeHumidity).rejection() == .outOfRange)
        #expect(reading(.nan, .relativeHumidity).rejection() == .notFinite)
    }

    @Test func sampleBecomesThreeReadingsWithSenMLUnits() {
        let sample = BME280SampleFixture.sample
        let readings = sample.readings(sensorID: "air", at: stamp)
        #expect(readings.map(\.quantity) == ["temperature", "pressure", "humidity"])
        #expect(readings.map(\.unit) == [.celsius, .pascal, .relativeHumidity])
        #expect(readings.map(\.value) == [21.5, 101_325, 45])
        #expect(readings.allSatisfy { $0.sensorID == "air" && $0.timestamp == stamp && $0.sequence == 0 })
    }
}

@Suite struct SampleReadingsTests {
    @Test func skippedQuantitiesAreLeftOut() {
        let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)
        let sample = BME280Sample(temperatureCelsius: 20, pressurePascal: nil, humidityPercent: 50)
        #expect(sample.readings(sensorID: "x", at: stamp).map(\.quantity) == ["temperature", "humidity"])
    }
}
