/// Why a reading was refused before it was stored.
public enum ReadingRejection: String, Sendable, Hashable, CaseIterable {
    /// NaN or infinity: never valid JSON and never a measurement.
    case notFinite
    /// Outside what the quantity can physically be for this kind of sensor.
    case outOfRange
}

extension Reading {
    /// Checks a reading before it is stored; a corrupt reading is dropped and counted, never
    /// stored or sent.
    ///
    /// Ranges are the BME280's operating ranges from its datasheet (temperature -40...85 °C,
    /// pressure 300...1100 hPa, humidity 0...100 %RH), which cover every sensor we drive so far.
    public func rejection() -> ReadingRejection? {
        guard value.isFinite else { return .notFinite }
        let range: ClosedRange<Double>? =
            switch unit {
            case .celsius: -40...85
            case .pascal: 30_000...110_000
            case .relativeHumidity: 0...100
            default: nil
            }
        if let range, !range.contains(value) { return .outOfRange }
        return nil
    }
}
