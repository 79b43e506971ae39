import Pipeline
import SensorKit

extension BME280Sample {
    /// The sample as readings of temperature (`Cel`), pressure (`Pa`) and humidity (`%RH`);
    /// a quantity the chip was told to skip is left out.
    public func readings(sensorID: String, at timestamp: Timestamp) -> [Reading] {
        var readings = [
            Reading(sensorID: sensorID, quantity: "temperature", value: temperatureCelsius,
                    unit: .celsius, timestamp: timestamp),
        ]
        if let pressurePascal {
            readings.append(Reading(sensorID: sensorID, quantity: "pressure", value: pressurePascal,
                                    unit: .pascal, timestamp: timestamp))
        }
        if let humidityPercent {
            readings.append(Reading(sensorID: sensorID, quantity: "humidity", value: humidityPercent,
                                    unit: .relativeHumidity, timestamp: timestamp))
        }
        return readings
    }
}

extension BME280: SensorDriver {
    public func prepareForSampling() async throws { try await start() }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        try await measure().readings(sensorID: sensorID, at: timestamp)
    }
}
