import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The InvenSense MPU-6050 as a sensor kind: `type: mpu6050`, on I2C at 0x68 (0x69 with AD0
/// high), with `accel_range`, `gyro_range` and `dlpf`.
public struct MPU6050Kind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// Accelerometer full scale.
        public var accelRange: MPU6050AccelRange
        /// Gyroscope full scale.
        public var gyroRange: MPU6050GyroRange
        /// Digital low-pass filter.
        public var lowPassFilter: MPU6050LowPassFilter

        /// Creates options; the default is the chip's reset state (±2 g, ±250 °/s, filter off).
        public init(accelRange: MPU6050AccelRange = .g2, gyroRange: MPU6050GyroRange = .dps250,
                    lowPassFilter: MPU6050LowPassFilter = .hz260) {
            self.accelRange = accelRange
            self.gyroRange = gyroRange
            self.lowPassFilter = lowPassFilter
        }
    }

    /// SenML's metres per second squared.
    static let acceleration = SenMLUnit(rawValue: "m/s2")
    /// SenML has no `rad/s`; the radian is dimensionless, so an angular velocity in rad/s is
    /// carried as `1/s`.
    static let radiansPerSecond = SenMLUnit(rawValue: "1/s")

    /// Creates the kind.
    public init() {}

    public var name: String { "mpu6050" }
    public var summary: String { "InvenSense MPU-6050 accelerometer, gyroscope and temperature" }
    public var buses: [SensorBusKind] { [.i2c] }
    public var optionKeys: [String] { ["accel_range", "gyro_range", "dlpf"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(MPU6050Register.address) }

    /// With the default options.
    public var quantities: [QuantityRule] { quantities(for: Options()) }

    /// ± the full scale (the most negative count, which is slightly beyond the nominal range for
    /// the gyroscope's rounded sensitivities); temperature over the specified -40...85 °C.
    public func quantities(for options: any SensorOptions) -> [QuantityRule] {
        let options = options as? Options ?? Options()
        let accel = 32_768 / options.accelRange.countsPerG * MPU6050Register.standardGravity
        let rate = 32_768 / options.gyroRange.countsPerDegreePerSecond * Double.pi / 180
        return ["x", "y", "z"].map { QuantityRule("acceleration_\($0)", unit: Self.acceleration, validRange: -accel...accel) }
            + ["x", "y", "z"].map { QuantityRule("angular_velocity_\($0)", unit: Self.radiansPerSecond, validRange: -rate...rate) }
            + [QuantityRule("temperature", unit: .celsius, validRange: -40...85)]
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {
            switch entry.key {
            case "accel_range":
                let g = try entry.integer(oneOf: MPU6050AccelRange.allCases.map(\.rawValue), message: "expected 2, 4, 8 or 16 (g)")
                options.accelRange = MPU6050AccelRange(rawValue: g) ?? .g2
            case "gyro_range":
                let dps = try entry.integer(oneOf: MPU6050GyroRange.allCases.map(\.rawValue),
                                            message: "expected 250, 500, 1000 or 2000 (°/s)")
                options.gyroRange = MPU6050GyroRange(rawValue: dps) ?? .dps250
            default:  // dlpf
                let hz = try entry.integer(oneOf: MPU6050LowPassFilter.allCases.map(\.rawValue),
                                           message: "expected 260, 184, 94, 44, 21, 10 or 5 (Hz)")
                options.lowPassFilter = MPU6050LowPassFilter(rawValue: hz) ?? .hz260
            }
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            guard case .i2c(let bus, let address) = configuration.bus else {
                throw HALError(.invalidArgument, operation: "open mpu6050 \(configuration.id)", detail: "an MPU-6050 needs an i2c bus")
            }
            return MPU6050(bus: try await board.i2cBus(bus), address: address, accelRange: options.accelRange,
                           gyroRange: options.gyroRange, lowPassFilter: options.lowPassFilter, clock: board.clock)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        guard case .i2c(let bus, let address) = sensor.bus else { return }
        // No clock: on a board that runs in real time the chip has started when it is read.
        let chip = SimulatedMPU6050()
        board.attach(chip, bus: bus, address: address)
        board.followWeather { weather in chip.environment.temperatureCelsius = weather.temperatureCelsius }
    }
}
