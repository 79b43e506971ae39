import HAL

/// Driver for the Bosch BMP280 pressure and temperature sensor in forced mode.
///
/// The BME280 without humidity: the same register map, calibration layout, compensation,
/// transports and timing (all in `BMx280`); what differs is the chip id, the shorter calibration
/// (24 bytes) and data block (6 bytes), and no ctrl_hum, so the trigger is one register write.
///
/// ```swift
/// let sensor = BMP280(bus: bus, address: I2CAddress(0x76)!)
/// try await sensor.start()
/// let sample = try await sensor.measure()
/// ```
public actor BMP280 {
    /// The register access path.
    public nonisolated let transport: any BMx280Transport
    /// Oversampling and filter used by every measurement.
    public nonisolated let settings: BMP280Settings
    /// The calibration read by ``start()``; `nil` before.
    public private(set) var calibration: BMP280Calibration?

    private let clock: any Clock<Duration>

    /// Creates a driver; nothing is sent to the chip until ``start()`` or ``measure()``.
    /// - Parameter clock: sleeps between status polls and bounds them; tests inject a
    ///   `SimulatedClock`.
    public init(transport: any BMx280Transport, settings: BMP280Settings = BMP280Settings(),
                clock: any Clock<Duration> = ContinuousClock()) {
        self.transport = transport
        self.settings = settings
        self.clock = clock
    }

    /// Creates a driver for a chip on an I2C bus (address 0x76 or 0x77).
    public init(bus: any I2CBus, address: I2CAddress, settings: BMP280Settings = BMP280Settings(),
                clock: any Clock<Duration> = ContinuousClock()) {
        self.init(transport: BMx280I2CTransport(bus: bus, address: address, chip: "bmp280"), settings: settings,
                  clock: clock)
    }

    /// Creates a driver for a chip on an SPI device (mode 0 or 3).
    public init(spi device: any SPIDevice, settings: BMP280Settings = BMP280Settings(),
                clock: any Clock<Duration> = ContinuousClock()) {
        self.init(transport: BMx280SPITransport(device: device, chip: "bmp280"), settings: settings, clock: clock)
    }

    /// Checks the chip id, reads the calibration once and writes the filter setting: four
    /// transactions on a chip whose NVM copy is done (id, status, calibration, config).
    ///
    /// - Throws: ``HALError``: `.invalidArgument` when temperature oversampling is `.skip`,
    ///   `.badData` when the chip id is not a BMP280's (naming the chip found, e.g. "found BME280
    ///   (id 0x60)") or the calibration is blank, `.timeout` when the NVM copy never finishes,
    ///   or whatever the bus throws.
    public func start() async throws {
        guard settings.temperatureOversampling != .skip else {
            throw HALError(.invalidArgument, operation: operation("start"),
                           detail: "temperature oversampling must not be skip: pressure needs t_fine")
        }
        let id = try await transport.readRegisters(BMx280Register.chipID, count: 1)
        try BMx280ChipID.check(id, accepted: BMP280Register.acceptedChipIDs, chip: "BMP280",
                               operation: operation("chip id"))
        // Right after power-up the chip copies its NVM into the calibration registers
        // (im_update, 4.3.3); reading them during the copy would give a mix of old and new bytes.
        try await transport.waitForStatusClear(clock: clock, mask: BMx280Register.statusImageUpdate,
                                               deadline: .milliseconds(10), what: "calibration copy (im_update)")
        let bank = try await transport.readRegisters(BMx280Register.calibration,
                                                     count: BMx280Register.temperaturePressureCalibrationLength)
        let parsed = try BMP280Calibration(bank: bank, expectedLength: BMx280Register.temperaturePressureCalibrationLength,
                                           operation: operation("calibration"))
        // config is only reliably written in sleep mode (4.3.5); after reset, and between forced
        // measurements, the chip sleeps.
        try await transport.writeRegister(BMx280Register.config, value: settings.configValue)
        calibration = parsed
    }

    /// Runs one forced measurement and returns the compensated values.
    ///
    /// Calls ``start()`` first if it has not run. Writes ctrl_meas with forced mode, waits the
    /// typical measurement time, polls status until `measuring` clears (deadline: the maximum
    /// plus margin), then reads 0xF7...0xFC in one burst so both values come from the same
    /// measurement (3.10, data shadowing). Three transactions when the first poll finds the chip
    /// done; the status read is kept because a chip that missed the trigger would otherwise hand
    /// out the previous measurement as if it were new.
    ///
    /// - Throws: ``HALError``: `.timeout` when `measuring` never clears, `.badData` for
    ///   sentinel values or short reads, or whatever the bus throws; `CancellationError` when the
    ///   task is cancelled while waiting.
    public func measure() async throws -> BMP280Sample {
        if calibration == nil { try await start() }
        guard let calibration else {
            throw HALError(.other, operation: operation("measure"), detail: "no calibration after start")
        }
        try await transport.writeRegister(BMx280Register.ctrlMeas, value: settings.ctrlMeasForcedValue)
        try await transport.waitForStatusClear(clock: clock, mask: BMx280Register.statusMeasuring,
                                               initialDelay: .microseconds(settings.typicalMeasurementMicroseconds),
                                               deadline: settings.measurementDeadline, what: "measurement")
        let block = try await transport.readRegisters(BMx280Register.data, count: BMP280Register.dataLength)
        return try calibration.compensate(try BMP280RawSample(dataBlock: block), settings: settings)
    }

    private nonisolated func operation(_ step: String) -> String {
        "bmp280 \(transport.location) \(step)"
    }
}
