import Pipeline
import SensorKit

extension SCD4xSample {
    /// The sample as readings: co2 as a ratio (`/`: ppm × 10⁻⁶, because readings carry SenML
    /// primary units only; `quantities: {co2: {unit: ppm}}` converts exactly), temperature
    /// (`Cel`) and relative humidity (`%RH`). No co2 reading when the chip sent 0 ppm
    /// (``hasCO2``).
    public func readings(sensorID: String, at timestamp: Timestamp) -> [Reading] {
        var readings: [Reading] = []
        if hasCO2 {
            readings.append(Reading(sensorID: sensorID, quantity: "co2", value: Double(co2PPM) / 1_000_000,
                                    unit: SCD4xKind.ratio, timestamp: timestamp))
        }
        readings.append(Reading(sensorID: sensorID, quantity: "temperature", value: temperatureCelsius,
                                unit: .celsius, timestamp: timestamp))
        readings.append(Reading(sensorID: sensorID, quantity: "humidity", value: humidityPercent,
                                unit: .relativeHumidity, timestamp: timestamp))
        return readings
    }
}

extension SCD4x: SensorDriver {
    public func prepareForSampling() async throws { try await start() }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        try await measure().readings(sensorID: sensorID, at: timestamp)
    }
}
