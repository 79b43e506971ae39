import Configuration
import HAL
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// An HC-SR04 ultrasonic ranger as a sensor kind: `type: hcsr04`, no bus, `trigger:` and
/// `echo:` each a header pin (`trigger: 16`) or a line (`echo: { chip: LABEL, line: NAME }`).
/// Each sample reports `distance` in m. The echo is a 5 V signal: a divider to 3.3 V is needed
/// on a Raspberry Pi.
public struct HCSR04Kind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// The trigger output.
        public var trigger: GPIOPinSetting
        /// The echo input.
        public var echo: GPIOPinSetting
        /// Creates options.
        public init(trigger: GPIOPinSetting, echo: GPIOPinSetting) {
            self.trigger = trigger
            self.echo = echo
        }
    }

    /// The quantity.
    public static let quantity = "distance"
    /// Metres.
    public static let unit = SenMLUnit(rawValue: "m")

    /// Creates the kind.
    public init() {}

    public var name: String { "hcsr04" }
    public var summary: String { "HC-SR04 ultrasonic distance on two GPIO lines, timed by the kernel's edge timestamps" }
    public var buses: [SensorBusKind] { [] }
    public var optionKeys: [String] { ["trigger", "echo"] }
    public var requiredOptionKeys: [String] { ["trigger", "echo"] }
    public var defaultOptions: any SensorOptions { Self.probeOptions }
    public var defaultI2CAddress: I2CAddress? { nil }
    public var quantities: [QuantityRule] { [QuantityRule(Self.quantity, unit: Self.unit, validRange: HCSR04Echo.range)] }

    /// Two lines of a simulated chip, for `probe --simulated`.
    static let probeOptions = Options(
        trigger: GPIOPinSetting(GPIOLineAddress(chip: "sensorgw-sim", line: .offset(0))),
        echo: GPIOPinSetting(GPIOLineAddress(chip: "sensorgw-sim", line: .offset(1))))

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Self.probeOptions
        for entry in entries {
            if entry.key == "trigger" {
                options.trigger = try entry.gpioPin()
            } else {
                options.echo = try entry.gpioPin()
            }
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Self.probeOptions
        return LazySensor(id: configuration.id) {
            HCSR04(controller: try await board.gpioController(), options: options, sensorID: configuration.id,
                   clock: board.clock)
        }
    }

    /// No model: a test answers the trigger on ``SimulatedBoard/gpio``.
    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {}
}
