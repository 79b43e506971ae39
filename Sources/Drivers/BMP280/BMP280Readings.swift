import Pipeline
import SensorKit

extension BMP280Sample {
    /// The sample as readings of temperature (`Cel`) and pressure (`Pa`); a skipped pressure is
    /// left out.
    public func readings(sensorID: String, at timestamp: Timestamp) -> [Reading] {
        var readings = [Reading(sensorID: sensorID, quantity: "temperature", value: temperatureCelsius,
                                unit: .celsius, timestamp: timestamp)]
        if let pressurePascal {
            readings.append(Reading(sensorID: sensorID, quantity: "pressure", value: pressurePascal,
                                    unit: .pascal, timestamp: timestamp))
        }
        return readings
    }
}

extension BMP280: SensorDriver {
    public func prepareForSampling() async throws { try await start() }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        try await measure().readings(sensorID: sensorID, at: timestamp)
    }
}
