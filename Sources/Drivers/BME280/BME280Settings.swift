/// How a BME280 measures: oversampling per quantity and the IIR filter.
///
/// The defaults are the datasheet's "weather monitoring" suggestion (3.5.1): x1 everywhere,
/// filter off, one forced measurement per call.
public struct BME280Settings: Sendable, Hashable {
    /// Oversampling of one quantity, shared with the BMP280.
    public typealias Oversampling = BMx280Oversampling
    /// IIR filter coefficient, shared with the BMP280.
    public typealias Filter = BMx280Filter

    /// Temperature oversampling; must not be `.skip` because pressure and humidity need t_fine.
    public var temperatureOversampling: Oversampling
    /// Pressure oversampling; `.skip` leaves the sample's pressure `nil`.
    public var pressureOversampling: Oversampling
    /// Humidity oversampling; `.skip` leaves the sample's humidity `nil`.
    public var humidityOversampling: Oversampling
    /// IIR filter coefficient.
    public var filter: Filter

    /// Creates settings.
    public init(temperatureOversampling: Oversampling = .x1, pressureOversampling: Oversampling = .x1,
                humidityOversampling: Oversampling = .x1, filter: Filter = .off) {
        self.temperatureOversampling = temperatureOversampling
        self.pressureOversampling = pressureOversampling
        self.humidityOversampling = humidityOversampling
        self.filter = filter
    }

    /// The `ctrl_hum` value (osrs_h in bits 2:0).
    public var ctrlHumValue: UInt8 { humidityOversampling.rawValue & 0x07 }

    /// The `ctrl_meas` value that starts one forced measurement.
    public var ctrlMeasForcedValue: UInt8 {
        (temperatureOversampling.rawValue << 5) | (pressureOversampling.rawValue << 2)
            | BME280Register.modeForced
    }

    /// The `config` value: standby 0 (unused in forced mode), the filter, 3-wire SPI off.
    public var configValue: UInt8 { filter.rawValue << 2 }

    /// Maximum measurement time in microseconds, datasheet Appendix B (9.1):
    /// 1.25 + 2.3·T + (2.3·P + 0.575) + (2.3·H + 0.575) ms, where a skipped quantity
    /// contributes nothing (not even its 0.575 ms).
    public var maximumMeasurementMicroseconds: Int {
        BMx280Timing.maximumMicroseconds([temperatureOversampling, pressureOversampling, humidityOversampling])
    }

    /// Typical measurement time in microseconds, Appendix B:
    /// 1 + 2·T + (2·P + 0.5) + (2·H + 0.5) ms. The driver waits this long before its first poll.
    public var typicalMeasurementMicroseconds: Int {
        BMx280Timing.typicalMicroseconds([temperatureOversampling, pressureOversampling, humidityOversampling])
    }

    /// How long the driver polls before giving up: the datasheet maximum plus 25 % and 2 ms.
    public var measurementDeadline: Duration {
        BMx280Timing.deadline(maximumMicroseconds: maximumMeasurementMicroseconds)
    }
}
