import HAL

/// Driver for the Bosch BME280 humidity, pressure and temperature sensor in forced mode.
///
/// An actor because it holds the calibration read at ``start()`` and because two overlapping
/// measurements on one chip would trample each other's control registers.
///
/// ```swift
/// let sensor = BME280(bus: bus, address: I2CAddress(0x76)!)
/// try await sensor.start()
/// let sample = try await sensor.measure()
/// ```
public actor BME280 {
    /// The register access path.
    public nonisolated let transport: any BMx280Transport
    /// Oversampling and filter used by every measurement.
    public nonisolated let settings: BME280Settings
    /// The calibration read by ``start()``; `nil` before.
    public private(set) var calibration: BME280Calibration?

    private let clock: any Clock<Duration>

    /// Creates a driver; nothing is sent to the chip until ``start()`` or ``measure()``.
    /// - Parameters:
    ///   - transport: ``BMx280I2CTransport`` or ``BMx280SPITransport``.
    ///   - settings: oversampling and filter.
    ///   - clock: the clock used to sleep between status polls and to enforce the measurement
    ///     deadline; tests inject one that does not really wait.
    public init(transport: any BMx280Transport, settings: BME280Settings = BME280Settings(),
                clock: any Clock<Duration> = ContinuousClock()) {
        self.transport = transport
        self.settings = settings
        self.clock = clock
    }

    /// Creates a driver for a chip on an I2C bus (address 0x76 or 0x77).
    public init(bus: any I2CBus, address: I2CAddress, settings: BME280Settings = BME280Settings(),
                clock: any Clock<Duration> = ContinuousClock()) {
        self.init(transport: BMx280I2CTransport(bus: bus, address: address, chip: "bme280"), settings: settings, clock: clock)
    }

    /// Creates a driver for a chip on an SPI device.
    public init(spi device: any SPIDevice, settings: BME280Settings = BME280Settings(),
                clock: any Clock<Duration> = ContinuousClock()) {
        self.init(transport: BMx280SPITransport(device: device, chip: "bme280"), settings: settings, clock: clock)
    }

    /// Checks the chip id, reads the calibration once and writes the filter setting.
    ///
    /// - Throws: ``HALError``: `.invalidArgument` when temperature oversampling is `.skip`
    ///   (pressure and humidity cannot be compensated without it), `.badData` when the chip id is
    ///   not 0x60 (naming the chip found when it is a known Bosch id, e.g. a BMP280's 0x58) or the
    ///   calibration is blank, `.timeout` when the NVM copy never finishes, or
    ///   whatever the bus throws.
    public func start() async throws {
        guard settings.temperatureOversampling != .skip else {
            throw HALError(.invalidArgument, operation: operation("start"),
                           detail: "temperature oversampling must not be skip: pressure and humidity need t_fine")
        }
        let id = try await transport.readRegisters(BME280Register.chipID, count: 1)
        try BMx280ChipID.check(id, accepted: [BME280Register.expectedChipID], chip: "BME280",
                               operation: operation("chip id"))
        // Right after power-up the chip copies its NVM into the calibration registers
        // (im_update); reading them during the copy would give a mix of old and new bytes.
        try await transport.waitForStatusClear(clock: clock, mask: BME280Register.statusImageUpdate,
                                     deadline: .milliseconds(10), what: "calibration copy (im_update)")
        let bank1 = try await transport.readRegisters(BME280Register.calibrationBank1,
                                                      count: BME280Register.calibrationBank1Length)
        let bank2 = try await transport.readRegisters(BME280Register.calibrationBank2,
                                                      count: BME280Register.calibrationBank2Length)
        let parsed = try BME280Calibration(bank1: bank1, bank2: bank2)
        // config is only reliably written in sleep mode (5.4.6); after reset, and between forced
        // measurements, the chip sleeps.
        try await transport.writeRegister(BME280Register.config, value: settings.configValue)
        calibration = parsed
    }

    /// Runs one forced measurement and returns the compensated values.
    ///
    /// Calls ``start()`` first if it has not run. The sequence is: write ctrl_hum then ctrl_meas
    /// with forced mode as two register/value pairs of one write (ctrl_hum only takes effect on
    /// the ctrl_meas write, datasheet 5.4.3, so the order within the pair list matters), wait the
    /// typical measurement time, poll status until `measuring` clears (deadline: the datasheet
    /// maximum plus margin, see ``BME280Settings/measurementDeadline``), then read 0xF7...0xFE in
    /// one burst so all three values come from the same measurement. A sample after the first is
    /// therefore three transactions when the first poll finds the chip done.
    ///
    /// - Throws: ``HALError``: `.timeout` when `measuring` never clears, `.badData` for
    ///   sentinel values or short reads, or whatever the bus throws; `CancellationError` when the
    ///   task is cancelled while waiting.
    public func measure() async throws -> BME280Sample {
        if calibration == nil { try await start() }
        guard let calibration else {
            throw HALError(.other, operation: operation("measure"), detail: "no calibration after start")
        }
        try await transport.writeRegisters([(BME280Register.ctrlHum, settings.ctrlHumValue),
                                            (BME280Register.ctrlMeas, settings.ctrlMeasForcedValue)])
        // The deadline counts from the trigger, so the initial wait is part of it.
        try await transport.waitForStatusClear(clock: clock, mask: BME280Register.statusMeasuring,
                                     initialDelay: .microseconds(settings.typicalMeasurementMicroseconds),
                                     deadline: settings.measurementDeadline, what: "measurement")
        let block = try await transport.readRegisters(BME280Register.data, count: BME280Register.dataLength)
        let raw = try BME280RawSample(dataBlock: block)
        return try calibration.compensate(raw, settings: settings)
    }

    private nonisolated func operation(_ step: String) -> String {
        "bme280 \(transport.location) \(step)"
    }
}
