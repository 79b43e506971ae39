import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The Sensirion SHT3x as a sensor kind: `type: sht3x`, on I2C, with `repeatability`.
public struct SHT3xKind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// `high` (default), `medium` or `low`.
        public var repeatability: SHT3xRepeatability

        /// Creates options; high repeatability is the datasheet's lowest-noise setting and still
        /// only 15 ms per sample.
        public init(repeatability: SHT3xRepeatability = .high) {
            self.repeatability = repeatability
        }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "sht3x" }
    public var summary: String { "Sensirion SHT30/31/35 temperature and humidity" }
    public var buses: [SensorBusKind] { [.i2c] }
    public var optionKeys: [String] { ["repeatability"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(SHT3xCommand.primaryAddress) }

    /// The datasheet's specified ranges (table 1/2: -40...125 °C, 0...100 %RH). The output
    /// formula spans -45...130 °C; values beyond the specified range are dropped.
    public var quantities: [QuantityRule] {
        [QuantityRule("temperature", unit: .celsius, validRange: -40...125),
         QuantityRule("humidity", unit: .relativeHumidity, validRange: 0...100)]
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {  // only `repeatability` reaches here
            let text = try entry.choice(SHT3xRepeatability.allCases.map(\.rawValue))
            options.repeatability = SHT3xRepeatability(rawValue: text) ?? .high
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            guard case .i2c(let bus, let address) = configuration.bus else {
                throw HALError(.invalidArgument, operation: "open sht3x \(configuration.id)", detail: "an SHT3x needs an i2c bus")
            }
            return SHT3x(bus: try await board.i2cBus(bus), address: address, repeatability: options.repeatability,
                         clock: board.clock)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        guard case .i2c(let bus, let address) = sensor.bus else { return }
        // No clock: on a board that runs in real time each measurement is ready at once, so a
        // loaded machine cannot turn a late wake-up into a timeout.
        let chip = SimulatedSHT3x()
        board.attach(chip, bus: bus, address: address)
        board.followWeather { weather in
            chip.environment = SimulatedSHT3x.Environment(temperatureCelsius: weather.temperatureCelsius,
                                                          humidityPercent: weather.humidityPercent)
        }
    }
}
