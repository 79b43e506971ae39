import Configuration
import HAL
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The Maxim DS18B20 on the kernel's 1-Wire bus as a sensor kind: `type: ds18b20`, no bus (the
/// `w1-gpio` overlay's pin), `device:` (its 1-Wire id, default the only one) and `file:`
/// (`w1_slave`, default, or `temperature`).
public struct DS18B20Kind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// The 1-Wire id, e.g. `28-0316a2795bff`; `nil`: the only one on the bus.
        public var device: String?
        /// The file a sample reads.
        public var source: DS18B20.Source

        /// Creates options.
        public init(device: String? = nil, source: DS18B20.Source = .w1Slave) {
            self.device = device
            self.source = source
        }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "ds18b20" }
    public var summary: String { "Maxim DS18B20 1-Wire temperature through the kernel's w1 sysfs" }
    public var buses: [SensorBusKind] { [] }
    public var optionKeys: [String] { ["device", "file"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { nil }
    /// Datasheet: measures -55 °C to +125 °C.
    public var quantities: [QuantityRule] { [QuantityRule("temperature", unit: DS18B20.celsius, validRange: -55...125)] }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {
            switch entry.key {
            case "device":
                let device = try entry.string().lowercased()
                let family = DS18B20.families.first { device.hasPrefix($0) }
                guard family != nil, device.count == 15, device.dropFirst(3).allSatisfy(\.isHexDigit) else {
                    throw entry.error("expected a 1-Wire id such as 28-0316a2795bff (family 28, 22, 3b or 42, 12 hex digits)")
                }
                options.device = device
            default:  // file
                options.source = try DS18B20.Source(rawValue: entry.choice(DS18B20.Source.allCases.map(\.rawValue))) ?? .w1Slave
            }
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            DS18B20(files: board.files, device: options.device, source: options.source)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        let options = sensor.options as? Options ?? Options()
        let chip = SimulatedDS18B20(id: options.device ?? "28-00000a1b2c3d")
        chip.install(in: board.files)
        board.followWeather { weather in chip.temperatureCelsius = weather.temperatureCelsius }
    }
}
