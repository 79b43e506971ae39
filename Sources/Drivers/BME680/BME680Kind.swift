import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The Bosch BME680 as a sensor kind: `type: bme680`, on I2C, with `oversampling` and `heater`.
public struct BME680Kind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// Oversampling counts, each 0 (skip; not temperature), 1, 2, 4, 8 or 16.
        public var temperature: Int, pressure: Int, humidity: Int
        /// The heater profile.
        public var heater: BME680Heater

        /// Creates options; the defaults are one sample of each and 320 °C for 150 ms.
        public init(temperature: Int = 1, pressure: Int = 1, humidity: Int = 1,
                    heater: BME680Heater = .on(temperature: 320, milliseconds: 150)) {
            self.temperature = temperature
            self.pressure = pressure
            self.humidity = humidity
            self.heater = heater
        }

        /// The driver settings.
        public var settings: BME680Settings {
            BME680Settings(temperatureOversampling: BMx280OversamplingOption.code(temperature),
                           pressureOversampling: BMx280OversamplingOption.code(pressure),
                           humidityOversampling: BMx280OversamplingOption.code(humidity), heater: heater)
        }
    }

    /// The SenML unit of the gas resistance.
    static let ohm = SenMLUnit(rawValue: "Ohm")

    /// Creates the kind.
    public init() {}

    public var name: String { "bme680" }
    public var summary: String { "Bosch BME680 temperature, pressure, humidity and gas resistance" }
    public var buses: [SensorBusKind] { [.i2c, .spi] }
    public var optionKeys: [String] { ["oversampling", "heater"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(BME680Register.primaryAddress) }

    /// The datasheet's operating ranges (section 1: -40...85 °C, 300...1100 hPa, 0...100 %RH);
    /// the gas resistance spans what the range lookup can give (about 0 Ω ... 1.3 GΩ).
    public var quantities: [QuantityRule] {
        [QuantityRule("temperature", unit: .celsius, validRange: -40...85),
         QuantityRule("pressure", unit: .pascal, validRange: 30_000...110_000),
         QuantityRule("humidity", unit: .relativeHumidity, validRange: 0...100),
         QuantityRule("gas_resistance", unit: Self.ohm, validRange: 0...2_147_483_647)]
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {
            switch entry.key {
            case "oversampling":
                let counts = try BMx280OversamplingOption.decode([entry], quantities: ["temperature", "pressure", "humidity"])
                if counts["temperature"] == 0 {
                    throw entry.error("temperature oversampling must not be 0: pressure, humidity and the heater need it")
                }
                options.temperature = counts["temperature"] ?? options.temperature
                options.pressure = counts["pressure"] ?? options.pressure
                options.humidity = counts["humidity"] ?? options.humidity
            default:  // heater
                options.heater = try Self.heater(entry)
            }
        }
        return options
    }

    /// `heater: off` or `heater: {temperature: 200...400, duration: 1ms...4032ms}`; a key left
    /// out keeps its default (320 °C, 150 ms).
    static func heater(_ entry: ConfigValue) throws(ConfigurationError) -> BME680Heater {
        if let text = entry.scalarText {
            // Read as written: YAML 1.1 would make a bare `off` the boolean false.
            guard text.lowercased() == "off" else {
                throw entry.error("expected off or {temperature, duration}, found '\(text)'")
            }
            return .off
        }
        var temperature = 320, milliseconds = 150
        for value in try entry.entries(allowed: ["temperature", "duration"]) {
            if value.key == "temperature" {
                temperature = try value.integer(in: BME680Heater.temperatureRange)
            } else {
                let range = BME680Heater.durationRange
                let duration = try value.duration(in: .milliseconds(range.lowerBound) ... .milliseconds(range.upperBound))
                let (seconds, attoseconds) = duration.components
                milliseconds = Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
            }
        }
        return .on(temperature: temperature, milliseconds: milliseconds)
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let settings = (configuration.options as? Options ?? Options()).settings
        return LazySensor(id: configuration.id) {
            switch configuration.bus {
            case .i2c(let bus, let address):
                return BME680(bus: try await board.i2cBus(bus), address: address, settings: settings, clock: board.clock)
            case .spi(let path, let spiConfiguration):
                return BME680(spi: try await board.spiDevice(path, configuration: spiConfiguration), settings: settings,
                              clock: board.clock)
            case .none:
                throw HALError(.invalidArgument, operation: "open bme680 \(configuration.id)", detail: "a BME680 needs an i2c or spi bus")
            }
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        // No clock: on a board that runs in real time each measurement is done at once.
        let chip = SimulatedBME680()
        switch sensor.bus {
        case .i2c(let bus, let address): board.attach(chip, bus: bus, address: address)
        case .spi(let path, let configuration): board.attach(SimulatedBME680SPI(chip, configuration: configuration), spiDevice: path)
        case .none: return
        }
        board.followWeather { weather in
            var environment = chip.environment
            environment.temperatureCelsius = weather.temperatureCelsius
            environment.pressurePascal = weather.pressurePascal
            environment.humidityPercent = weather.humidityPercent
            chip.environment = environment
        }
    }
}
