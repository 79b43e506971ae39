import Pipeline

/// An IIO channel type as `Documentation/ABI/testing/sysfs-bus-iio` defines its units, and the
/// SenML unit its readings carry.
///
/// The ABI's unit for each type, after `(raw + offset) × scale` or as `_input` shows it:
/// temp milli °C, humidityrelative milli percent, pressure kPa, voltage mV, current mA, power
/// mW, accel m/s², magn Gauss, illuminance lux, resistance Ω, concentration percent (sent as a
/// ratio, `/`: SenML's `%` is NOT RECOMMENDED by RFC 8428 section 12.1). The factor
/// takes that to the SenML primary unit. Types whose ABI unit has no SenML unit (anglvel in
/// rad/s) or none at all (intensity, proximity: "no units") are left out, so they are refused by
/// name rather than sent with a made-up unit.
struct IIOChannelType: Sendable, Hashable {
    /// The type's name in file names, e.g. `humidityrelative`.
    var iioName: String
    /// The quantity's stem in readings, e.g. `humidity`.
    var quantity: String
    /// The SenML unit.
    var unit: SenMLUnit
    /// ABI unit × multiplier / divisor = SenML unit; a divisor rather than a fraction so that
    /// 45600 m% is exactly 45.6 %RH.
    var multiplier: Double = 1
    var divisor: Double = 1

    /// What may follow the type in a channel name and in its quantity: an index, an axis, a
    /// thermopile's `_ambient`/`_object`, a gas. Declared per type so `probe --list` stays
    /// readable; a channel outside them is refused by name at configuration time.
    var suffixes: [String]

    /// A value in the ABI unit in the SenML unit.
    func toSenML(_ value: Double) -> Double { value * multiplier / divisor }

    static let all: [IIOChannelType] = [
        .init(iioName: "temp", quantity: "temperature", unit: SenMLUnit(rawValue: "Cel"), divisor: 1000,
              suffixes: ["", "0", "1", "2", "3", "_ambient", "_object"]),
        .init(iioName: "humidityrelative", quantity: "humidity", unit: SenMLUnit(rawValue: "%RH"), divisor: 1000,
              suffixes: ["", "0", "1"]),
        .init(iioName: "pressure", quantity: "pressure", unit: SenMLUnit(rawValue: "Pa"), multiplier: 1000,
              suffixes: ["", "0", "1"]),
        .init(iioName: "voltage", quantity: "voltage", unit: SenMLUnit(rawValue: "V"), divisor: 1000,
              suffixes: [""] + (0...7).map(String.init)),
        .init(iioName: "current", quantity: "current", unit: SenMLUnit(rawValue: "A"), divisor: 1000,
              suffixes: ["", "0", "1", "2", "3"]),
        .init(iioName: "power", quantity: "power", unit: SenMLUnit(rawValue: "W"), divisor: 1000,
              suffixes: ["", "0", "1", "2", "3"]),
        .init(iioName: "accel", quantity: "acceleration", unit: SenMLUnit(rawValue: "m/s2"), multiplier: 1,
              suffixes: axes),
        .init(iioName: "magn", quantity: "magnetic_field", unit: SenMLUnit(rawValue: "T"), divisor: 10_000,
              suffixes: axes),
        .init(iioName: "illuminance", quantity: "illuminance", unit: SenMLUnit(rawValue: "lx"), multiplier: 1,
              suffixes: ["", "0", "1"]),
        .init(iioName: "resistance", quantity: "resistance", unit: SenMLUnit(rawValue: "Ohm"), multiplier: 1,
              suffixes: ["", "0", "1"]),
        .init(iioName: "concentration", quantity: "concentration", unit: SenMLUnit(rawValue: "/"), divisor: 100,
              suffixes: ["", "_co2", "_voc", "_o2"]),
    ]

    static let axes = ["_x", "_y", "_z"]

    /// The type a channel name such as `voltage3`, `accel_x` or `temp` starts with: the letters
    /// up to the first digit or underscore.
    static func of(channel: String) -> IIOChannelType? {
        let stem = String(channel.prefix { $0.isLetter })
        return all.first { $0.iioName == stem }
    }

    /// The quantity a channel's readings carry: `voltage3` → `voltage3`, `temp` → `temperature`,
    /// `accel_x` → `acceleration_x`; `nil` when the suffix is not one of the type's.
    func quantity(forChannel channel: String) -> String? {
        let suffix = String(channel.dropFirst(iioName.count))
        guard suffixes.contains(suffix) else { return nil }
        return quantity + suffix
    }
}
