import Drivers

extension BME280Sample {
    /// The sample as readings of temperature (`Cel`), pressure (`Pa`) and humidity (`%RH`).
    public func readings(sensorID: String, at timestamp: Timestamp) -> [Reading] {
        [
            Reading(sensorID: sensorID, quantity: "temperature", value: temperatureCelsius,
                    unit: .celsius, timestamp: timestamp),
            Reading(sensorID: sensorID, quantity: "pressure", value: pressurePascal,
                    unit: .pascal, timestamp: timestamp),
            Reading(sensorID: sensorID, quantity: "humidity", value: humidityPercent,
                    unit: .relativeHumidity, timestamp: timestamp),
        ]
    }
}
