import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The ams TSL2591 as a sensor kind: `type: tsl2591`, on I2C at 0x29, with `gain`,
/// `integration_time` and `counts`.
public struct TSL2591Kind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// Gain and integration time.
        public var settings: TSL2591Settings
        /// Whether the raw channel counts are reported beside the illuminance.
        public var counts: Bool

        /// Creates options; the default is medium gain, 100 ms, illuminance only.
        public init(settings: TSL2591Settings = TSL2591Settings(), counts: Bool = false) {
            self.settings = settings
            self.counts = counts
        }
    }

    /// SenML's lux.
    static let lux = SenMLUnit(rawValue: "lx")
    /// SenML's counter.
    static let count = SenMLUnit(rawValue: "count")

    /// Creates the kind.
    public init() {}

    public var name: String { "tsl2591" }
    public var summary: String { "ams TSL2591 ambient light (full spectrum and infrared)" }
    public var buses: [SensorBusKind] { [.i2c] }
    public var optionKeys: [String] { ["gain", "integration_time", "counts"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(TSL2591Register.address) }

    /// With the default options.
    public var quantities: [QuantityRule] { quantities(for: Options()) }

    /// Illuminance 0 up to CH0 at MAX COUNT for the settings; the counts up to MAX COUNT.
    public func quantities(for options: any SensorOptions) -> [QuantityRule] {
        let options = options as? Options ?? Options()
        let limit = Double(options.settings.integrationTime.maximumCount)
        var rules = [QuantityRule("illuminance", unit: Self.lux, validRange: 0...options.settings.maximumLux)]
        if options.counts {
            rules += [QuantityRule("full_spectrum", unit: Self.count, validRange: 0...limit),
                      QuantityRule("infrared", unit: Self.count, validRange: 0...limit)]
        }
        return rules
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {
            switch entry.key {
            case "gain":
                let text = try entry.choice(TSL2591Gain.allCases.map(\.rawValue))
                options.settings.gain = TSL2591Gain(rawValue: text) ?? .medium
            case "integration_time":
                let text = try entry.choice(TSL2591IntegrationTime.allCases.map(\.name))
                options.settings.integrationTime = TSL2591IntegrationTime.allCases.first { $0.name == text } ?? .ms100
            default:  // counts
                options.counts = try entry.boolean()
            }
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            guard case .i2c(let bus, let address) = configuration.bus else {
                throw HALError(.invalidArgument, operation: "open tsl2591 \(configuration.id)", detail: "a TSL2591 needs an i2c bus")
            }
            let driver = TSL2591(bus: try await board.i2cBus(bus), address: address, settings: options.settings, clock: board.clock)
            return TSL2591Sensor(driver: driver, counts: options.counts)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        guard case .i2c(let bus, let address) = sensor.bus else { return }
        // No clock: on a board that runs in real time an integration is done at once.
        let chip = SimulatedTSL2591()
        board.attach(chip, bus: bus, address: address)
        board.followWeather { weather in chip.setIlluminance(weather.illuminanceLux) }
    }
}

/// The driver with the kind's choice of readings.
struct TSL2591Sensor: SensorDriver {
    let driver: TSL2591
    let counts: Bool

    func prepareForSampling() async throws { try await driver.start() }

    func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        let readings = try await driver.measure().readings(sensorID: sensorID, at: timestamp)
        return counts ? readings : Array(readings.prefix(1))
    }
}
