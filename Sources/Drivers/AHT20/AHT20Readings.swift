import Pipeline
import SensorKit

extension AHT20Sample {
    /// The sample as readings of temperature (`Cel`) and relative humidity (`%RH`).
    public func readings(sensorID: String, at timestamp: Timestamp) -> [Reading] {
        [Reading(sensorID: sensorID, quantity: "temperature", value: temperatureCelsius,
                 unit: .celsius, timestamp: timestamp),
         Reading(sensorID: sensorID, quantity: "humidity", value: humidityPercent,
                 unit: .relativeHumidity, timestamp: timestamp)]
    }
}

extension AHT20: SensorDriver {
    public func prepareForSampling() async throws { try await start() }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        try await measure().readings(sensorID: sensorID, at: timestamp)
    }
}
