/// One VEML7700 ALS count with the settings that give it a value.
public struct VEML7700Sample: Sendable, Hashable {
    /// The ALS register.
    public var count: UInt16
    /// Gain and integration time during the measurement.
    public var resolution: VEML7700Resolution
    /// Whether the application note's high-illuminance correction applies.
    public var corrected: Bool

    /// Creates a sample.
    public init(count: UInt16, resolution: VEML7700Resolution, corrected: Bool = false) {
        self.count = count
        self.resolution = resolution
        self.corrected = corrected
    }

    /// Illuminance, lx: count × resolution, corrected when asked.
    public var illuminanceLux: Double {
        let lux = Double(count) * resolution.luxPerCount
        return corrected ? VEML7700Resolution.corrected(lux) : lux
    }
}
