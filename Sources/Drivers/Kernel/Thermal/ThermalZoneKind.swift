import Configuration
import HAL
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// A Linux thermal zone as a sensor kind: `type: thermal_zone`, no bus, `zone:` (its `type`
/// attribute such as `cpu-thermal`, an entry or a path; default the first zone).
public struct ThermalZoneKind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// The zone's `type` attribute, entry or path; `nil`: the first zone.
        public var zone: String?
        /// Creates options.
        public init(zone: String? = nil) { self.zone = zone }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "thermal_zone" }
    public var summary: String { "Linux thermal zone through sysfs (the SoC temperature)" }
    public var buses: [SensorBusKind] { [] }
    public var optionKeys: [String] { ["zone"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { nil }
    /// The kernel's thermal core clamps nothing, but no SoC reports outside -273.15...200 °C;
    /// beyond it a value is a driver error (some report -274000 for "no reading").
    public var quantities: [QuantityRule] { [QuantityRule("temperature", unit: ThermalZone.celsius, validRange: -273.15...200)] }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {  // only `zone`
            let zone = try entry.string()
            guard !zone.isEmpty, !zone.contains("/") || zone.hasPrefix("/") else {
                throw entry.error("expected a zone type (cpu-thermal), an entry (thermal_zone0) or an absolute path")
            }
            options.zone = zone
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) { ThermalZone(files: board.files, zone: options.zone) }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        let options = sensor.options as? Options ?? Options()
        let type = options.zone.flatMap { $0.hasPrefix("/") || $0.hasPrefix("thermal_zone") ? nil : $0 } ?? "cpu-thermal"
        SimulatedThermalZone.install(type: type, in: board.files, following: &board)
    }
}
