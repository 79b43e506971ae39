import Pipeline
import SensorKit

extension LIS3DHSample {
    /// The sample as readings of acceleration_x/y/z (`m/s2`).
    public func readings(sensorID: String, at timestamp: Timestamp) -> [Reading] {
        zip(["x", "y", "z"], acceleration).map { axis, value in
            Reading(sensorID: sensorID, quantity: "acceleration_\(axis)", value: value, unit: LIS3DHKind.acceleration,
                    timestamp: timestamp)
        }
    }
}

extension LIS3DH: SensorDriver {
    public func prepareForSampling() async throws { try await start() }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        try await measure().readings(sensorID: sensorID, at: timestamp)
    }
}
