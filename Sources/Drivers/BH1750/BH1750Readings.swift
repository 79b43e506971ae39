import Pipeline

extension BH1750Sample {
    /// The sample as one reading of illuminance (`lx`).
    public func readings(sensorID: String, at timestamp: Timestamp) -> [Reading] {
        [Reading(sensorID: sensorID, quantity: "illuminance", value: illuminanceLux,
                 unit: BH1750Kind.lux, timestamp: timestamp)]
    }
}
