import Configuration
import HAL
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// A load generator as a sensor kind: `type: synthetic`, no bus, `readings_per_sample`
/// counter readings per sample. For soak, fault and performance tests.
public struct SyntheticKind: SimulatedSensorKind {
    /// How many readings each sample makes, 1...1000 (default 1).
    public struct Options: SensorOptions, Equatable {
        /// Readings per sample.
        public var readingsPerSample: Int
        /// Creates options.
        public init(readingsPerSample: Int = 1) { self.readingsPerSample = readingsPerSample }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "synthetic" }
    public var summary: String { "load generator: counter readings, no hardware" }
    public var buses: [SensorBusKind] { [] }
    public var optionKeys: [String] { ["readings_per_sample"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { nil }
    public var quantities: [QuantityRule] { [QuantityRule("counter", unit: SenMLUnit(rawValue: "count"))] }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {  // only `readings_per_sample` reaches here
            options.readingsPerSample = try entry.integer(in: 1...1000)
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return SyntheticSensor(id: configuration.id, readingsPerSample: options.readingsPerSample)
    }

    /// Nothing to attach: it needs no bus, simulated or real.
    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {}
}
