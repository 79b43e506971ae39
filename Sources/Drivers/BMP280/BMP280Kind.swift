import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The Bosch BMP280 as a sensor kind: `type: bmp280`, on I2C or SPI, with `oversampling`.
public struct BMP280Kind: SimulatedSensorKind {
    /// The kind's options: oversampling per quantity (0 skips pressure; temperature must be
    /// measured).
    public struct Options: SensorOptions, Equatable {
        /// Oversampling counts, each 0 (skipped), 1, 2, 4, 8 or 16.
        public var temperature: Int, pressure: Int

        /// Creates options; the default is one sample of each (the datasheet's weather monitoring).
        public init(temperature: Int = 1, pressure: Int = 1) {
            self.temperature = temperature
            self.pressure = pressure
        }

        /// The driver settings for these counts.
        public var settings: BMP280Settings {
            BMP280Settings(temperatureOversampling: BMx280OversamplingOption.code(temperature),
                           pressureOversampling: BMx280OversamplingOption.code(pressure))
        }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "bmp280" }
    public var summary: String { "Bosch BMP280 temperature and pressure" }
    public var buses: [SensorBusKind] { [.i2c, .spi] }
    public var optionKeys: [String] { ["oversampling"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(BMx280Register.primaryAddress) }

    /// The datasheet's operating ranges (BST-BMP280-DS001 table 1: -40...85 °C, 300...1100 hPa).
    public var quantities: [QuantityRule] {
        [QuantityRule("temperature", unit: .celsius, validRange: -40...85),
         QuantityRule("pressure", unit: .pascal, validRange: 30_000...110_000)]
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        let counts = try BMx280OversamplingOption.decode(entries, quantities: ["temperature", "pressure"])
        let defaults = Options()
        return Options(temperature: counts["temperature"] ?? defaults.temperature,
                       pressure: counts["pressure"] ?? defaults.pressure)
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let settings = (configuration.options as? Options ?? Options()).settings
        return LazySensor(id: configuration.id) {
            switch configuration.bus {
            case .i2c(let bus, let address):
                return BMP280(bus: try await board.i2cBus(bus), address: address, settings: settings, clock: board.clock)
            case .spi(let path, let spi):
                return BMP280(spi: try await board.spiDevice(path, configuration: spi), settings: settings,
                              clock: board.clock)
            case .none:
                throw HALError(.invalidArgument, operation: "open bmp280 \(configuration.id)",
                               detail: "a BMP280 needs an i2c or spi bus")
            }
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        let chip = SimulatedBMP280()
        // As for the BME280: on a board that runs in real time each measurement completes at
        // once, so a late wake-up on a loaded machine cannot become a timeout.
        chip.core.statusReadsWhileMeasuring = 0
        switch sensor.bus {
        case .i2c(let bus, let address): board.attach(chip, bus: bus, address: address)
        case .spi(let path, let configuration): board.attach(chip, spiDevice: path, configuration: configuration)
        case .none: return
        }
        board.followWeather { weather in
            chip.environment = SimulatedBMP280.Environment(temperatureCelsius: weather.temperatureCelsius,
                                                           pressurePascal: weather.pressurePascal)
        }
    }
}
