import Configuration
import Pipeline

/// One configured MCP3008 channel: the input and how its voltage becomes the quantity the
/// configuration declares.
public struct MCP3008Channel: Sendable, Hashable {
    /// Which input is converted.
    public var input: MCP3008Input
    /// Voltage to quantity.
    public var scaling: AnalogScaling

    /// Creates a channel; by default reported as its voltage under the input's name.
    public init(input: MCP3008Input, scaling: AnalogScaling? = nil) {
        self.input = input
        self.scaling = scaling ?? AnalogScaling(quantity: input.defaultQuantity)
    }

    /// The validation rule: the voltage can be 0 up to VREF (a pseudo-differential input below
    /// its pair reads 0).
    public func rule(referenceVolts: Double) -> QuantityRule {
        scaling.rule(volts: 0...referenceVolts)
    }

    /// The keys a channel entry takes.
    static let keys = ["input"] + AnalogScaling.keys

    /// Reads one `channels:` item.
    static func decode(_ item: ConfigValue) throws(ConfigurationError) -> MCP3008Channel {
        let entries = try item.entries(allowed: keys)
        var input: MCP3008Input?
        for entry in entries where entry.key == "input" {
            let name = try entry.choice(MCP3008Input.all.map(\.name))
            input = MCP3008Input.all.first { $0.name == name }
        }
        guard let input else {
            throw item.error("a channel needs input: ch0...ch7, or a pair ch0-ch1, ch1-ch0, ... ch7-ch6")
        }
        return MCP3008Channel(input: input, scaling: try AnalogScaling.decode(entries, defaultQuantity: input.defaultQuantity,
                                                                               anchor: item))
    }
}
