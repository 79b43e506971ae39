import Configuration
import HAL
import Pipeline
import Sampling

/// Everything the agent knows of one kind of sensor, owned by the chip's folder in `Drivers`:
/// its options (through ``SensorKindSchema``), its quantities with units and valid ranges, how
/// to build the real sensor on a board's buses, and what a hand-held probe needs.
///
/// Nothing outside the chip's folder names the chip: the schema, the pipeline, the agent and
/// the command line all go through this protocol and the registry.
public protocol SensorKind: SensorKindSchema {
    /// One line for `probe --list`, e.g. `Bosch BME280 temperature, pressure and humidity`.
    var summary: String { get }
    /// The I2C address a probe uses when none is given (the datasheet's default), if on I2C.
    var defaultI2CAddress: I2CAddress? { get }
    /// The sensor for one configured entry. Opening buses is deferred to the sensor's
    /// `prepare()`, so a missing bus is a sensor failure (logged, retried), not a start-up abort.
    func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor
}

extension SensorKind {
    /// The quantities one configured sensor reports: ``SensorKindSchema/quantities`` for a chip
    /// with fixed outputs, those its options name for an ADC's channels or a kind described in
    /// the file (`registers`).
    public func quantities(for configuration: GatewayConfiguration.SensorConfiguration) -> [QuantityRule] {
        quantities(for: configuration.options)
    }
}

extension SensorKind {
    /// The pipeline its readings go through before storage: validation against ``quantities``
    /// (the raw values, against what the chip can report), then for each quantity the
    /// configuration names its calibration, its unit conversion and its filters
    /// (`docs/PIPELINE.md`).
    ///
    /// A fresh value each call: filter state starts empty at every start of the agent.
    public func pipeline(for configuration: GatewayConfiguration.SensorConfiguration) -> ReadingPipeline {
        // `privacy: { redact: true }`: nothing of the sensor is stored, so nothing can be sent.
        if configuration.privacy.redactAll { return ReadingPipeline([RedactionStage(.allQuantities)]) }
        let rules = quantities(for: configuration.options)
        var stages: [any ReadingStage] = [ValidationStage(rules: rules)]
        for settings in configuration.quantities {
            // The configuration only names declared quantities; a hand-built one that does not
            // is ignored rather than given stages for readings that never come.
            guard let rule = rules.first(where: { $0.quantity == settings.quantity }) else { continue }
            stages += settings.stages(declaredUnit: rule.unit)
        }
        return ReadingPipeline(stages)
    }
}

/// The sensor kinds this build knows, in the order listings show them.
public struct SensorRegistry: Sendable {
    /// The kinds.
    public let kinds: [any SensorKind]

    /// Creates a registry.
    public init(_ kinds: [any SensorKind]) {
        self.kinds = kinds
    }

    /// The kind called `name`.
    public func kind(named name: String) -> (any SensorKind)? {
        kinds.first { $0.name == name }
    }

    /// The same kinds as the configuration schema sees them.
    public var catalog: SensorKindCatalog { SensorKindCatalog(kinds) }
}

/// Raised when a configured sensor names a kind the registry lacks (a configuration validated
/// against another registry).
public struct UnknownSensorKind: Error, Sendable, CustomStringConvertible {
    /// The sensor's id.
    public var sensorID: String
    /// The kind it names.
    public var kind: String
    /// Creates the error.
    public init(sensorID: String, kind: String) {
        self.sensorID = sensorID
        self.kind = kind
    }
    public var description: String { "sensor \(sensorID): no sensor kind '\(kind)' in this build" }
}
