import Configuration
import HAL
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The board itself as a sensor kind: `type: board_health` (not `board`, which
/// `sensorgw probe board` and the configuration's `board:` already mean), no bus,
/// `thermal_zone:` (default `cpu-thermal`, else the first zone) and `disk_path:` (default
/// `/var/lib/sensorgw`, the packaged service's state directory, or `/` on a machine without
/// it: put the outbox's directory here if it lives elsewhere).
public struct BoardHealthKind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// The SoC temperature's zone type; `nil`: `cpu-thermal`, else the first zone.
        public var thermalZone: String?
        /// A path on the filesystem whose use is reported; `nil`: `/var/lib/sensorgw`, else `/`.
        public var diskPath: String?

        /// Creates options.
        public init(thermalZone: String? = nil, diskPath: String? = nil) {
            self.thermalZone = thermalZone
            self.diskPath = diskPath
        }
    }

    /// Creates the kind.
    public init() {}

    public var name: String { "board_health" }
    public var summary: String { "the board itself: SoC temperature, load, memory, disk, under-voltage and throttling" }
    public var buses: [SensorBusKind] { [] }
    public var optionKeys: [String] { ["thermal_zone", "disk_path"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { nil }

    public var quantities: [QuantityRule] {
        [QuantityRule("cpu_temperature", unit: ThermalZone.celsius, validRange: -273.15...200),
         QuantityRule("load_1m", unit: BoardHealth.ratio, validRange: 0...100_000),
         QuantityRule("load_5m", unit: BoardHealth.ratio, validRange: 0...100_000),
         QuantityRule("load_15m", unit: BoardHealth.ratio, validRange: 0...100_000),
         QuantityRule("memory_total", unit: BoardHealth.bytes),
         QuantityRule("memory_available", unit: BoardHealth.bytes),
         QuantityRule("memory_used", unit: BoardHealth.ratio, validRange: 0...1),
         QuantityRule("disk_total", unit: BoardHealth.bytes),
         QuantityRule("disk_available", unit: BoardHealth.bytes),
         QuantityRule("disk_used", unit: BoardHealth.ratio, validRange: 0...1)]
            + ThrottledFlags.quantities.map { QuantityRule($0.quantity, unit: BoardHealth.ratio, validRange: 0...1) }
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {
            switch entry.key {
            case "thermal_zone":
                let zone = try entry.string()
                guard !zone.isEmpty, !zone.contains("/") || zone.hasPrefix("/") else {
                    throw entry.error("expected a zone type (cpu-thermal), an entry (thermal_zone0) or an absolute path")
                }
                options.thermalZone = zone
            default:  // disk_path
                let path = try entry.string()
                guard path.hasPrefix("/") else { throw entry.error("expected an absolute path, e.g. /var/lib/sensorgw") }
                options.diskPath = path
            }
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            BoardHealth(files: board.files, thermalZone: options.thermalZone, diskPath: options.diskPath)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        let options = sensor.options as? Options ?? Options()
        SimulatedBoardHealth.install(in: board.files, thermalZone: options.thermalZone ?? "cpu-thermal",
                                     diskPath: options.diskPath ?? BoardHealth.defaultDiskPath, following: &board)
    }
}
