import Pipeline

/// How a line's logical level is reported: a SenML boolean (`vb`) labelled `/`, the
/// dimensionless unit, since every reading carries a unit and a level has no other.
enum GPIOStateReading {
    /// The quantity's name.
    static let quantity = "state"
    /// Dimensionless (RFC 8428 section 12.1).
    static let unit = SenMLUnit(rawValue: "/")

    /// The reading of `level` for `sensorID` at `timestamp`.
    static func reading(_ level: Bool, sensorID: String, at timestamp: Timestamp) -> Reading {
        Reading(sensorID: sensorID, quantity: quantity, value: .boolean(level), unit: unit, timestamp: timestamp)
    }
}
