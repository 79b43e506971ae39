import HALSimulation
import SimulatedBoard
import Synchronization

/// A model of an IIO device's sysfs directory on the simulated board: processed
/// `in_temp_input` and `in_humidityrelative_input` as the dht11 driver offers them, and for
/// other names raw channels instead (`in_temp_raw` with `_offset` and `_scale`,
/// `in_pressure_raw` × `in_pressure_scale`, `in_voltage0_raw` × the shared `in_voltage_scale`)
/// and a processed `in_illuminance_input`, so every path of the driver runs.
///
/// Values follow the simulated weather; the raw counts are worked out here from the ABI units
/// (temperature m°C, humidity m%, pressure kPa, voltage mV) rather than shared with the driver.
public final class SimulatedIIODevice: Sendable {
    /// The `name` attribute.
    public let name: String
    private let state = Mutex(SimulatedWeather.at(wallSeconds: 0))

    /// Creates a device called `name`.
    public init(name: String) { self.name = name }

    /// What the device measures next.
    public var weather: SimulatedWeather {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    /// Puts the device's files at the first free `iio:deviceN` and returns that directory.
    @discardableResult
    public func install(in files: SimulatedSystemFiles) -> String {
        var index = 0
        while files.hasEntries(under: "/sys/bus/iio/devices/iio:device\(index)") { index += 1 }
        let directory = "/sys/bus/iio/devices/iio:device\(index)"
        files.set("\(directory)/name", name + "\n")
        // dht11 reports m°C and m% from its 0.1-resolution fields.
        files.set("\(directory)/in_humidityrelative_input") { [self] in "\(Int((weather.humidityPercent * 10).rounded()) * 100)\n" }
        guard name != "dht11" else {
            files.set("\(directory)/in_temp_input") { [self] in "\(Int((weather.temperatureCelsius * 10).rounded()) * 100)\n" }
            return directory
        }
        // Temperature as raw counts of 1/256 °C from -40 °C: (raw - 10240) × 3.90625 m°C.
        files.set("\(directory)/in_temp_raw") { [self] in "\(Int(((weather.temperatureCelsius + 40) * 256).rounded()))\n" }
        files.set("\(directory)/in_temp_offset", "-10240\n")
        files.set("\(directory)/in_temp_scale", "3.906250\n")
        // A BMP280-like pressure channel: raw in Pa counts, scale 0.001 (kPa per count).
        files.set("\(directory)/in_pressure_raw") { [self] in "\(Int(weather.pressurePascal.rounded()))\n" }
        files.set("\(directory)/in_pressure_scale", "0.001000000\n")
        // An ADC channel: a 12-bit count of a 3.3 V reference, 3300 / 4096 mV per count,
        // reading a divider at a tenth of the temperature in volts, offset by nothing.
        files.set("\(directory)/in_voltage_scale", "0.805664062\n")
        files.set("\(directory)/in_voltage0_raw") { [self] in
            "\(Int((weather.temperatureCelsius / 10 * 1000 / 0.805664062).rounded()))\n"
        }
        // An illuminance channel already scaled.
        files.set("\(directory)/in_illuminance_input") { [self] in "\(weather.illuminanceLux)\n" }
        return directory
    }
}
