import Configuration
import HAL
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

@Suite struct BME280KindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    @Test func aSampleBecomesThreeReadingsWithSenMLUnits() {
        let sample = BME280Sample(temperatureCelsius: 21.5, pressurePascal: 101_325, humidityPercent: 45)
        let readings = sample.readings(sensorID: "air", at: stamp)
        #expect(readings.map(\.quantity) == ["temperature", "pressure", "humidity"])
        #expect(readings.map(\.unit.rawValue) == ["Cel", "Pa", "%RH"])
        #expect(readings.map(\.number) == [21.5, 101_325, 45])
        #expect(readings.allSatisfy { $0.sensorID == "air" && $0.timestamp == stamp && $0.sequence == 0 })
    }

    @Test func skippedQuantitiesAreLeftOut() {
        let sample = BME280Sample(temperatureCelsius: 20, pressurePascal: nil, humidityPercent: 50)
        #expect(sample.readings(sensorID: "x", at: stamp).map(\.quantity) == ["temperature", "humidity"])
    }

    @Test func quantitiesCarryTheDatasheetsOperatingRanges() {
        // BME280 datasheet, section 1 / table 1: -40...85 °C, 300...1100 hPa, 0...100 %RH.
        var pipeline = BME280Kind().pipeline(for: .init(id: "s", kind: "bme280", bus: .none))
        func reading(_ quantity: String, _ value: Double, _ unit: String) -> Reading {
            Reading(sensorID: "s", quantity: quantity, value: value, unit: SenMLUnit(rawValue: unit), timestamp: stamp)
        }
        let input = [reading("temperature", -40, "Cel"), reading("temperature", 85.5, "Cel"),
                     reading("pressure", 29_999, "Pa"), reading("pressure", 110_000, "Pa"),
                     reading("humidity", 100.1, "%RH"), reading("humidity", 0, "%RH")]
        let result = pipeline.process(input)
        #expect(result.passed == [input[0], input[3], input[5]])
        #expect(result.dropped.map(\.reason) == ["out_of_range", "out_of_range", "out_of_range"])
    }

    @Test func oversamplingCountsBecomeTheRegisterCodes() {
        // Datasheet table 20 / 23 / 24: osrs codes 000 skip, 001 x1, 010 x2, 011 x4, 100 x8, 101 x16.
        let settings = BME280Kind.Options(temperature: 16, pressure: 0, humidity: 4).settings
        #expect(settings.temperatureOversampling.rawValue == 0b101)
        #expect(settings.pressureOversampling.rawValue == 0b000)
        #expect(settings.humidityOversampling.rawValue == 0b011)
    }

    @Test func theSimulatedBoardHostsTheConfiguredChipsAndTheyFollowTheWeather() async throws {
        let address = try #require(I2CAddress(0x77))
        let board = SimulatedBoard(sensors: [.init(id: "a", kind: "bme280", bus: .i2c(bus: 3, address: address),
                                                   options: BME280Kind.Options())],
                                   registry: .builtIn)
        #expect(try await board.i2cBus(3).scan() == [address])
        #expect(try await board.i2cBus(1).scan() == [])
        let sensor = BME280Kind().makeSensor(.init(id: "a", kind: "bme280", bus: .i2c(bus: 3, address: address)),
                                             board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        #expect(readings.map(\.unit.rawValue) == ["Cel", "Pa", "%RH"])
        // The simulated weather swings 21.5 ± 2 °C.
        #expect((19.4...23.6).contains(readings[0].number ?? .nan))
    }
}
