// Stand-in until the BME280 driver lands.
public struct BME280Sample: Sendable, Hashable {
    public var temperatureCelsius: Double
    public var pressurePascal: Double?
    public var humidityPercent: Double?
    public init(temperatureCelsius: Double, pressurePascal: Double?, humidityPercent: Double?) {
        self.temperatureCelsius = temperatureCelsius
        self.pressurePascal = pressurePascal
        self.humidityPercent = humidityPercent
    }
}
