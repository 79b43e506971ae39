import Pipeline
import SensorKit

extension BME680Sample {
    /// The sample as readings: temperature (`Cel`), pressure (`Pa`), humidity (`%RH`) and
    /// gas_resistance (`Ohm`); a quantity not measured (skipped, heater off, heater unstable)
    /// is left out, the others are still reported.
    public func readings(sensorID: String, at timestamp: Timestamp) -> [Reading] {
        var readings = [Reading(sensorID: sensorID, quantity: "temperature", value: temperatureCelsius,
                                unit: .celsius, timestamp: timestamp)]
        if let pressurePascal {
            readings.append(Reading(sensorID: sensorID, quantity: "pressure", value: pressurePascal,
                                    unit: .pascal, timestamp: timestamp))
        }
        if let humidityPercent {
            readings.append(Reading(sensorID: sensorID, quantity: "humidity", value: humidityPercent,
                                    unit: .relativeHumidity, timestamp: timestamp))
        }
        if case .resistance(let ohms) = gas {
            readings.append(Reading(sensorID: sensorID, quantity: "gas_resistance", value: ohms,
                                    unit: BME680Kind.ohm, timestamp: timestamp))
        }
        return readings
    }
}

extension BME680: SensorDriver {
    public func prepareForSampling() async throws { try await start() }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        try await measure().readings(sensorID: sensorID, at: timestamp)
    }
}
