import Pipeline
import SensorKit

extension TMP102Sample {
    /// The sample as a temperature reading (`Cel`).
    public func readings(sensorID: String, at timestamp: Timestamp) -> [Reading] {
        [Reading(sensorID: sensorID, quantity: "temperature", value: temperatureCelsius, unit: .celsius,
                 timestamp: timestamp)]
    }
}

extension TMP102: SensorDriver {
    public func prepareForSampling() async throws { try await start() }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        try await measure().readings(sensorID: sensorID, at: timestamp)
    }
}
