import Configuration
import HAL

/// The options every GPIO input kind shares: the line (`pin:` or `line:`), `bias`,
/// `active_low` and `debounce`.
public struct GPIOInputLineOptions: Sendable, Hashable {
    /// The line.
    public var pin: GPIOPinSetting
    /// `bias`: `as_is` (default), `disabled`, `pull_up` or `pull_down`.
    public var bias: GPIOBias
    /// `active_low`: a low level reads as `true` (a switch to ground with a pull-up).
    public var activeLow: Bool
    /// `debounce`: edges closer together than this are one (0 ... 1s, default 0), done by the
    /// kernel where it can (libgpiod 2.x, which debounces the level too); with libgpiod 1.6 the
    /// agent debounces the edge stream (`pulse_counter`), but a level read is not debounced.
    public var debounce: Duration

    /// Creates options.
    public init(pin: GPIOPinSetting, bias: GPIOBias = .asIs, activeLow: Bool = false, debounce: Duration = .zero) {
        self.pin = pin
        self.bias = bias
        self.activeLow = activeLow
        self.debounce = debounce
    }

    /// The keys these options take.
    static let keys = ConfigValue.gpioPinKeys + ["bias", "active_low", "debounce"]

    /// A line for `probe --simulated`, where any chip label is accepted.
    static let probeLine = GPIOPinSetting(GPIOLineAddress(chip: "sensorgw-sim", line: .offset(0)))

    /// ``debounce`` in whole microseconds, as the kernel takes it.
    public var debounceMicroseconds: UInt32 {
        let (seconds, attoseconds) = debounce.components
        return UInt32(clamping: seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
    }

    /// The request for an input with these settings.
    func inputConfiguration(edges: GPIOEdgeDetection) -> GPIOInputConfiguration {
        GPIOInputConfiguration(bias: bias, activeLow: activeLow, edges: edges, debounceMicroseconds: debounceMicroseconds)
    }

    /// Reads the keys of ``keys`` out of `entries` (the others are left to the kind); exactly
    /// one of `pin` and `line`.
    static func decode(_ entries: [ConfigValue]) throws(ConfigurationError) -> GPIOInputLineOptions {
        var options = GPIOInputLineOptions(pin: probeLine)
        var pinEntry: ConfigValue?
        for entry in entries {
            switch entry.key {
            case "pin", "line":
                if let pinEntry {
                    throw entry.error("give either pin or line, not both (\(pinEntry.key) is given above)")
                }
                options.pin = try entry.gpioPin()
                pinEntry = entry
            case "bias":
                let names = ["as_is", "disabled", "pull_up", "pull_down"]
                let biases: [GPIOBias] = [.asIs, .disabled, .pullUp, .pullDown]
                let name = try entry.choice(names)
                options.bias = biases[names.firstIndex(of: name) ?? 0]
            case "active_low":
                options.activeLow = try entry.boolean()
            case "debounce":
                options.debounce = try entry.duration(in: .zero ... .seconds(1))
            default:
                continue
            }
        }
        return options
    }
}
