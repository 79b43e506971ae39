import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The TI INA226 as a sensor kind: `type: ina226`, on I2C, with `shunt_ohms`, `max_current`,
/// `averaging` and `conversion_time`.
public struct INA226Kind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: CurrentShuntOptions, Equatable {
        /// The shunt, Ω (0.1 on the common breakout boards).
        public var shuntOhms: Double
        /// The largest current expected, A; Current_LSB is this / 2^15.
        public var maxCurrent: Double
        /// AVG.
        public var averaging: INA226Averaging
        /// VBUSCT and VSHCT.
        public var conversionTime: INA226ConversionTime

        /// Creates options; the defaults are the chip's reset settings (1 sample, 1.1 ms) and a
        /// 0.1 Ω shunt, whose ±81.92 mV is ±0.8192 A.
        public init(shuntOhms: Double = 0.1, maxCurrent: Double = 0.8192, averaging: INA226Averaging = .one,
                    conversionTime: INA226ConversionTime = .us1100) {
            self.shuntOhms = shuntOhms
            self.maxCurrent = maxCurrent
            self.averaging = averaging
            self.conversionTime = conversionTime
        }

        /// The calibration these give; `nil` when the register cannot hold it.
        public var calibration: CurrentShuntCalibration? { CurrentShuntKindSupport.calibration(self, family: .ina226) }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "ina226" }
    public var summary: String { "TI INA226 current, voltage and power" }
    public var buses: [SensorBusKind] { [.i2c] }
    public var optionKeys: [String] { ["shunt_ohms", "max_current", "averaging", "conversion_time"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(INA226Register.baseAddress) }

    /// With the default options.
    public var quantities: [QuantityRule] { quantities(for: Options()) }

    /// Shunt voltage within ±81.92 mV, bus voltage within 40.96 V, current and power within
    /// what the calibration's LSBs can express.
    public func quantities(for options: any SensorOptions) -> [QuantityRule] {
        let options = options as? Options ?? Options()
        guard let calibration = options.calibration else { return [] }
        return CurrentShuntUnits.quantities(shuntRange: 0.08192, busRange: 40.96, calibration: calibration)
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        try CurrentShuntKindSupport.decode(entries, into: Options(), family: .ina226) { (entry, options) throws(ConfigurationError) in
            switch entry.key {
            case "averaging":
                let samples = try entry.integer(oneOf: INA226Averaging.allCases.map(\.rawValue),
                                                message: "expected 1, 4, 16, 64, 128, 256, 512 or 1024 samples")
                options.averaging = INA226Averaging(rawValue: samples) ?? .one
            default:  // conversion_time
                let name = try entry.choice(INA226ConversionTime.allCases.map(\.name))
                options.conversionTime = INA226ConversionTime.allCases.first { $0.name == name } ?? .us1100
            }
        }
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            guard case .i2c(let bus, let address) = configuration.bus else {
                throw HALError(.invalidArgument, operation: "open ina226 \(configuration.id)", detail: "an INA226 needs an i2c bus")
            }
            guard let calibration = options.calibration else {
                throw HALError(.invalidArgument, operation: "open ina226 \(configuration.id)", detail: CurrentShuntKindSupport.calibrationMessage(options, family: .ina226))
            }
            return INA226(bus: try await board.i2cBus(bus), address: address, calibration: calibration,
                          averaging: options.averaging, conversionTime: options.conversionTime, clock: board.clock)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        CurrentShuntKindSupport.attach(SimulatedINA226(), options: sensor.options as? Options ?? Options(), for: sensor, to: &board)
    }
}
