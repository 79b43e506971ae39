import Configuration
import HAL
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// A relay or other output line as a sensor kind: `type: relay`, no bus, the line by `pin:` or
/// `line:`, `active_low` (most relay boards switch on a low level) and `initial` (the state set
/// at start, default off). Each sample reports `state`, a boolean.
public struct RelayKind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// The line.
        public var pin: GPIOPinSetting
        /// Whether on drives the line low.
        public var activeLow: Bool
        /// The state set when the line is requested.
        public var initial: Bool

        /// Creates options.
        public init(pin: GPIOPinSetting, activeLow: Bool = false, initial: Bool = false) {
            self.pin = pin
            self.activeLow = activeLow
            self.initial = initial
        }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "relay" }
    public var summary: String { "relay or output line on a GPIO line, set at start, its state reported" }
    public var buses: [SensorBusKind] { [] }
    public var optionKeys: [String] { ConfigValue.gpioPinKeys + ["active_low", "initial"] }
    public var requiredOptionChoices: [[String]] { [ConfigValue.gpioPinKeys] }
    public var defaultOptions: any SensorOptions { Options(pin: GPIOInputLineOptions.probeLine) }
    public var defaultI2CAddress: I2CAddress? { nil }
    public var quantities: [QuantityRule] { [QuantityRule(GPIOStateReading.quantity, unit: GPIOStateReading.unit)] }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options(pin: GPIOInputLineOptions.probeLine)
        var pinEntry: ConfigValue?
        for entry in entries {
            switch entry.key {
            case "pin", "line":
                if let pinEntry {
                    throw entry.error("give either pin or line, not both (\(pinEntry.key) is given above)")
                }
                options.pin = try entry.gpioPin()
                pinEntry = entry
            case "active_low":
                options.activeLow = try entry.boolean()
            default:  // initial
                options.initial = try entry.boolean()
            }
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options(pin: GPIOInputLineOptions.probeLine)
        return LazySensor(id: configuration.id) {
            RelayOutput(controller: try await board.gpioController(), options: options, sensorID: configuration.id)
        }
    }

    /// Nothing to attach: the simulated chip holds what the output sets.
    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {}
}
