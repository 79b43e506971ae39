/// One BH1750 measurement: the raw count and the measurement time it was taken with.
public struct BH1750Sample: Sendable, Hashable {
    /// The 16-bit result, high byte first on the wire.
    public var count: UInt16
    /// MTreg during the measurement.
    public var measurementTime: BH1750MeasurementTime

    /// Creates a sample.
    public init(count: UInt16, measurementTime: BH1750MeasurementTime = .default) {
        self.count = count
        self.measurementTime = measurementTime
    }

    /// Illuminance in lx.
    public var illuminanceLux: Double { measurementTime.lux(count: count) }
}
