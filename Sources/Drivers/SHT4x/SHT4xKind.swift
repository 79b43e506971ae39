import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The Sensirion SHT4x as a sensor kind: `type: sht4x`, on I2C, with `precision`.
public struct SHT4xKind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// `high` (default), `medium` or `low`.
        public var precision: SHT4xPrecision

        /// Creates options; high precision is the datasheet's lowest-noise setting and still
        /// only 8.3 ms per sample.
        public init(precision: SHT4xPrecision = .high) {
            self.precision = precision
        }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "sht4x" }
    public var summary: String { "Sensirion SHT40/41/43/45 temperature and humidity" }
    public var buses: [SensorBusKind] { [.i2c] }
    public var optionKeys: [String] { ["precision"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(SHT4xCommand.primaryAddress) }

    /// The datasheet's operating ranges (section 2, -40...125 °C, 0...100 %RH). The temperature
    /// formula spans -45...130 °C, and values beyond the specified range are dropped; humidity
    /// is cropped to 0...100 by the driver, as the datasheet recommends.
    public var quantities: [QuantityRule] {
        [QuantityRule("temperature", unit: .celsius, validRange: -40...125),
         QuantityRule("humidity", unit: .relativeHumidity, validRange: 0...100)]
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {  // only `precision` reaches here
            let text = try entry.choice(SHT4xPrecision.allCases.map(\.rawValue))
            options.precision = SHT4xPrecision(rawValue: text) ?? .high
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            guard case .i2c(let bus, let address) = configuration.bus else {
                throw HALError(.invalidArgument, operation: "open sht4x \(configuration.id)", detail: "an SHT4x needs an i2c bus")
            }
            return SHT4x(bus: try await board.i2cBus(bus), address: address, precision: options.precision,
                         clock: board.clock)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        guard case .i2c(let bus, let address) = sensor.bus else { return }
        // No clock: on a board that runs in real time each measurement is ready at once, so a
        // loaded machine cannot turn a late wake-up into a timeout.
        let chip = SimulatedSHT4x()
        board.attach(chip, bus: bus, address: address)
        board.followWeather { weather in
            chip.environment = SimulatedSHT4x.Environment(temperatureCelsius: weather.temperatureCelsius,
                                                          humidityPercent: weather.humidityPercent)
        }
    }
}
