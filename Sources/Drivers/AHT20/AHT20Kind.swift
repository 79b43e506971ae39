import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The Aosong AHT20 as a sensor kind: `type: aht20`, on I2C at 0x38, with no options (the chip
/// has one measurement mode).
public struct AHT20Kind: SimulatedSensorKind {
    /// Creates the kind.
    public init() {}

    public var name: String { "aht20" }
    public var summary: String { "Aosong AHT20 temperature and humidity" }
    public var buses: [SensorBusKind] { [.i2c] }
    public var optionKeys: [String] { [] }
    public var defaultOptions: any SensorOptions { NoSensorOptions() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(AHT20Command.address) }

    /// The datasheet's ranges (table 1 and 2: 0...100 %RH, -40...85 °C). The formula spans
    /// -50...150 °C; values beyond the specified range are dropped.
    public var quantities: [QuantityRule] {
        [QuantityRule("temperature", unit: .celsius, validRange: -40...85),
         QuantityRule("humidity", unit: .relativeHumidity, validRange: 0...100)]
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        NoSensorOptions()  // no option keys, so the schema lets none through
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        LazySensor(id: configuration.id) {
            guard case .i2c(let bus, let address) = configuration.bus else {
                throw HALError(.invalidArgument, operation: "open aht20 \(configuration.id)", detail: "an AHT20 needs an i2c bus")
            }
            return AHT20(bus: try await board.i2cBus(bus), address: address, clock: board.clock)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        guard case .i2c(let bus, let address) = sensor.bus else { return }
        // No clock: on a board that runs in real time each measurement is ready at once.
        let chip = SimulatedAHT20()
        board.attach(chip, bus: bus, address: address)
        board.followWeather { weather in
            chip.environment = SimulatedAHT20.Environment(temperatureCelsius: weather.temperatureCelsius,
                                                          humidityPercent: weather.humidityPercent)
        }
    }
}
