import HAL

/// Driver for the Bosch BME680 gas, pressure, temperature and humidity sensor in forced mode,
/// over I2C or SPI (``BME680SPITransport``).
///
/// An actor because it holds the calibration read at ``start()``, the last ambient temperature
/// (the heater set point depends on it) and the count of samples whose heater was unstable.
///
/// A sample is two transactions on a chip in spec: one write of register/value pairs
/// (res_heat_0 for the current ambient temperature, then ctrl_meas with forced mode) and, after
/// the measurement time, one 15-byte burst of the field data from 0x1D whose status byte says
/// whether the data is new. Only if it is not yet is the burst read again, every millisecond,
/// until a deadline.
public actor BME680 {
    /// The register access path: I2C (the register/value-pair framing is the BME280's) or SPI.
    public nonisolated let transport: any BMx280Transport
    /// Oversampling and heater.
    public nonisolated let settings: BME680Settings
    /// The calibration read by ``start()``; `nil` before.
    public private(set) var calibration: BME680Calibration?
    /// Samples whose gas conversion was left out because heat_stab_r or gas_valid_r was 0.
    public private(set) var unusableGasSamples = 0

    /// The ambient temperature res_heat_0 is computed for; 25 °C (Bosch's examples) until the
    /// first measurement.
    private var ambientCelsius = 25
    private let clock: any Clock<Duration>
    private let pollInterval: Duration = .milliseconds(1)

    /// Creates a driver for a chip at `address` (0x76 or 0x77); nothing is sent until ``start()``.
    public init(bus: any I2CBus, address: I2CAddress, settings: BME680Settings = BME680Settings(),
                clock: any Clock<Duration> = ContinuousClock()) {
        self.transport = BMx280I2CTransport(bus: bus, address: address, chip: "bme680")
        self.settings = settings
        self.clock = clock
    }

    /// Creates a driver for a chip on SPI device `device` (mode 0 or 3); nothing is sent until
    /// ``start()``.
    public init(spi device: any SPIDevice, settings: BME680Settings = BME680Settings(),
                clock: any Clock<Duration> = ContinuousClock()) {
        self.transport = BME680SPITransport(device: device)
        self.settings = settings
        self.clock = clock
    }

    /// Checks the chip id, reads the calibration and writes the settings that persist between
    /// forced measurements (ctrl_hum, filter off, gas_wait_0, ctrl_gas_1, ctrl_gas_0) in one
    /// write of register/value pairs: five transactions.
    ///
    /// - Throws: ``HALError``: `.invalidArgument` when temperature oversampling is skip,
    ///   `.badData` when the id is not 0x61 (naming the chip found, e.g. a BME280's 0x60) or
    ///   the calibration is blank, or whatever the bus throws.
    public func start() async throws {
        guard settings.temperatureOversampling != .skip else {
            throw HALError(.invalidArgument, operation: operation("start"),
                           detail: "temperature oversampling must not be skip: pressure, humidity and the heater need it")
        }
        calibration = nil
        // A chip reset (or another process) may have changed the SPI page since the last start.
        (transport as? BME680SPITransport)?.forgetPage()
        let id = try await transport.readRegisters(BME680Register.chipID, count: 1)
        try BMx280ChipID.check(id, accepted: [BME680Register.expectedChipID], chip: "BME680", operation: operation("chip id"))
        let bank1 = try await transport.readRegisters(BME680Register.calibrationBank1, count: BME680Register.calibrationBank1Length)
        let bank2 = try await transport.readRegisters(BME680Register.calibrationBank2, count: BME680Register.calibrationBank2Length)
        let heater = try await transport.readRegisters(BME680Register.heaterCalibration,
                                                       count: BME680Register.heaterCalibrationLength)
        let parsed = try BME680Calibration(bank1: bank1, bank2: bank2, heater: heater)
        try await transport.writeRegisters([(BME680Register.ctrlHum, settings.ctrlHumValue),
                                            (BME680Register.config, 0),
                                            (BME680Register.gasWait0, settings.gasWaitCode),
                                            (BME680Register.ctrlGas1, settings.ctrlGas1Value),
                                            (BME680Register.ctrlGas0, settings.ctrlGas0Value)])
        calibration = parsed
    }

    /// Runs one forced measurement: trigger, wait ``BME680Settings/measurementDuration``, burst
    /// read until new_data is set or ``BME680Settings/measurementDeadline`` has passed.
    ///
    /// Calls ``start()`` first if it has not run. A sample whose heater was unstable or whose
    /// gas conversion is invalid still reports temperature, pressure and humidity; its gas is
    /// ``BME680Gas/heaterUnstable`` or ``BME680Gas/invalid`` and ``unusableGasSamples`` counts it.
    ///
    /// - Throws: ``HALError``: `.timeout` when new_data never comes, `.badData` for short reads
    ///   or a zero divisor, or whatever the bus throws; `CancellationError` while waiting.
    public func measure() async throws -> BME680Sample {
        try await measure(clock: clock)
    }

    private func measure<C: Clock<Duration>>(clock: C) async throws -> BME680Sample {
        if calibration == nil { try await start() }
        guard let calibration else {
            throw HALError(.other, operation: operation("measure"), detail: "no calibration after start")
        }
        var trigger: [(register: UInt8, value: UInt8)] = []
        if case .on(let target, _) = settings.heater {
            trigger.append((BME680Register.resHeat0,
                            calibration.heaterResistanceCode(targetCelsius: target, ambientCelsius: ambientCelsius)))
        }
        trigger.append((BME680Register.ctrlMeas, settings.ctrlMeasForcedValue))
        let end = clock.now.advanced(by: settings.measurementDeadline)
        try await transport.writeRegisters(trigger)
        try await clock.sleep(for: settings.measurementDuration, tolerance: nil)
        var raw: BME680RawSample
        while true {
            let expired = clock.now >= end
            raw = try BME680RawSample(fieldData: try await transport.readRegisters(BME680Register.fieldData,
                                                                                 count: BME680Register.fieldDataLength))
            if raw.hasNewData { break }
            if expired {
                throw HALError(.timeout, operation: operation("measurement"),
                               detail: "new_data still 0 \(settings.measurementDeadline) after the trigger")
            }
            try await clock.sleep(for: pollInterval, tolerance: nil)
        }
        let sample = try calibration.compensate(raw, settings: settings)
        switch sample.gas {
        case .heaterUnstable, .invalid: unusableGasSamples += 1
        case .resistance, .off: break
        }
        ambientCelsius = Int(sample.temperatureCelsius.rounded())
        return sample
    }

    private nonisolated func operation(_ step: String) -> String {
        "bme680 \(transport.location) \(step)"
    }
}
