/// How a BMP280 measures: oversampling of temperature and pressure, and the IIR filter.
///
/// The defaults are the datasheet's "weather monitoring" use case (BST-BMP280-DS001 3.8.2,
/// table 15: ultra low power, x1 / x1, filter off), one forced measurement per call.
public struct BMP280Settings: Sendable, Hashable {
    /// Temperature oversampling; must not be `.skip` because pressure needs t_fine.
    public var temperatureOversampling: BMx280Oversampling
    /// Pressure oversampling; `.skip` leaves the sample's pressure `nil`.
    public var pressureOversampling: BMx280Oversampling
    /// IIR filter coefficient.
    public var filter: BMx280Filter

    /// Creates settings.
    public init(temperatureOversampling: BMx280Oversampling = .x1, pressureOversampling: BMx280Oversampling = .x1,
                filter: BMx280Filter = .off) {
        self.temperatureOversampling = temperatureOversampling
        self.pressureOversampling = pressureOversampling
        self.filter = filter
    }

    /// The `ctrl_meas` value that starts one forced measurement (4.3.4: osrs_t 7:5, osrs_p 4:2,
    /// mode 1:0).
    public var ctrlMeasForcedValue: UInt8 {
        (temperatureOversampling.rawValue << 5) | (pressureOversampling.rawValue << 2) | BMx280Register.modeForced
    }

    /// The `config` value (4.3.5): standby 0 (unused in forced mode), the filter, 3-wire SPI off.
    public var configValue: UInt8 { filter.rawValue << 2 }

    /// Maximum measurement time in microseconds: 1.25 + 2.3·T + (2.3·P + 0.575) ms, which gives
    /// table 13's maxima (6.4 ms at x1/x1 ... 43.2 ms at x2/x16).
    public var maximumMeasurementMicroseconds: Int {
        BMx280Timing.maximumMicroseconds([temperatureOversampling, pressureOversampling])
    }

    /// Typical measurement time in microseconds, 1 + 2·T + (2·P + 0.5) ms (table 13: 5.5 ms at
    /// x1/x1); the driver waits this long before its first status poll.
    public var typicalMeasurementMicroseconds: Int {
        BMx280Timing.typicalMicroseconds([temperatureOversampling, pressureOversampling])
    }

    /// How long the driver polls before giving up: the maximum plus 25 % and 2 ms.
    public var measurementDeadline: Duration {
        BMx280Timing.deadline(maximumMicroseconds: maximumMeasurementMicroseconds)
    }
}
