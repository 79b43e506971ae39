import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The Bosch BME280 as a sensor kind: `type: bme280`, on I2C or SPI, with `oversampling`.
public struct BME280Kind: SimulatedSensorKind {
    /// The kind's options: oversampling per quantity (0 skips the quantity).
    public struct Options: SensorOptions, Equatable {
        /// Oversampling counts, each 0 (skipped), 1, 2, 4, 8 or 16.
        public var temperature: Int, pressure: Int, humidity: Int

        /// The counts the chip accepts.
        public static let allowed: [Int] = BMx280Oversampling.allowedCounts

        /// Creates options; the default is one sample of each (the datasheet's weather monitoring).
        public init(temperature: Int = 1, pressure: Int = 1, humidity: Int = 1) {
            self.temperature = temperature
            self.pressure = pressure
            self.humidity = humidity
        }

        /// The driver settings for these counts.
        public var settings: BME280Settings {
            BME280Settings(temperatureOversampling: BMx280OversamplingOption.code(temperature),
                           pressureOversampling: BMx280OversamplingOption.code(pressure),
                           humidityOversampling: BMx280OversamplingOption.code(humidity))
        }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "bme280" }
    public var summary: String { "Bosch BME280 temperature, pressure and humidity" }
    public var buses: [SensorBusKind] { [.i2c, .spi] }
    public var optionKeys: [String] { ["oversampling"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(BME280Register.primaryAddress) }

    /// The datasheet's operating ranges (section 1: -40...85 °C, 300...1100 hPa, 0...100 %RH).
    public var quantities: [QuantityRule] {
        [QuantityRule("temperature", unit: .celsius, validRange: -40...85),
         QuantityRule("pressure", unit: .pascal, validRange: 30_000...110_000),
         QuantityRule("humidity", unit: .relativeHumidity, validRange: 0...100)]
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        let counts = try BMx280OversamplingOption.decode(entries, quantities: ["temperature", "pressure", "humidity"])
        let defaults = Options()
        return Options(temperature: counts["temperature"] ?? defaults.temperature,
                       pressure: counts["pressure"] ?? defaults.pressure,
                       humidity: counts["humidity"] ?? defaults.humidity)
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let settings = (configuration.options as? Options ?? Options()).settings
        return LazySensor(id: configuration.id) {
            switch configuration.bus {
            case .i2c(let bus, let address):
                return BME280(bus: try await board.i2cBus(bus), address: address, settings: settings, clock: board.clock)
            case .spi(let path, let spi):
                return BME280(spi: try await board.spiDevice(path, configuration: spi), settings: settings,
                              clock: board.clock)
            case .none:
                throw HALError(.invalidArgument, operation: "open bme280 \(configuration.id)",
                               detail: "a BME280 needs an i2c or spi bus")
            }
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        let chip = SimulatedBME280()
        // The model's measuring bit counts status reads, not time; a loaded machine can make the
        // driver's first poll come after its deadline and read that as a timeout. A board that
        // runs in real time finishes each measurement at once instead.
        chip.statusReadsWhileMeasuring = 0
        switch sensor.bus {
        case .i2c(let bus, let address): board.attach(chip, bus: bus, address: address)
        case .spi(let path, let configuration): board.attach(chip, spiDevice: path, configuration: configuration)
        case .none: return
        }
        board.followWeather { weather in
            chip.environment = SimulatedBME280.Environment(
                temperatureCelsius: weather.temperatureCelsius, pressurePascal: weather.pressurePascal,
                humidityPercent: weather.humidityPercent)
        }
    }
}
