/// The gas heater's profile 0: a target temperature held for a duration before the gas
/// conversion (datasheet 3.3.5), or off.
public enum BME680Heater: Sendable, Hashable {
    /// No heating and no gas conversion (run_gas 0, heat_off 1).
    case off
    /// Heat to `temperature` °C (200...400) for `milliseconds` (1...4032).
    case on(temperature: Int, milliseconds: Int)

    /// The temperatures the configuration accepts (datasheet 1: 200...400 °C typical use).
    public static let temperatureRange = 200...400
    /// The durations gas_wait can encode: 63 × 64 ms at most.
    public static let durationRange = 1...4032

    /// gas_wait_0 for `milliseconds` (5.3.3.4): bits 5:0 a count of 1 ms steps (0...63), bits
    /// 7:6 a multiplier 1, 4, 16 or 64; the count is rounded down, and 4032 ms or more is 0xFF.
    public static func gasWaitCode(milliseconds: Int) -> UInt8 {
        guard milliseconds < 0xFC0 else { return 0xFF }
        var count = max(milliseconds, 0)
        var factor: UInt8 = 0
        while count > 0x3F {
            count /= 4
            factor += 1
        }
        return UInt8(count) | factor << 6
    }

    /// The duration a gas_wait code stands for, in ms: count × 4^multiplier.
    public static func gasWaitMilliseconds(code: UInt8) -> Int {
        Int(code & 0x3F) << (2 * Int(code >> 6))
    }
}

/// Oversampling and heater for every forced measurement of a BME680.
public struct BME680Settings: Sendable, Hashable {
    /// osrs_t; must not be skip (pressure and humidity need t_fine).
    public var temperatureOversampling: BMx280Oversampling
    /// osrs_p.
    public var pressureOversampling: BMx280Oversampling
    /// osrs_h.
    public var humidityOversampling: BMx280Oversampling
    /// The heater profile.
    public var heater: BME680Heater

    /// Creates settings; the default is one sample of each and the heater at 320 °C for 150 ms.
    public init(temperatureOversampling: BMx280Oversampling = .x1, pressureOversampling: BMx280Oversampling = .x1,
                humidityOversampling: BMx280Oversampling = .x1,
                heater: BME680Heater = .on(temperature: 320, milliseconds: 150)) {
        self.temperatureOversampling = temperatureOversampling
        self.pressureOversampling = pressureOversampling
        self.humidityOversampling = humidityOversampling
        self.heater = heater
    }

    /// ctrl_meas with forced mode: osrs_t 7:5, osrs_p 4:2, mode 01.
    public var ctrlMeasForcedValue: UInt8 {
        temperatureOversampling.rawValue << 5 | pressureOversampling.rawValue << 2 | 0x01
    }

    /// ctrl_hum: osrs_h 2:0.
    public var ctrlHumValue: UInt8 { humidityOversampling.rawValue }

    /// ctrl_gas_1: run_gas with heater profile 0, or 0 when the heater is off.
    public var ctrlGas1Value: UInt8 {
        if case .on = heater { return BME680Register.runGas }
        return 0
    }

    /// ctrl_gas_0: heat_off when the heater is off.
    public var ctrlGas0Value: UInt8 {
        if case .on = heater { return 0 }
        return BME680Register.heatOff
    }

    /// gas_wait_0's code (0 with the heater off).
    public var gasWaitCode: UInt8 {
        if case .on(_, let milliseconds) = heater { return BME680Heater.gasWaitCode(milliseconds: milliseconds) }
        return 0
    }

    /// The TPH part of a forced measurement, in µs, as the BME68x API computes it
    /// (bme68x_get_meas_dur): 1963 µs per oversampling cycle, 4 × 477 µs of switching,
    /// 5 × 477 µs for the gas measurement and 1 ms of wake-up.
    public var tphMicroseconds: Int {
        let cycles = temperatureOversampling.sampleCount + pressureOversampling.sampleCount
            + humidityOversampling.sampleCount
        return cycles * 1963 + 477 * 4 + 477 * 5 + 1000
    }

    /// What the driver waits after the trigger: TPH plus the heating duration gas_wait encodes.
    public var measurementDuration: Duration {
        .microseconds(tphMicroseconds) + .milliseconds(BME680Heater.gasWaitMilliseconds(code: gasWaitCode))
    }

    /// How long the driver keeps polling new_data: the wait plus 25 % and 5 ms.
    public var measurementDeadline: Duration {
        measurementDuration + measurementDuration / 4 + .milliseconds(5)
    }
}
