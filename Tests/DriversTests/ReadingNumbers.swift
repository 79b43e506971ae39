import Pipeline

extension Reading {
    /// The numeric value, NaN for a boolean, text or bytes: every comparison with a NaN fails,
    /// so a driver that wrongly produced a non-number fails the test that reads this.
    var numberOrNaN: Double { number ?? .nan }
}
