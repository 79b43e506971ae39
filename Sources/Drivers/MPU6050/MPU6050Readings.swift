import Pipeline
import SensorKit

extension MPU6050Sample {
    /// The sample as readings: acceleration_x/y/z (`m/s2`), angular_velocity_x/y/z (`1/s`:
    /// rad/s, since SenML registers no `rad/s` and the radian is dimensionless) and
    /// temperature (`Cel`).
    public func readings(sensorID: String, at timestamp: Timestamp) -> [Reading] {
        let axes = ["x", "y", "z"]
        var readings = zip(axes, acceleration).map { axis, value in
            Reading(sensorID: sensorID, quantity: "acceleration_\(axis)", value: value, unit: MPU6050Kind.acceleration,
                    timestamp: timestamp)
        }
        readings += zip(axes, angularVelocity).map { axis, value in
            Reading(sensorID: sensorID, quantity: "angular_velocity_\(axis)", value: value,
                    unit: MPU6050Kind.radiansPerSecond, timestamp: timestamp)
        }
        readings.append(Reading(sensorID: sensorID, quantity: "temperature", value: temperatureCelsius, unit: .celsius,
                                timestamp: timestamp))
        return readings
    }
}

extension MPU6050: SensorDriver {
    public func prepareForSampling() async throws { try await start() }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        try await measure().readings(sensorID: sensorID, at: timestamp)
    }
}
