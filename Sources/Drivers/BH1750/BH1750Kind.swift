import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The ROHM BH1750FVI as a sensor kind: `type: bh1750`, on I2C, with `mtreg`.
public struct BH1750Kind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// MTreg, 31...254 (default 69): larger is more sensitive with a smaller range.
        public var mtreg: Int

        /// Creates options.
        public init(mtreg: Int = 69) { self.mtreg = mtreg }
    }

    /// SenML's lux.
    static let lux = SenMLUnit(rawValue: "lx")

    /// Creates the kind.
    public init() {}

    public var name: String { "bh1750" }
    public var summary: String { "ROHM BH1750FVI ambient light" }
    public var buses: [SensorBusKind] { [.i2c] }
    public var optionKeys: [String] { ["mtreg"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(BH1750Opcode.primaryAddress) }

    /// 0 up to the largest value any allowed MTreg can report: the full count 65535 at the
    /// smallest MTreg 31 is 65535 / 1.2 × 69 / 31 = 121 556.85 lx. The datasheet's "100000 lx"
    /// is that span rounded; a limit of 100000 would drop true readings in direct sunlight.
    public var quantities: [QuantityRule] {
        [QuantityRule("illuminance", unit: Self.lux, validRange: 0...121_557)]
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {  // only `mtreg` reaches here
            options.mtreg = try entry.integer(in: BH1750MeasurementTime.minimum...BH1750MeasurementTime.maximum)
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            guard case .i2c(let bus, let address) = configuration.bus else {
                throw HALError(.invalidArgument, operation: "open bh1750 \(configuration.id)", detail: "a BH1750 needs an i2c bus")
            }
            guard let measurementTime = BH1750MeasurementTime(options.mtreg) else {
                throw HALError(.invalidArgument, operation: "open bh1750 \(configuration.id)",
                               detail: "mtreg \(options.mtreg) is outside 31...254")
            }
            return BH1750(bus: try await board.i2cBus(bus), address: address, measurementTime: measurementTime,
                          clock: board.clock)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        guard case .i2c(let bus, let address) = sensor.bus else { return }
        // No clock: on a board that runs in real time each measurement is done at once.
        let chip = SimulatedBH1750()
        board.attach(chip, bus: bus, address: address)
        board.followWeather { weather in
            chip.illuminanceLux = weather.illuminanceLux
        }
    }
}
