import Configuration
import HAL
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// Linux hwmon devices as a sensor kind: `type: hwmon`, no bus, `device:` (name, entry or path)
/// and `channels:` (comma-separated channel names or labels, default all inputs).
public struct HwmonKind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// The `name` attribute (`cpu_thermal`), entry (`hwmon0`) or path; `nil`: the first.
        public var device: String?
        /// `temp1`, `in0`, ... or labels; empty: every `*_input`.
        public var channels: [String]

        /// Creates options.
        public init(device: String? = nil, channels: [String] = []) {
            self.device = device
            self.channels = channels
        }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "hwmon" }
    public var summary: String { "Linux hwmon device through sysfs (temperature, voltage, current, power, fan)" }
    public var buses: [SensorBusKind] { [] }
    public var optionKeys: [String] { ["device", "channels"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { nil }

    public var quantities: [QuantityRule] {
        HwmonChannelType.all.flatMap { type in
            type.indices.map { QuantityRule("\(type.quantity)\($0)", unit: type.unit) }
        }
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {
            switch entry.key {
            case "device":
                let device = try entry.string()
                guard !device.isEmpty, !device.contains("/") || device.hasPrefix("/") else {
                    throw entry.error("expected a device name (cpu_thermal), an entry (hwmon0) or an absolute path")
                }
                options.device = device
            default:  // channels: names or labels, which may be anything the driver prints
                let names = try entry.string().commaSeparated
                guard !names.isEmpty else { throw entry.error("expected channel names or labels such as 'temp1, in0'") }
                options.channels = names
            }
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            HwmonDevice(files: board.files, device: options.device, channels: options.channels)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        let options = sensor.options as? Options ?? Options()
        let name = options.device.flatMap { $0.hasPrefix("/") || $0.hasPrefix("hwmon") ? nil : $0 } ?? "cpu_thermal"
        let device = SimulatedHwmonDevice(name: name)
        device.install(in: board.files)
        board.followWeather { weather in device.weather = weather }
    }
}
