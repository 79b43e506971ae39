import HAL

/// Driver for the TI INA219 current-shunt and power monitor in continuous shunt-and-bus mode.
///
/// The chip converts on its own and computes current and power from the calibration written at
/// start, so a sample is four register reads (bus voltage with its flags, shunt voltage,
/// current, power): the registers do not auto-increment, so each is one pointer-and-read
/// transaction.
public struct INA219: Sendable {
    /// The chip's registers.
    public let registers: WordRegisterAccess
    /// The calibration computed from the shunt and the expected current.
    public let calibration: CurrentShuntCalibration
    /// BRNG.
    public let busRange: INA219BusRange
    /// PGA.
    public let shuntRange: INA219ShuntRange
    /// BADC and SADC.
    public let averaging: INA219Averaging

    private let clock: any Clock<Duration>

    /// Creates a driver; nothing is sent until ``start()`` or ``measure()``.
    /// - Parameter clock: waits for the first conversion; tests inject a `SimulatedClock`.
    public init(bus: any I2CBus, address: I2CAddress, calibration: CurrentShuntCalibration,
                busRange: INA219BusRange = .thirtyTwoVolts, shuntRange: INA219ShuntRange = .millivolts320,
                averaging: INA219Averaging = .single,
                clock: any Clock<Duration> = ContinuousClock()) {
        registers = WordRegisterAccess(bus: bus, address: address, chip: "ina219")
        self.calibration = calibration
        self.busRange = busRange
        self.shuntRange = shuntRange
        self.averaging = averaging
        self.clock = clock
    }

    /// The configuration word: ranges, the same ADC setting for bus and shunt, MODE 111.
    public var configuration: UInt16 {
        busRange.bits | shuntRange.bits | averaging.bits << 7 | averaging.bits << 3 | INA219Register.continuousShuntAndBus
    }

    /// Writes the configuration and the calibration, reads the configuration back (the chip has
    /// no id register), then waits one shunt and one bus conversion so the first sample's current
    /// and power use the new calibration. Three transactions.
    /// - Throws: ``HALError`` `.badData` when the read-back differs, or whatever the bus throws.
    public func start() async throws {
        try await registers.writeWord(INA219Register.configuration, configuration)
        try await registers.writeWord(INA219Register.calibration, calibration.register)
        let found = try await registers.readWord(INA219Register.configuration, what: "configuration")
        guard found == configuration else {
            throw HALError(.badData, operation: registers.operation("check configuration"),
                           detail: "wrote \(WordRegisterAccess.hex(configuration)), read back \(WordRegisterAccess.hex(found)) (not an INA219?)")
        }
        try await clock.sleep(for: averaging.conversionTime * 2, tolerance: nil)
    }

    /// Reads bus voltage, shunt voltage, current and power: four transactions.
    /// - Throws: ``HALError`` `.badData` when OVF is set (the current exceeds what the
    ///   calibration can express: raise `max_current`), when the calibration was lost to a reset,
    ///   for a short read, or whatever the bus throws.
    public func measure() async throws -> CurrentShuntSample {
        let bus = try await registers.readWord(INA219Register.busVoltage, what: "bus voltage")
        if bus & INA219Register.overflowBit != 0 {
            throw HALError(.badData, operation: registers.operation("read bus voltage"),
                           detail: "math overflow (OVF): current or power is beyond the calibrated range")
        }
        let shunt = Int16(bitPattern: try await registers.readWord(INA219Register.shuntVoltage, what: "shunt voltage"))
        let current = Int16(bitPattern: try await registers.readWord(INA219Register.current, what: "current"))
        let power = try await registers.readWord(INA219Register.power, what: "power")
        let sample = CurrentShuntSample(shunt: shunt, shuntVolts: Self.shuntVolts(shunt), busVolts: Self.busVolts(bus),
                                        current: current, power: power, calibration: calibration)
        try sample.checkCalibrationHeld(operation: registers.operation("read current"))
        return sample
    }

    /// The shunt register in V: 10 µV per count.
    public static func shuntVolts(_ shunt: Int16) -> Double { Double(shunt) * 10e-6 }

    /// The bus register in V: bits 15:3, 4 mV per count.
    public static func busVolts(_ bus: UInt16) -> Double { Double(bus >> 3) * 0.004 }
}
