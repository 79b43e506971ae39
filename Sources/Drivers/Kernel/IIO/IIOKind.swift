import Configuration
import HAL
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// Linux IIO devices as a sensor kind: `type: iio`, no bus (the kernel drives the chip),
/// `device:` (name, entry or path) and `channels:` (comma-separated, default all).
public struct IIOKind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// The device's `name` attribute (`dht11`), entry (`iio:device0`) or path; `nil`: the first.
        public var device: String?
        /// Channel names (`temp`, `humidityrelative`, `voltage0`, `accel_x`); empty: all.
        public var channels: [String]

        /// Creates options.
        public init(device: String? = nil, channels: [String] = []) {
            self.device = device
            self.channels = channels
        }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "iio" }
    public var summary: String { "Linux IIO device through sysfs (DHT22 via dht11, and the chips the kernel drives)" }
    public var buses: [SensorBusKind] { [] }
    public var optionKeys: [String] { ["device", "channels"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { nil }

    /// Every quantity a supported channel can carry, without ranges: the kernel driver knows its
    /// chip's range, this kind knows only the unit.
    public var quantities: [QuantityRule] {
        IIOChannelType.all.flatMap { type in
            type.suffixes.map { QuantityRule(type.quantity + $0, unit: type.unit) }
        }
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {
            switch entry.key {
            case "device":
                let device = try entry.string()
                guard !device.isEmpty, !device.contains("/") || device.hasPrefix("/") else {
                    throw entry.error("expected a device name (dht11), an entry (iio:device0) or an absolute path")
                }
                options.device = device
            default:  // channels
                let names = try entry.string().commaSeparated
                guard !names.isEmpty else { throw entry.error("expected channel names such as 'temp, humidityrelative'") }
                for name in names {
                    guard let type = IIOChannelType.of(channel: name), type.quantity(forChannel: name) != nil else {
                        throw entry.error("unsupported channel '\(SysfsValue.excerpt(name))'; channel types: "
                                          + IIOChannelType.all.map(\.iioName).joined(separator: ", "))
                    }
                }
                options.channels = names
            }
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            IIODevice(files: board.files, device: options.device, channels: options.channels)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        let options = sensor.options as? Options ?? Options()
        let device = SimulatedIIODevice(name: options.device.flatMap { $0.hasPrefix("/") || $0.hasPrefix("iio:") ? nil : $0 }
                                            ?? "dht11")
        device.install(in: board.files)
        board.followWeather { weather in device.weather = weather }
    }
}
