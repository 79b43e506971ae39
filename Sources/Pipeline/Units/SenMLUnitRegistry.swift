/// The SenML unit names sensorgw knows: RFC 8428's registry with RFC 8798's additions (the
/// primary units, which a reading may carry) and RFC 8798's secondary units (each a linear
/// transformation of a primary unit, e.g. `hPa` is 100 `Pa`).
///
/// A kind declares its quantities in primary units; a user may ask for any unit of the same
/// family, and the conversion between two units of a family is exact: defined by the registry's
/// scale and offset, not fitted. Neither registry has degrees Fahrenheit or kilopascal, so those
/// cannot be named (a reading labelled `degF` would be unreadable to a SenML consumer).
public enum SenMLUnitRegistry {
    /// RFC 8428 section 12.1 and RFC 8798 section 2: the primary unit names.
    public static let primaryUnits: Set<String> = [
        "m", "kg", "g", "s", "A", "K", "cd", "mol", "Hz", "rad", "sr", "N", "Pa", "J", "W", "C", "V", "F",
        "Ohm", "S", "Wb", "T", "H", "Cel", "lm", "lx", "Bq", "Gy", "Sv", "kat", "m2", "m3", "l", "m/s",
        "m/s2", "m3/s", "l/s", "W/m2", "cd/m2", "bit", "bit/s", "lat", "lon", "pH", "dB", "dBW", "Bspl",
        "count", "/", "%", "%RH", "%EL", "EL", "1/s", "1/min", "beat/min", "beats", "S/m",
        // RFC 8798 section 2
        "B", "VA", "VAs", "var", "vars", "J/m", "kg/m3", "deg",
    ]

    /// RFC 8798 section 3, table 2: the secondary units, each as `multiplier / divisor` of its
    /// primary unit plus `offset` (value in primary = value × multiplier / divisor + offset).
    /// The ratio is kept as two integers-in-doubles so that `mV` is "÷ 1000", not "× 0.001",
    /// which binary floating point cannot hold exactly.
    public static let secondaryUnits: [String: UnitScale] = [
        "ms": UnitScale("s", divisor: 1000),
        "min": UnitScale("s", multiplier: 60),
        "h": UnitScale("s", multiplier: 3600),
        "MHz": UnitScale("Hz", multiplier: 1_000_000),
        "kW": UnitScale("W", multiplier: 1000),
        "kVA": UnitScale("VA", multiplier: 1000),
        "kvar": UnitScale("var", multiplier: 1000),
        "Ah": UnitScale("C", multiplier: 3600),
        "Wh": UnitScale("J", multiplier: 3600),
        "kWh": UnitScale("J", multiplier: 3_600_000),
        "varh": UnitScale("vars", multiplier: 3600),
        "kvarh": UnitScale("vars", multiplier: 3_600_000),
        "kVAh": UnitScale("VAs", multiplier: 3_600_000),
        "Wh/km": UnitScale("J/m", multiplier: 36, divisor: 10),
        "KiB": UnitScale("B", multiplier: 1024),
        "GB": UnitScale("B", multiplier: 1_000_000_000),
        "Mbit/s": UnitScale("bit/s", multiplier: 1_000_000),
        "B/s": UnitScale("bit/s", multiplier: 8),
        "MB/s": UnitScale("bit/s", multiplier: 8_000_000),
        "mV": UnitScale("V", divisor: 1000),
        "mA": UnitScale("A", divisor: 1000),
        "dBm": UnitScale("dBW", offset: -30),
        "ug/m3": UnitScale("kg/m3", divisor: 1_000_000_000),
        "mm/h": UnitScale("m/s", divisor: 3_600_000),
        "m/h": UnitScale("m/s", divisor: 3600),
        "ppm": UnitScale("/", divisor: 1_000_000),
        "/100": UnitScale("/", divisor: 100),
        "/1000": UnitScale("/", divisor: 1000),
        "hPa": UnitScale("Pa", multiplier: 100),
        "mm": UnitScale("m", divisor: 1000),
        "cm": UnitScale("m", divisor: 100),
        "km": UnitScale("m", multiplier: 1000),
        "km/h": UnitScale("m/s", multiplier: 10, divisor: 36),
    ]

    /// Exact relations between two primary units: RFC 8428 registers both `Cel` and `K`, and
    /// 0 °C is 273.15 K by definition (SI brochure, 9th edition, 2.3.1).
    static let relatedPrimaries: [String: UnitScale] = [
        "Cel": UnitScale("K", offset: 273.15),
    ]

    /// Whether `unit` is a registered primary or secondary unit.
    public static func isRegistered(_ unit: SenMLUnit) -> Bool {
        primaryUnits.contains(unit.rawValue) || secondaryUnits[unit.rawValue] != nil
    }

    /// How `unit` relates to the root of its family (itself when it is the root).
    static func scale(of unit: SenMLUnit) -> UnitScale? {
        if let secondary = secondaryUnits[unit.rawValue] {
            // A secondary of a related primary (none today) would need two steps; the registry
            // defines secondaries only over roots, so one lookup suffices.
            return secondary
        }
        if let related = relatedPrimaries[unit.rawValue] { return related }
        if primaryUnits.contains(unit.rawValue) { return UnitScale(unit.rawValue) }
        return nil
    }

    /// The exact conversion from `source` to `target`, or nil when they are not of one family.
    public static func conversion(from source: SenMLUnit, to target: SenMLUnit) -> UnitConversion? {
        guard let from = scale(of: source), let to = scale(of: target), from.root == to.root else { return nil }
        return UnitConversion(source: source, target: target, from: from, to: to)
    }

    /// Every unit `source` converts to (itself included), sorted, for error messages.
    public static func units(convertibleFrom source: SenMLUnit) -> [SenMLUnit] {
        guard let root = scale(of: source)?.root else { return [] }
        let candidates = primaryUnits.union(secondaryUnits.keys).union(relatedPrimaries.keys)
        return candidates.filter { scale(of: SenMLUnit(rawValue: $0))?.root == root }.sorted().map(SenMLUnit.init(rawValue:))
    }
}

/// A unit as a linear transformation of the root of its family.
public struct UnitScale: Sendable, Hashable {
    /// The unit this one is defined over (a primary unit).
    public var root: String
    /// value in root = value × multiplier / divisor + offset.
    public var multiplier: Double
    /// See ``multiplier``.
    public var divisor: Double
    /// See ``multiplier``.
    public var offset: Double

    /// Creates a scale.
    public init(_ root: String, multiplier: Double = 1, divisor: Double = 1, offset: Double = 0) {
        self.root = root
        self.multiplier = multiplier
        self.divisor = divisor
        self.offset = offset
    }
}
