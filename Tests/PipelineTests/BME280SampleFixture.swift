import Drivers

enum BME280SampleFixture {
    static let sample = BME280Sample(temperatureCelsius: 21.5, pressurePascal: 101_325, humidityPercent: 45)
}
