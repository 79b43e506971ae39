import HAL
import Pipeline

/// One sample of a TI current-shunt monitor: its four result registers as read, and the
/// calibration that gives current and power their units.
public struct CurrentShuntSample: Sendable, Hashable {
    /// The Shunt Voltage register (two's complement).
    public var shunt: Int16
    /// The bus voltage in V, decoded by the chip's own format.
    public var busVolts: Double
    /// The Current register.
    public var current: Int16
    /// The Power register.
    public var power: UInt16
    /// The shunt voltage in V (the chip's fixed LSB applied).
    public var shuntVolts: Double
    /// The calibration in effect.
    public var calibration: CurrentShuntCalibration

    /// Creates a sample.
    public init(shunt: Int16, shuntVolts: Double, busVolts: Double, current: Int16, power: UInt16,
                calibration: CurrentShuntCalibration) {
        self.shunt = shunt
        self.shuntVolts = shuntVolts
        self.busVolts = busVolts
        self.current = current
        self.power = power
        self.calibration = calibration
    }

    /// Current in A (the Current register × Current_LSB).
    public var amperes: Double { calibration.amperes(current) }
    /// Power in W (the Power register × Power_LSB).
    public var watts: Double { calibration.watts(power) }

    /// Shunt voltage and bus voltage (`V`), current (`A`) and power (`W`).
    public func readings(sensorID: String, at timestamp: Timestamp) -> [Reading] {
        [Reading(sensorID: sensorID, quantity: "shunt_voltage", value: shuntVolts, unit: CurrentShuntUnits.volt, timestamp: timestamp),
         Reading(sensorID: sensorID, quantity: "bus_voltage", value: busVolts, unit: CurrentShuntUnits.volt, timestamp: timestamp),
         Reading(sensorID: sensorID, quantity: "current", value: amperes, unit: CurrentShuntUnits.ampere, timestamp: timestamp),
         Reading(sensorID: sensorID, quantity: "power", value: watts, unit: CurrentShuntUnits.watt, timestamp: timestamp)]
    }

    /// Throws when the Current and Power registers read 0 although the shunt voltage means at
    /// least two counts of current: the Calibration register is back at its reset value 0, so the
    /// chip was power-cycled or reset. The error makes the sampler prepare the chip again rather
    /// than report 0 A for ever.
    public func checkCalibrationHeld(operation: String) throws {
        try checkCurrentFits(operation: operation)
        let expected = calibration.currentRegister(forShunt: shunt)
        guard abs(expected) >= 2, current == 0, power == 0 else { return }
        throw HALError(.badData, operation: operation,
                       detail: "current and power read 0 with a shunt voltage worth \(expected) counts: the calibration was lost (chip reset?)")
    }

    /// Throws when the shunt voltage means more current than the Current register holds (the
    /// chips' math overflow, OVF): the current is above the `max_current` the calibration was
    /// computed for, and the Current and Power registers are wrapped or clipped. Told from the
    /// shunt voltage already read, so it costs no fifth transaction for the OVF flag.
    func checkCurrentFits(operation: String) throws {
        let expected = calibration.currentRegister(forShunt: shunt)
        guard expected > Int(Int16.max) || expected < Int(Int16.min) else { return }
        let amperes = Double(expected) * calibration.currentLSB
        throw HALError(.badData, operation: operation,
                       detail: "the shunt voltage means \(amperes) A, beyond the \(32_768 * calibration.currentLSB) A the Current register holds (math overflow): raise max_current")
    }
}

/// The SenML units of a current-shunt monitor's readings.
public enum CurrentShuntUnits {
    /// Volt.
    public static let volt = SenMLUnit(rawValue: "V")
    /// Ampere.
    public static let ampere = SenMLUnit(rawValue: "A")
    /// Watt.
    public static let watt = SenMLUnit(rawValue: "W")

    /// The four quantities with the ranges a chip with this calibration can report.
    public static func quantities(shuntRange: Double, busRange: Double,
                                  calibration: CurrentShuntCalibration) -> [QuantityRule] {
        let current = 32_768 * calibration.currentLSB
        return [QuantityRule("shunt_voltage", unit: volt, validRange: -shuntRange...shuntRange),
                QuantityRule("bus_voltage", unit: volt, validRange: 0...busRange),
                QuantityRule("current", unit: ampere, validRange: -current...current),
                QuantityRule("power", unit: watt, validRange: 0...(65_535 * calibration.powerLSB))]
    }
}
