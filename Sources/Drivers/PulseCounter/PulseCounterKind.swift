import Configuration
import HAL
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// A pulse counter as a sensor kind: `type: pulse_counter`, no bus, the line as for
/// `gpio_input`, `edge` (`rising`, `falling`, the default, or `both`), `scale` (what one pulse
/// is, in `unit`; default 1) and `unit` (a SenML unit with a per-second partner; default
/// `count`). Each sample reports `count`, the scaled total since the start, and `rate`, the
/// scaled pulses per second from the kernel's edge timestamps (``PulseTally``).
///
/// A rain gauge of 0.2794 mm per tip: `scale: 0.0002794`, `unit: m` gives `count` in m and
/// `rate` in m/s.
public struct PulseCounterKind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// The line and how it is requested.
        public var line: GPIOInputLineOptions
        /// Which edges are pulses.
        public var edges: GPIOEdgeDetection
        /// One pulse, in ``unit``.
        public var scale: Double
        /// The unit of the total.
        public var unit: SenMLUnit

        /// Creates options.
        public init(line: GPIOInputLineOptions, edges: GPIOEdgeDetection = .falling, scale: Double = 1,
                    unit: SenMLUnit = SenMLUnit(rawValue: "count")) {
            self.line = line
            self.edges = edges
            self.scale = scale
            self.unit = unit
        }

        /// The unit of the rate: ``unit`` per second.
        public var rateUnit: SenMLUnit? { PulseCounterKind.perSecond[unit.rawValue].map { SenMLUnit(rawValue: $0) } }
    }

    /// The quantity of the total.
    public static let countQuantity = "count"
    /// The quantity of the rate.
    public static let rateQuantity = "rate"

    /// The SenML units (RFC 8428, RFC 8798) a total may be in, each with its per-second unit.
    static let perSecond: [String: String] = [
        "count": "1/s", "m": "m/s", "m3": "m3/s", "l": "l/s", "bit": "bit/s", "J": "W", "VAs": "VA", "vars": "var",
    ]

    /// Creates the kind.
    public init() {}

    public var name: String { "pulse_counter" }
    public var summary: String { "pulse counter (rain gauge, anemometer, flow meter) on a GPIO line: count and rate" }
    public var buses: [SensorBusKind] { [] }
    public var optionKeys: [String] { GPIOInputLineOptions.keys + ["edge", "scale", "unit"] }
    public var requiredOptionChoices: [[String]] { [ConfigValue.gpioPinKeys] }
    public var defaultOptions: any SensorOptions { Options(line: GPIOInputLineOptions(pin: GPIOInputLineOptions.probeLine)) }
    public var defaultI2CAddress: I2CAddress? { nil }
    public var quantities: [QuantityRule] { quantities(for: defaultOptions) }

    public func quantities(for options: any SensorOptions) -> [QuantityRule] {
        let options = options as? Options ?? Options(line: GPIOInputLineOptions(pin: GPIOInputLineOptions.probeLine))
        // No range: neither can be negative (decoding refuses a negative scale) nor has a ceiling.
        var rules = [QuantityRule(Self.countQuantity, unit: options.unit)]
        if let rateUnit = options.rateUnit { rules.append(QuantityRule(Self.rateQuantity, unit: rateUnit)) }
        return rules
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options(line: try GPIOInputLineOptions.decode(entries))
        for entry in entries {
            switch entry.key {
            case "edge":
                let name = try entry.choice(["rising", "falling", "both"])
                options.edges = GPIOEdgeDetection(rawValue: name) ?? .falling
            case "scale":
                let scale = try entry.number()
                guard scale > 0 else { throw entry.error("expected a positive amount per pulse, found \(scale)") }
                options.scale = scale
            case "unit":
                let unit = try entry.primaryUnit()
                guard Self.perSecond[unit.rawValue] != nil else {
                    throw entry.error("unit '\(unit)' has no per-second SenML unit for the rate; use one of: "
                                      + Self.perSecond.keys.sorted().joined(separator: ", "))
                }
                options.unit = unit
            default:
                continue  // the line's keys, read above
            }
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options(line: GPIOInputLineOptions(pin: GPIOInputLineOptions.probeLine))
        return LazySensor(id: configuration.id) {
            PulseCounterSensor(controller: try await board.gpioController(), options: options, sensorID: configuration.id)
        }
    }

    /// The simulated line gets a pulse train of 2 Hz (toggled every 250 ms), so `board:
    /// simulated` shows a count that grows and a rate of about 2 pulses/s × `scale`; a test can
    /// still drive the line itself through ``SimulatedBoard/gpio``.
    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        let options = sensor.options as? Options ?? Options(line: GPIOInputLineOptions(pin: GPIOInputLineOptions.probeLine))
        guard let line = options.line.pin.candidates.first else { return }
        board.simulateSignal(on: line, interval: Self.simulatedToggleInterval)
    }

    /// Half the simulated pulse period.
    static let simulatedToggleInterval = Duration.milliseconds(250)
}
