import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The LM75 family as a sensor kind: `type: lm75`, on I2C, with `resolution: 9 | 11` (bits).
public struct LM75Kind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// 9 bits (0.5 °C, the original part) or 11 bits (0.125 °C, NXP LM75A/B).
        public var resolution: LM75Resolution

        /// Creates options; the default is the original 9-bit part.
        public init(resolution: LM75Resolution = .nineBit) { self.resolution = resolution }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "lm75" }
    public var summary: String { "LM75 / NXP LM75A/B temperature" }
    public var buses: [SensorBusKind] { [.i2c] }
    public var optionKeys: [String] { ["resolution"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(LM75Register.baseAddress) }

    /// The datasheets' operating range, -55...125 °C.
    public var quantities: [QuantityRule] {
        [QuantityRule("temperature", unit: .celsius, validRange: -55...125)]
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {  // only `resolution` reaches here
            let bits = try entry.integer(oneOf: LM75Resolution.allCases.map(\.rawValue),
                                         message: "expected 9 (LM75, 0.5 °C) or 11 (NXP LM75A/B, 0.125 °C) bits")
            options.resolution = LM75Resolution(rawValue: bits) ?? .nineBit
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            guard case .i2c(let bus, let address) = configuration.bus else {
                throw HALError(.invalidArgument, operation: "open lm75 \(configuration.id)", detail: "an LM75 needs an i2c bus")
            }
            return LM75(bus: try await board.i2cBus(bus), address: address, resolution: options.resolution,
                        clock: board.clock)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        guard case .i2c(let bus, let address) = sensor.bus else { return }
        let options = sensor.options as? Options ?? Options()
        // No clock: on a board that runs in real time a conversion is ready at once.
        let chip = SimulatedWordRegisterChip(SimulatedLM75(bits: options.resolution.rawValue))
        board.attach(chip, bus: bus, address: address)
        board.followWeather { weather in chip.update { $0.temperatureCelsius = weather.temperatureCelsius } }
    }
}
