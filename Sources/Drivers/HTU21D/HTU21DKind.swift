import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The TE HTU21D and Silicon Labs Si7021 family as one sensor kind: `type: htu21d`, on I2C at
/// 0x40, with no options; the driver tells the chips apart by their electronic id.
public struct HTU21DKind: SimulatedSensorKind {
    /// Creates the kind.
    public init() {}

    public var name: String { "htu21d" }
    public var summary: String { "TE HTU21D / Silicon Labs Si7021 temperature and humidity" }
    public var buses: [SensorBusKind] { [.i2c] }
    public var optionKeys: [String] { [] }
    public var defaultOptions: any SensorOptions { NoSensorOptions() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(HTU21DCommand.address) }

    /// The datasheets' operating ranges (HTU21D: -40...125 °C; Si7021: -40...125 °C, grade
    /// dependent; both 0...100 %RH). The temperature formula spans -46.85...128.87 °C.
    public var quantities: [QuantityRule] {
        [QuantityRule("temperature", unit: .celsius, validRange: -40...125),
         QuantityRule("humidity", unit: .relativeHumidity, validRange: 0...100)]
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        NoSensorOptions()  // no option keys, so the schema lets none through
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        LazySensor(id: configuration.id) {
            guard case .i2c(let bus, let address) = configuration.bus else {
                throw HALError(.invalidArgument, operation: "open htu21d \(configuration.id)", detail: "an HTU21D or Si7021 needs an i2c bus")
            }
            return HTU21D(bus: try await board.i2cBus(bus), address: address, clock: board.clock)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        guard case .i2c(let bus, let address) = sensor.bus else { return }
        // A Si7021, the more common breakout; no clock, so each measurement is ready at once on
        // a board that runs in real time.
        let chip = SimulatedHTU21D(variant: .si7021)
        board.attach(chip, bus: bus, address: address)
        board.followWeather { weather in
            chip.environment = SimulatedHTU21D.Environment(temperatureCelsius: weather.temperatureCelsius,
                                                          humidityPercent: weather.humidityPercent)
        }
    }
}
