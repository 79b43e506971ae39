/// How a BME280 measures: oversampling per quantity and the IIR filter.
///
/// The defaults are the datasheet's "weather monitoring" suggestion (3.5.1): x1 everywhere,
/// filter off, one forced measurement per call.
public struct BME280Settings: Sendable, Hashable {
    /// Oversampling of one quantity; the raw value is the register code (`osrs_x`).
    public enum Oversampling: UInt8, Sendable, Hashable, CaseIterable {
        /// Not measured; the data registers keep the "skipped" value.
        case skip = 0
        /// One sample.
        case x1 = 1
        /// Two samples.
        case x2 = 2
        /// Four samples.
        case x4 = 3
        /// Eight samples.
        case x8 = 4
        /// Sixteen samples.
        case x16 = 5

        /// Number of samples taken, 0 when skipped (used for the measurement-time formula).
        public var sampleCount: Int {
            switch self {
            case .skip: return 0
            case .x1: return 1
            case .x2: return 2
            case .x4: return 4
            case .x8: return 8
            case .x16: return 16
            }
        }
    }

    /// IIR filter coefficient; the raw value is the register code (`filter`, config bits 4:2).
    public enum Filter: UInt8, Sendable, Hashable, CaseIterable {
        /// No filtering.
        case off = 0
        /// Coefficient 2.
        case x2 = 1
        /// Coefficient 4.
        case x4 = 2
        /// Coefficient 8.
        case x8 = 3
        /// Coefficient 16.
        case x16 = 4
    }

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
        var micros = 1250 + 2300 * temperatureOversampling.sampleCount
        if pressureOversampling != .skip { micros += 2300 * pressureOversampling.sampleCount + 575 }
        if humidityOversampling != .skip { micros += 2300 * humidityOversampling.sampleCount + 575 }
        return micros
    }

    /// Typical measurement time in microseconds, Appendix B:
    /// 1 + 2·T + (2·P + 0.5) + (2·H + 0.5) ms. The driver waits this long before its first poll.
    public var typicalMeasurementMicroseconds: Int {
        var micros = 1000 + 2000 * temperatureOversampling.sampleCount
        if pressureOversampling != .skip { micros += 2000 * pressureOversampling.sampleCount + 500 }
        if humidityOversampling != .skip { micros += 2000 * humidityOversampling.sampleCount + 500 }
        return micros
    }

    /// How long the driver polls before giving up: the datasheet maximum plus 25 % and 2 ms,
    /// because a loaded Pi Zero wakes late from sleeps and each status read costs bus time.
    public var measurementDeadline: Duration {
        let maximum = maximumMeasurementMicroseconds
        return .microseconds(maximum + maximum / 4 + 2000)
    }
}
