import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The TI INA219 as a sensor kind: `type: ina219`, on I2C, with `shunt_ohms`, `max_current`,
/// `bus_range`, `shunt_range` and `averaging`.
public struct INA219Kind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: CurrentShuntOptions, Equatable {
        /// The shunt, Ω (0.1 on the common breakout boards).
        public var shuntOhms: Double
        /// The largest current expected, A; Current_LSB is this / 2^15.
        public var maxCurrent: Double
        /// BRNG.
        public var busRange: INA219BusRange
        /// PGA.
        public var shuntRange: INA219ShuntRange
        /// BADC and SADC.
        public var averaging: INA219Averaging

        /// Creates options; the defaults are the chip's reset ranges (32 V, ±320 mV, one 12-bit
        /// conversion) and a 0.1 Ω shunt, whose ±320 mV is ±3.2 A.
        public init(shuntOhms: Double = 0.1, maxCurrent: Double = 3.2, busRange: INA219BusRange = .thirtyTwoVolts,
                    shuntRange: INA219ShuntRange = .millivolts320, averaging: INA219Averaging = .single) {
            self.shuntOhms = shuntOhms
            self.maxCurrent = maxCurrent
            self.busRange = busRange
            self.shuntRange = shuntRange
            self.averaging = averaging
        }

        /// The calibration these give; `nil` when the register cannot hold it.
        public var calibration: CurrentShuntCalibration? { CurrentShuntKindSupport.calibration(self, family: .ina219) }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "ina219" }
    public var summary: String { "TI INA219 current, voltage and power" }
    public var buses: [SensorBusKind] { [.i2c] }
    public var optionKeys: [String] { ["shunt_ohms", "max_current", "bus_range", "shunt_range", "averaging"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(INA219Register.baseAddress) }

    /// With the default options.
    public var quantities: [QuantityRule] { quantities(for: Options()) }

    /// Shunt voltage within the PGA's range, bus voltage within BRNG, current and power within
    /// what the calibration's LSBs can express.
    public func quantities(for options: any SensorOptions) -> [QuantityRule] {
        let options = options as? Options ?? Options()
        guard let calibration = options.calibration else { return [] }
        return CurrentShuntUnits.quantities(shuntRange: options.shuntRange.volts, busRange: Double(options.busRange.rawValue),
                                            calibration: calibration)
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        try CurrentShuntKindSupport.decode(entries, into: Options(), family: .ina219) { (entry, options) throws(ConfigurationError) in
            switch entry.key {
            case "bus_range":
                let volts = try entry.integer(oneOf: INA219BusRange.allCases.map(\.rawValue), message: "expected 16 or 32 (V)")
                options.busRange = INA219BusRange(rawValue: volts) ?? .thirtyTwoVolts
            case "shunt_range":
                let volts = try entry.number()
                guard let range = INA219ShuntRange.allCases.first(where: { $0.volts == volts }) else {
                    throw entry.error("expected 0.04, 0.08, 0.16 or 0.32 (V)")
                }
                options.shuntRange = range
            default:  // averaging
                let samples = try entry.integer(oneOf: INA219Averaging.allowed, message: "expected 1, 2, 4, 8, 16, 32, 64 or 128 samples")
                options.averaging = INA219Averaging(samples: samples) ?? .single
            }
        }
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            guard case .i2c(let bus, let address) = configuration.bus else {
                throw HALError(.invalidArgument, operation: "open ina219 \(configuration.id)", detail: "an INA219 needs an i2c bus")
            }
            guard let calibration = options.calibration else {
                throw HALError(.invalidArgument, operation: "open ina219 \(configuration.id)", detail: CurrentShuntKindSupport.calibrationMessage(options, family: .ina219))
            }
            return INA219(bus: try await board.i2cBus(bus), address: address, calibration: calibration,
                          busRange: options.busRange, shuntRange: options.shuntRange, averaging: options.averaging,
                          clock: board.clock)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        CurrentShuntKindSupport.attach(SimulatedINA219(), options: sensor.options as? Options ?? Options(), for: sensor, to: &board)
    }
}
