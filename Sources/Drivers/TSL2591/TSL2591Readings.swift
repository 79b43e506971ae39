import Pipeline
import SensorKit

extension TSL2591Sample {
    /// The sample as readings: illuminance (`lx`), and the raw full_spectrum and infrared
    /// channel counts (`count`) for users who apply their own calibration.
    public func readings(sensorID: String, at timestamp: Timestamp) -> [Reading] {
        [Reading(sensorID: sensorID, quantity: "illuminance", value: illuminanceLux, unit: TSL2591Kind.lux, timestamp: timestamp),
         Reading(sensorID: sensorID, quantity: "full_spectrum", value: Double(fullSpectrum), unit: TSL2591Kind.count,
                 timestamp: timestamp),
         Reading(sensorID: sensorID, quantity: "infrared", value: Double(infrared), unit: TSL2591Kind.count, timestamp: timestamp)]
    }
}

extension TSL2591: SensorDriver {
    public func prepareForSampling() async throws { try await start() }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        try await measure().readings(sensorID: sensorID, at: timestamp)
    }
}
