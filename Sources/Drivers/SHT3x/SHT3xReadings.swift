import Pipeline

extension SHT3xSample {
    /// The sample as readings of temperature (`Cel`) and relative humidity (`%RH`).
    public func readings(sensorID: String, at timestamp: Timestamp) -> [Reading] {
        [Reading(sensorID: sensorID, quantity: "temperature", value: temperatureCelsius,
                 unit: .celsius, timestamp: timestamp),
         Reading(sensorID: sensorID, quantity: "humidity", value: humidityPercent,
                 unit: .relativeHumidity, timestamp: timestamp)]
    }
}
