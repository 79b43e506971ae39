import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The Microchip MCP9808 as a sensor kind: `type: mcp9808`, on I2C, with `resolution`.
public struct MCP9808Kind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// The conversion resolution.
        public var resolution: MCP9808Resolution

        /// Creates options; the default is the power-up 0.0625 °C (250 ms per conversion, far
        /// below any sampling interval).
        public init(resolution: MCP9808Resolution = .sixteenthDegree) {
            self.resolution = resolution
        }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "mcp9808" }
    public var summary: String { "Microchip MCP9808 temperature" }
    public var buses: [SensorBusKind] { [.i2c] }
    public var optionKeys: [String] { ["resolution"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(MCP9808Register.baseAddress) }

    /// The datasheet's operating range (-40...125 °C, table 1-1).
    public var quantities: [QuantityRule] {
        [QuantityRule("temperature", unit: .celsius, validRange: -40...125)]
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        let names = MCP9808Resolution.allCases.map { "\($0.step)" }
        for entry in entries {  // only `resolution` reaches here
            let text = try entry.choice(names)
            options.resolution = MCP9808Resolution.allCases.first { "\($0.step)" == text } ?? .sixteenthDegree
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            guard case .i2c(let bus, let address) = configuration.bus else {
                throw HALError(.invalidArgument, operation: "open mcp9808 \(configuration.id)", detail: "an MCP9808 needs an i2c bus")
            }
            return MCP9808(bus: try await board.i2cBus(bus), address: address, resolution: options.resolution,
                           clock: board.clock)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        guard case .i2c(let bus, let address) = sensor.bus else { return }
        // No clock: on a board that runs in real time a conversion is ready at once.
        let chip = SimulatedMCP9808()
        board.attach(chip, bus: bus, address: address)
        board.followWeather { weather in chip.temperatureCelsius = weather.temperatureCelsius }
    }
}
