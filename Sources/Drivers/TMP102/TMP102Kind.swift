import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The TI TMP102 as a sensor kind: `type: tmp102`, on I2C, with `extended_mode`.
public struct TMP102Kind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// EM: 13-bit words reaching 150 °C instead of 12 bits clamped at 128 °C.
        public var extendedMode: Bool

        /// Creates options; the default is the power-up normal mode.
        public init(extendedMode: Bool = false) { self.extendedMode = extendedMode }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "tmp102" }
    public var summary: String { "TI TMP102 temperature" }
    public var buses: [SensorBusKind] { [.i2c] }
    public var optionKeys: [String] { ["extended_mode"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(TMP102Register.baseAddress) }

    /// The datasheet's range, -55...150 °C (extended mode reaches 150; 6.3, 7.4.2.2).
    public var quantities: [QuantityRule] {
        [QuantityRule("temperature", unit: .celsius, validRange: -55...150)]
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {  // only `extended_mode` reaches here
            options.extendedMode = try entry.boolean()
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            guard case .i2c(let bus, let address) = configuration.bus else {
                throw HALError(.invalidArgument, operation: "open tmp102 \(configuration.id)", detail: "a TMP102 needs an i2c bus")
            }
            return TMP102(bus: try await board.i2cBus(bus), address: address, extendedMode: options.extendedMode,
                          clock: board.clock)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        guard case .i2c(let bus, let address) = sensor.bus else { return }
        // No clock: on a board that runs in real time a conversion is ready at once.
        let chip = SimulatedWordRegisterChip(SimulatedTMP102())
        board.attach(chip, bus: bus, address: address)
        board.followWeather { weather in chip.update { $0.temperatureCelsius = weather.temperatureCelsius } }
    }
}
