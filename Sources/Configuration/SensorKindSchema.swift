import Pipeline

/// What the configuration needs to know of a sensor kind: its name, its buses and how to read
/// its own options. Each kind (one folder per chip in `Drivers`) conforms through `SensorKind`;
/// the schema knows no chip.
public protocol SensorKindSchema: Sendable {
    /// The `type` a sensor entry names, e.g. `bme280`.
    var name: String { get }
    /// The buses the chip can be wired to; empty for a kind that needs none (kernel sysfs
    /// devices, load generators).
    var buses: [SensorBusKind] { get }
    /// The keys of its own options (beside `id`, `type`, the bus, `interval` and `priority`).
    var optionKeys: [String] { get }
    /// The options when none are written.
    var defaultOptions: any SensorOptions { get }
    /// Option keys a sensor of this kind must have (a chip described in the file needs its
    /// `fields`); the schema reports a missing one at the sensor's entry.
    var requiredOptionKeys: [String] { get }
    /// Groups of option keys of which a sensor of this kind must give at least one (a GPIO
    /// sensor's `pin` or `line`); the schema reports a missing group at the sensor's entry.
    var requiredOptionChoices: [[String]] { get }
    /// Reads its options from the entries of one sensor mapping that are in ``optionKeys``, in
    /// file order. Errors name the file, line and key through ``ConfigValue/error(_:)``.
    func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions
    /// The quantities its readings carry, with SenML units and the values the chip can report;
    /// a sensor's `quantities:` section may name only these.
    var quantities: [QuantityRule] { get }
    /// The quantities a sensor with these options reports, when its options name them (an
    /// ADC's channels, each scaled to a quantity the configuration declares); by default
    /// ``quantities``. The `quantities:` section and validation use this.
    func quantities(for options: any SensorOptions) -> [QuantityRule]
}

extension SensorKindSchema {
    public func quantities(for options: any SensorOptions) -> [QuantityRule] { quantities }
}

extension SensorKindSchema {
    public var requiredOptionKeys: [String] { [] }
    public var requiredOptionChoices: [[String]] { [] }
}

/// A bus a sensor can be wired to.
public enum SensorBusKind: String, Sendable, Hashable, CaseIterable {
    /// An I2C bus and a 7-bit address.
    case i2c
    /// An SPI device node.
    case spi
}

/// A kind's own settings for one sensor, as its `decodeOptions` made them.
public protocol SensorOptions: Sendable {
    /// Whether `other` holds the same settings (configurations compare equal in tests and when a
    /// reload decides whether a sensor changed).
    func isEqual(to other: any SensorOptions) -> Bool
}

extension SensorOptions where Self: Equatable {
    public func isEqual(to other: any SensorOptions) -> Bool {
        (other as? Self) == self
    }
}

/// The options of a kind that has none.
public struct NoSensorOptions: SensorOptions, Equatable {
    /// Creates the empty options.
    public init() {}
}

/// The sensor kinds a configuration may name, in the order `--list` and error messages show.
public struct SensorKindCatalog: Sendable {
    /// The kinds.
    public let kinds: [any SensorKindSchema]

    /// Creates a catalog.
    public init(_ kinds: [any SensorKindSchema]) {
        self.kinds = kinds
    }

    /// The kind called `name`.
    public func kind(named name: String) -> (any SensorKindSchema)? {
        kinds.first { $0.name == name }
    }

    /// Every kind's name.
    public var names: [String] { kinds.map(\.name) }
}
