import Configuration
import Pipeline

/// One configured ADS1115 channel: what is converted, at which range, and how the voltage
/// becomes the quantity the configuration declares.
public struct ADS1115Channel: Sendable, Hashable {
    /// Inputs and full-scale range.
    public var settings: ADS1115ChannelSettings
    /// Voltage to quantity.
    public var scaling: AnalogScaling

    /// Creates a channel; by default reported as its voltage under the input's name (`ain0`,
    /// `ain0_ain1`).
    public init(input: ADS1115Input, fullScale: ADS1115FullScale = .volts4_096, scaling: AnalogScaling? = nil) {
        settings = ADS1115ChannelSettings(input: input, fullScale: fullScale)
        self.scaling = scaling ?? AnalogScaling(quantity: Self.defaultQuantity(input))
    }

    /// The input's name with `-` as `_`: `ain0`, `ain0_ain1`.
    public static func defaultQuantity(_ input: ADS1115Input) -> String {
        String(input.name.map { $0 == "-" ? "_" : $0 })
    }

    /// The validation rule: the voltage can be anything from -FSR to +FSR.
    public var rule: QuantityRule {
        scaling.rule(volts: -settings.fullScale.volts...settings.fullScale.volts)
    }

    /// The keys a channel entry takes.
    static let keys = ["input", "full_scale"] + AnalogScaling.keys

    /// Reads one `channels:` item.
    static func decode(_ item: ConfigValue) throws(ConfigurationError) -> ADS1115Channel {
        let entries = try item.entries(allowed: keys)
        var input: ADS1115Input?
        var fullScale = ADS1115FullScale.volts4_096
        for entry in entries {
            switch entry.key {
            case "input":
                let name = try entry.choice(ADS1115Input.allCases.map(\.name))
                input = ADS1115Input.allCases.first { $0.name == name }
            case "full_scale":
                let volts = try entry.number()
                guard let range = ADS1115FullScale(volts: volts) else {
                    throw entry.error("full_scale must be one of 6.144, 4.096, 2.048, 1.024, 0.512, 0.256 (volts)")
                }
                fullScale = range
            default:
                continue
            }
        }
        guard let input else { throw item.error("a channel needs input: one of \(ADS1115Input.allCases.map(\.name).joined(separator: ", "))") }
        let scaling = try AnalogScaling.decode(entries, defaultQuantity: defaultQuantity(input), anchor: item)
        return ADS1115Channel(input: input, fullScale: fullScale, scaling: scaling)
    }
}
