import HAL

/// Driver for the TI INA226 current-shunt and power monitor in continuous shunt-and-bus mode.
///
/// The chip converts on its own and computes current and power from the calibration written at
/// start, so a sample is four register reads (bus voltage, shunt voltage, current, power), each
/// one pointer-and-read transaction.
public struct INA226: Sendable {
    /// The chip's registers.
    public let registers: WordRegisterAccess
    /// The calibration computed from the shunt and the expected current.
    public let calibration: CurrentShuntCalibration
    /// AVG.
    public let averaging: INA226Averaging
    /// VBUSCT and VSHCT (the same for both).
    public let conversionTime: INA226ConversionTime

    private let clock: any Clock<Duration>

    /// Creates a driver; nothing is sent until ``start()`` or ``measure()``.
    /// - Parameter clock: waits for the first conversion; tests inject a `SimulatedClock`.
    public init(bus: any I2CBus, address: I2CAddress, calibration: CurrentShuntCalibration,
                averaging: INA226Averaging = .one, conversionTime: INA226ConversionTime = .us1100,
                clock: any Clock<Duration> = ContinuousClock()) {
        registers = WordRegisterAccess(bus: bus, address: address, chip: "ina226")
        self.calibration = calibration
        self.averaging = averaging
        self.conversionTime = conversionTime
        self.clock = clock
    }

    /// The configuration word: AVG, both conversion times, MODE 111.
    public var configuration: UInt16 {
        INA226Register.fixedConfigurationBits | averaging.bits << 9 | conversionTime.bits << 6 | conversionTime.bits << 3
            | INA226Register.continuousShuntAndBus
    }

    /// How long one averaged result takes: AVG × (bus + shunt conversion), with 10 % for the
    /// internal oscillator the typical times assume.
    public var resultTime: Duration {
        conversionTime.duration * (2 * averaging.rawValue) * 11 / 10
    }

    /// Checks the manufacturer (0x5449) and die (0x226x) ids, writes the configuration and the
    /// calibration, then waits one averaged result so the first sample's current and power use
    /// the new calibration. Four transactions.
    /// - Throws: ``HALError`` `.badData` naming the ids found when they are not an INA226's, or
    ///   whatever the bus throws.
    public func start() async throws {
        let manufacturer = try await registers.readWord(INA226Register.manufacturerID, what: "manufacturer id")
        let die = try await registers.readWord(INA226Register.dieID, what: "die id")
        guard manufacturer == INA226Register.expectedManufacturerID, die >> 4 == INA226Register.expectedDeviceID else {
            throw HALError(.badData, operation: registers.operation("check ids"),
                           detail: "expected manufacturer 0x5449 and die 0x226x (INA226), found manufacturer \(WordRegisterAccess.hex(manufacturer)) and die \(WordRegisterAccess.hex(die))")
        }
        try await registers.writeWord(INA226Register.configuration, configuration)
        try await registers.writeWord(INA226Register.calibration, calibration.register)
        try await clock.sleep(for: resultTime, tolerance: nil)
    }

    /// Reads bus voltage, shunt voltage, current and power: four transactions.
    /// - Throws: ``HALError`` `.badData` when the shunt voltage is at full scale (±81.92 mV: the
    ///   current is beyond what the chip measures), when the calibration was lost to a reset, for
    ///   a short read, or whatever the bus throws.
    public func measure() async throws -> CurrentShuntSample {
        let bus = try await registers.readWord(INA226Register.busVoltage, what: "bus voltage")
        let shunt = Int16(bitPattern: try await registers.readWord(INA226Register.shuntVoltage, what: "shunt voltage"))
        if shunt == .max || shunt == .min {
            throw HALError(.badData, operation: registers.operation("read shunt voltage"),
                           detail: "shunt voltage at full scale (±81.92 mV): the current is beyond the chip's range")
        }
        let current = Int16(bitPattern: try await registers.readWord(INA226Register.current, what: "current"))
        let power = try await registers.readWord(INA226Register.power, what: "power")
        let sample = CurrentShuntSample(shunt: shunt, shuntVolts: Self.shuntVolts(shunt), busVolts: Self.busVolts(bus),
                                        current: current, power: power, calibration: calibration)
        try sample.checkCalibrationHeld(operation: registers.operation("read current"))
        return sample
    }

    /// The shunt register in V: 2.5 µV per count.
    public static func shuntVolts(_ shunt: Int16) -> Double { Double(shunt) * 2.5e-6 }

    /// The bus register in V: bits 14:0, 1.25 mV per count.
    public static func busVolts(_ bus: UInt16) -> Double { Double(bus & 0x7FFF) * 0.00125 }
}
