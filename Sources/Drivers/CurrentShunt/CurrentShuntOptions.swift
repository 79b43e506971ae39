import Configuration
import HAL
import SimulatedBoard

/// The options every current-shunt kind has: the shunt and the largest expected current, which
/// make its calibration.
public protocol CurrentShuntOptions: SensorOptions {
    /// The shunt, Ω.
    var shuntOhms: Double { get set }
    /// The largest current expected, A.
    var maxCurrent: Double { get set }
}

/// A simulated current-shunt chip: a load through a shunt.
public protocol SimulatedCurrentShuntModel: WordRegisterModel {
    /// The load current, A.
    var loadAmperes: Double { get set }
    /// The shunt the board carries, Ω.
    var shuntOhms: Double { get set }
}

/// What the INA219 and INA226 kinds do alike: read the shunt and current options, report a
/// calibration the register cannot hold, host a model whose load follows the weather.
enum CurrentShuntKindSupport {
    /// Reads `entries` into `options`: `shunt_ohms` and `max_current` here, every other key
    /// through `other`; then checks that the calibration fits the register, reporting at the
    /// last of the two keys written (file, line and key).
    static func decode<Options: CurrentShuntOptions>(
        _ entries: [ConfigValue], into options: Options, family: CurrentShuntCalibration.Family,
        other: (ConfigValue, inout Options) throws(ConfigurationError) -> Void
    ) throws(ConfigurationError) -> Options {
        var options = options
        var calibrationEntry: ConfigValue?
        for entry in entries {
            switch entry.key {
            case "shunt_ohms":
                options.shuntOhms = try entry.positiveNumber("expected a resistance above 0 Ω")
                calibrationEntry = entry
            case "max_current":
                options.maxCurrent = try entry.positiveNumber("expected a current above 0 A")
                calibrationEntry = entry
            default:
                try other(entry, &options)
            }
        }
        if calibration(options, family: family) == nil, let entry = calibrationEntry {
            throw entry.error(calibrationMessage(options, family: family))
        }
        return options
    }

    /// The calibration `options` give; `nil` when the register cannot hold it.
    static func calibration(_ options: some CurrentShuntOptions, family: CurrentShuntCalibration.Family) -> CurrentShuntCalibration? {
        CurrentShuntCalibration(shuntOhms: options.shuntOhms, maximumCurrent: options.maxCurrent, family: family)
    }

    /// Why `options` have no calibration, with the datasheet's equation.
    static func calibrationMessage(_ options: some CurrentShuntOptions, family: CurrentShuntCalibration.Family) -> String {
        "shunt_ohms \(options.shuntOhms) and max_current \(options.maxCurrent) give a calibration outside 1...\(family.largestCalibration) (\(family.coefficient) / (max_current / 32768 × shunt_ohms))"
    }

    /// Hosts `model` with the configured shunt where `sensor` is wired; its load is a fifth of
    /// the expected maximum, following the simulated daylight so a dashboard shows it move.
    static func attach<Model: SimulatedCurrentShuntModel>(_ model: Model, options: some CurrentShuntOptions,
                                                        for sensor: GatewayConfiguration.SensorConfiguration,
                                                        to board: inout SimulatedBoardLayout) {
        guard case .i2c(let bus, let address) = sensor.bus else { return }
        var model = model
        model.shuntOhms = options.shuntOhms
        let chip = SimulatedWordRegisterChip(model)
        board.attach(chip, bus: bus, address: address)
        let maxCurrent = options.maxCurrent
        board.followWeather { weather in
            chip.update { $0.loadAmperes = maxCurrent * 0.2 * weather.illuminanceLux / 300 }
        }
    }
}

extension ConfigValue {
    /// A number above 0 (a shunt's resistance, an expected current); `message` otherwise.
    func positiveNumber(_ message: String) throws(ConfigurationError) -> Double {
        let value = try number()
        guard value > 0 else { throw error(message) }
        return value
    }
}
