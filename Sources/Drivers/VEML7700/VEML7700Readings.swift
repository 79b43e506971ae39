import Pipeline
import SensorKit

extension VEML7700Sample {
    /// The sample as one reading of illuminance (`lx`).
    public func readings(sensorID: String, at timestamp: Timestamp) -> [Reading] {
        [Reading(sensorID: sensorID, quantity: "illuminance", value: illuminanceLux, unit: VEML7700Kind.lux,
                 timestamp: timestamp)]
    }
}

extension VEML7700: SensorDriver {
    public func prepareForSampling() async throws { try await start() }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        try await measure().readings(sensorID: sensorID, at: timestamp)
    }
}
