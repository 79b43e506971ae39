import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The ST LIS3DH as a sensor kind: `type: lis3dh`, on I2C at 0x18 (0x19 with SA0 high) or
/// SPI, with `range`, `mode` and `data_rate`.
public struct LIS3DHKind: SimulatedSensorKind {
    /// The kind's options: the driver's settings.
    public struct Options: SensorOptions, Equatable {
        /// Mode, range and data rate.
        public var settings: LIS3DHSettings

        /// Creates options; the default is high resolution, ±2 g, 100 Hz.
        public init(settings: LIS3DHSettings = LIS3DHSettings()) { self.settings = settings }
    }

    /// SenML's metres per second squared.
    static let acceleration = SenMLUnit(rawValue: "m/s2")

    /// Creates the kind.
    public init() {}

    public var name: String { "lis3dh" }
    public var summary: String { "ST LIS3DH accelerometer" }
    public var buses: [SensorBusKind] { [.i2c, .spi] }
    public var optionKeys: [String] { ["range", "mode", "data_rate"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(LIS3DHRegister.address) }

    /// With the default options.
    public var quantities: [QuantityRule] { quantities(for: Options()) }

    /// ± the most negative count at the configured mode and range (±16 g's 12 mg/digit reaches
    /// 24.6 g, beyond the nominal range, so the limit is the count's, not the name's).
    public func quantities(for options: any SensorOptions) -> [QuantityRule] {
        let settings = (options as? Options ?? Options()).settings
        let limit = Double(1 << (settings.mode.bits - 1)) * settings.metresPerSecondSquaredPerDigit
        return ["x", "y", "z"].map { QuantityRule("acceleration_\($0)", unit: Self.acceleration, validRange: -limit...limit) }
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var settings = LIS3DHSettings()
        var rateEntry: ConfigValue?
        for entry in entries {
            switch entry.key {
            case "range":
                let g = try entry.integer(oneOf: LIS3DHRange.allCases.map(\.rawValue), message: "expected 2, 4, 8 or 16 (g)")
                settings.range = LIS3DHRange(rawValue: g) ?? .g2
            case "mode":
                let text = try entry.choice(LIS3DHMode.allCases.map(\.rawValue))
                settings.mode = LIS3DHMode(rawValue: text) ?? .highResolution
            default:  // data_rate
                let hertz = try entry.integer(oneOf: LIS3DHDataRate.allCases.map(\.rawValue),
                                              message: "expected 1, 10, 25, 50, 100, 200, 400, 1344, 1620 or 5376 (Hz)")
                settings.dataRate = LIS3DHDataRate(rawValue: hertz) ?? .hz100
                rateEntry = entry
            }
        }
        // Checked after the loop: the mode may come after the rate in the file.
        if let rateEntry, !settings.dataRate.isAvailable(in: settings.mode) {
            throw rateEntry.error("\(settings.dataRate.rawValue) Hz is not available in \(settings.mode.rawValue) mode "
                                  + "(1344 needs normal or high_resolution; 1620 and 5376 need low_power)")
        }
        return Options(settings: settings)
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let settings = (configuration.options as? Options ?? Options()).settings
        return LazySensor(id: configuration.id) {
            switch configuration.bus {
            case .i2c(let bus, let address):
                return LIS3DH(bus: try await board.i2cBus(bus), address: address, settings: settings, clock: board.clock)
            case .spi(let path, let spi):
                return LIS3DH(spi: try await board.spiDevice(path, configuration: spi), settings: settings, clock: board.clock)
            case .none:
                throw HALError(.invalidArgument, operation: "open lis3dh \(configuration.id)", detail: "a LIS3DH needs an i2c or spi bus")
            }
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        // No clock: on a board that runs in real time the first sample is there when it is read.
        switch sensor.bus {
        case .i2c(let bus, let address): board.attach(SimulatedLIS3DH(), bus: bus, address: address)
        case .spi(let path, let configuration): board.attach(SimulatedLIS3DH(configuration: configuration), spiDevice: path)
        case .none: return
        }
    }
}
