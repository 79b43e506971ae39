import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The Sensirion SCD40/SCD41 as a sensor kind: `type: scd4x`, on I2C at 0x62, with `mode`,
/// `temperature_offset` and `altitude`.
public struct SCD4xKind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// `periodic` (default, every 5 s) or `low_power` (every 30 s).
        public var mode: SCD4xMode
        /// °C, 0...20; absent leaves the chip's own.
        public var temperatureOffset: Double?
        /// Metres above sea level, 0...3000; absent leaves the chip's own.
        public var altitude: Int?

        /// Creates options.
        public init(mode: SCD4xMode = .periodic, temperatureOffset: Double? = nil, altitude: Int? = nil) {
            self.mode = mode
            self.temperatureOffset = temperatureOffset
            self.altitude = altitude
        }

        /// The driver settings.
        public var settings: SCD4xSettings {
            SCD4xSettings(mode: mode, temperatureOffsetCelsius: temperatureOffset, altitudeMetres: altitude)
        }
    }

    /// The SenML unit of co2: a ratio (ppm is a secondary unit of it, RFC 8798).
    static let ratio = SenMLUnit(rawValue: "/")

    /// Creates the kind.
    public init() {}

    public var name: String { "scd4x" }
    public var summary: String { "Sensirion SCD40/SCD41 CO2, temperature and humidity" }
    public var buses: [SensorBusKind] { [.i2c] }
    public var optionKeys: [String] { ["mode", "temperature_offset", "altitude"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(SCD4xCommand.address) }

    /// The output ranges (datasheet 1, table 1 and 3: CO2 0...40000 ppm, -10...60 °C,
    /// 0...100 %RH).
    public var quantities: [QuantityRule] {
        [QuantityRule("co2", unit: Self.ratio, validRange: 0...0.04),
         QuantityRule("temperature", unit: .celsius, validRange: -10...60),
         QuantityRule("humidity", unit: .relativeHumidity, validRange: 0...100)]
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {
            switch entry.key {
            case "mode":
                options.mode = SCD4xMode(rawValue: try entry.choice(SCD4xMode.allCases.map(\.rawValue))) ?? .periodic
            case "temperature_offset":
                let value = try entry.number()
                let range = SCD4xSetting.temperatureOffsetRange
                guard range.contains(value) else {
                    throw entry.error("temperature offset must be \(Int(range.lowerBound))...\(Int(range.upperBound)) °C")
                }
                options.temperatureOffset = value
            default:  // altitude
                options.altitude = try entry.integer(in: SCD4xSetting.altitudeRange)
            }
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let settings = (configuration.options as? Options ?? Options()).settings
        return LazySensor(id: configuration.id) {
            guard case .i2c(let bus, let address) = configuration.bus else {
                throw HALError(.invalidArgument, operation: "open scd4x \(configuration.id)", detail: "an SCD4x needs an i2c bus")
            }
            return SCD4x(bus: try await board.i2cBus(bus), address: address, settings: settings, clock: board.clock)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        guard case .i2c(let bus, let address) = sensor.bus else { return }
        // No clock: on a board that runs in real time a measurement is ready at every check,
        // so a probe does not wait 5 s and a loaded machine cannot time out.
        let chip = SimulatedSCD4x()
        board.attach(chip, bus: bus, address: address)
        board.followWeather { weather in
            var environment = chip.environment
            environment.temperatureCelsius = weather.temperatureCelsius
            environment.humidityPercent = weather.humidityPercent
            chip.environment = environment
        }
    }
}
