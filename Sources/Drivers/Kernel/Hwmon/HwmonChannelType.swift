import Pipeline

/// A hwmon channel type as `Documentation/hwmon/sysfs-interface.rst` defines its `_input` unit,
/// and the SenML unit its readings carry: temp m°C, in mV, curr mA, power µW, energy µJ, fan
/// RPM, humidity m%RH. Fans go out in `1/s` (RPM ÷ 60): SenML's `1/min` is NOT RECOMMENDED
/// (RFC 8428 section 12.1). The multiplier and divisor take the hwmon unit to the SenML one.
struct HwmonChannelType: Sendable, Hashable {
    /// The prefix in file names, e.g. `curr`.
    var prefix: String
    /// The quantity's stem in readings, e.g. `current`.
    var quantity: String
    /// The SenML unit.
    var unit: SenMLUnit
    /// hwmon unit × multiplier / divisor = SenML unit; a divisor rather than a fraction so
    /// that 612 mA is exactly 0.612 A.
    var multiplier: Double = 1
    var divisor: Double = 1

    /// Channel numbers the quantities are declared for (hwmon counts `in` from 0, the others
    /// from 1), as many as a Super-I/O chip has, few enough for `probe --list` to stay readable.
    var indices: ClosedRange<Int>

    /// A value in the hwmon unit in the SenML unit.
    func toSenML(_ value: Double) -> Double { value * multiplier / divisor }

    static let all: [HwmonChannelType] = [
        .init(prefix: "temp", quantity: "temperature", unit: SenMLUnit(rawValue: "Cel"), divisor: 1000,
              indices: 1...8),
        .init(prefix: "in", quantity: "voltage", unit: SenMLUnit(rawValue: "V"), divisor: 1000,
              indices: 0...11),
        .init(prefix: "curr", quantity: "current", unit: SenMLUnit(rawValue: "A"), divisor: 1000,
              indices: 1...4),
        .init(prefix: "power", quantity: "power", unit: SenMLUnit(rawValue: "W"), divisor: 1_000_000,
              indices: 1...4),
        .init(prefix: "energy", quantity: "energy", unit: SenMLUnit(rawValue: "J"), divisor: 1_000_000,
              indices: 1...2),
        .init(prefix: "fan", quantity: "fan_speed", unit: SenMLUnit(rawValue: "1/s"), divisor: 60,
              indices: 1...6),
        .init(prefix: "humidity", quantity: "humidity", unit: SenMLUnit(rawValue: "%RH"), divisor: 1000,
              indices: 1...2),
    ]


    /// The channel `temp1`, `in0`, `fan2` as its type and number; `nil` for anything else.
    static func parse(_ channel: String) -> (type: HwmonChannelType, index: Int)? {
        let stem = String(channel.prefix { $0.isLetter })
        guard let type = all.first(where: { $0.prefix == stem }),
              let index = Int(channel.dropFirst(stem.count)), type.indices.contains(index) else { return nil }
        return (type, index)
    }
}
