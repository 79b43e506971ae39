import Configuration
import HAL
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// A digital input as a sensor kind: `type: gpio_input`, no bus, the line by `pin:` (a header
/// pin of the board's profile) or `line: { chip, line }`, with `bias`, `active_low` and
/// `debounce`. Each sample reports `state`, a boolean.
public struct GPIOInputKind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// The line and how it is requested.
        public var line: GPIOInputLineOptions
        /// Creates options.
        public init(line: GPIOInputLineOptions) { self.line = line }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "gpio_input" }
    public var summary: String { "digital input (reed switch, PIR, button) on a GPIO line, with bias and debounce" }
    public var buses: [SensorBusKind] { [] }
    public var optionKeys: [String] { GPIOInputLineOptions.keys }
    public var requiredOptionChoices: [[String]] { [ConfigValue.gpioPinKeys] }
    public var defaultOptions: any SensorOptions { Options(line: GPIOInputLineOptions(pin: GPIOInputLineOptions.probeLine)) }
    public var defaultI2CAddress: I2CAddress? { nil }
    public var quantities: [QuantityRule] { [QuantityRule(GPIOStateReading.quantity, unit: GPIOStateReading.unit)] }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        Options(line: try GPIOInputLineOptions.decode(entries))
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = (configuration.options as? Options ?? Options(line: GPIOInputLineOptions(pin: GPIOInputLineOptions.probeLine))).line
        return LazySensor(id: configuration.id) {
            GPIOInputSensor(controller: try await board.gpioController(), options: options, sensorID: configuration.id)
        }
    }

    /// The simulated line rests at its bias's level (the simulated chip applies it on
    /// request); a test or demo drives it through ``SimulatedBoard/gpio``.
    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {}
}
