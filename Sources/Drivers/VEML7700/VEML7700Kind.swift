import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The Vishay VEML7700 as a sensor kind: `type: veml7700`, on I2C at 0x10, with `gain`,
/// `integration_time` and `nonlinearity_correction`.
public struct VEML7700Kind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// Gain and integration time.
        public var resolution: VEML7700Resolution
        /// The app note's high-illuminance correction.
        public var nonlinearityCorrection: Bool

        /// Creates options; the default is the app note's starting point, gain 1/8 and 100 ms
        /// (0.4608 lx per count, up to 30199 lx).
        public init(resolution: VEML7700Resolution = VEML7700Resolution(gain: .eighth, integrationTime: .ms100),
                    nonlinearityCorrection: Bool = false) {
            self.resolution = resolution
            self.nonlinearityCorrection = nonlinearityCorrection
        }
    }

    /// SenML's lux.
    static let lux = SenMLUnit(rawValue: "lx")

    /// Creates the kind.
    public init() {}

    public var name: String { "veml7700" }
    public var summary: String { "Vishay VEML7700 ambient light" }
    public var buses: [SensorBusKind] { [.i2c] }
    public var optionKeys: [String] { ["gain", "integration_time", "nonlinearity_correction"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(VEML7700Register.address) }

    /// With the default options.
    public var quantities: [QuantityRule] { quantities(for: Options()) }

    /// 0 up to the full count at the configured resolution (corrected, when the correction is on).
    public func quantities(for options: any SensorOptions) -> [QuantityRule] {
        let options = options as? Options ?? Options()
        let maximum = options.resolution.maximumLux
        return [QuantityRule("illuminance", unit: Self.lux,
                             validRange: 0...(options.nonlinearityCorrection ? VEML7700Resolution.corrected(maximum) : maximum))]
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {
            switch entry.key {
            case "gain":
                let text = try entry.choice(VEML7700Gain.allCases.map(\.rawValue))
                options.resolution.gain = VEML7700Gain(rawValue: text) ?? .eighth
            case "integration_time":
                let text = try entry.choice(VEML7700IntegrationTime.allCases.map(\.name))
                options.resolution.integrationTime = VEML7700IntegrationTime.allCases.first { $0.name == text } ?? .ms100
            default:  // nonlinearity_correction
                options.nonlinearityCorrection = try entry.boolean()
            }
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            guard case .i2c(let bus, let address) = configuration.bus else {
                throw HALError(.invalidArgument, operation: "open veml7700 \(configuration.id)", detail: "a VEML7700 needs an i2c bus")
            }
            return VEML7700(bus: try await board.i2cBus(bus), address: address, resolution: options.resolution,
                            correctNonlinearity: options.nonlinearityCorrection, clock: board.clock)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        guard case .i2c(let bus, let address) = sensor.bus else { return }
        // No clock: on a board that runs in real time an integration is done at once.
        let chip = SimulatedWordRegisterChip(SimulatedVEML7700(), byteOrder: .littleEndian)
        board.attach(chip, bus: bus, address: address)
        board.followWeather { weather in chip.update { $0.illuminanceLux = weather.illuminanceLux } }
    }
}
