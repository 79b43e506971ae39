import HAL

/// Settings the driver writes while the chip is idle, before it starts measuring.
public struct SCD4xSettings: Sendable, Hashable {
    /// Which periodic measurement runs.
    public var mode: SCD4xMode
    /// set_temperature_offset in °C; `nil` leaves the chip's own (4 °C from the factory, or
    /// what was persisted).
    public var temperatureOffsetCelsius: Double?
    /// set_sensor_altitude in metres; `nil` leaves the chip's own (0 m from the factory).
    public var altitudeMetres: Int?

    /// Creates settings.
    public init(mode: SCD4xMode = .periodic, temperatureOffsetCelsius: Double? = nil, altitudeMetres: Int? = nil) {
        self.mode = mode
        self.temperatureOffsetCelsius = temperatureOffsetCelsius
        self.altitudeMetres = altitudeMetres
    }
}

/// Driver for the Sensirion SCD40/SCD41 CO2, temperature and humidity sensor in periodic mode.
///
/// The chip measures on its own cadence (5 s, or 30 s in low-power mode); a sample asks
/// whether a new measurement is ready and reads it. When none is ready, because the sensor's
/// interval is shorter than the chip's, the sample repeats the last measurement read instead
/// of failing: a failure would make the sampler back off and re-run ``start()``, which
/// restarts the chip's measurement and waits for it again.
///
/// An actor because it keeps that last measurement.
public actor SCD4x {
    /// The bus the chip is on.
    public nonisolated let bus: any I2CBus
    /// 0x62, the only address.
    public nonisolated let address: I2CAddress
    /// Mode and compensation settings.
    public nonisolated let settings: SCD4xSettings

    /// The serial number read by the last ``start()``.
    public private(set) var serialNumber: UInt64?
    /// How many samples repeated the previous measurement because the chip had no new one.
    public private(set) var repeatedSamples = 0

    private var last: SCD4xSample?
    private let clock: any Clock<Duration>
    /// Pause between data-ready checks while waiting for the first measurement.
    private let pollInterval: Duration = .milliseconds(100)

    /// Creates a driver; nothing is sent until ``start()`` or ``measure()``.
    /// - Parameter clock: times the command pauses and bounds the wait for the first
    ///   measurement; tests inject a `SimulatedClock`.
    public init(bus: any I2CBus, address: I2CAddress,
                settings: SCD4xSettings = SCD4xSettings(), clock: any Clock<Duration> = ContinuousClock()) {
        self.bus = bus
        self.address = address
        self.settings = settings
        self.clock = clock
    }

    /// Stops any measurement a previous process left running, reads the serial number, writes
    /// the settings, starts the periodic measurement and waits until its first result is ready.
    ///
    /// The serial number, three words each with its CRC, is the chip's identity check: the
    /// SCD4x has no id register, and another chip at 0x62 does not answer get_serial_number
    /// with valid Sensirion CRCs. Transactions: stop, serial command, serial read, one per
    /// setting, start, then two per data-ready check: one at once, the next after one period
    /// (8 in all on a chip in spec without settings).
    ///
    /// - Throws: ``HALError``: `.badData` for a CRC mismatch or a short read, `.timeout` when no
    ///   measurement is ready within ``SCD4xMode/firstMeasurementDeadline``, or whatever the bus
    ///   throws; `CancellationError` while waiting.
    public func start() async throws {
        try await start(clock: clock)
    }

    private func start<C: Clock<Duration>>(clock: C) async throws {
        last = nil
        serialNumber = nil
        // Settings are only accepted in idle mode, and a chip left measuring ignores them.
        try await send(SCD4xCommand.bytes(SCD4xCommand.stopPeriodicMeasurement))
        try await clock.sleep(for: SCD4xCommand.stopDuration, tolerance: nil)
        let words = try await read(SCD4xCommand.getSerialNumber, words: 3, names: ["serial word 0", "serial word 1", "serial word 2"],
                                   step: "read serial number", clock: clock)
        serialNumber = words.reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        if let offset = settings.temperatureOffsetCelsius {
            try await send(SCD4xCommand.bytes(SCD4xCommand.setTemperatureOffset,
                                              argument: SCD4xSetting.temperatureOffsetWord(celsius: offset)))
            try await clock.sleep(for: SCD4xCommand.commandDuration, tolerance: nil)
        }
        if let altitude = settings.altitudeMetres {
            try await send(SCD4xCommand.bytes(SCD4xCommand.setSensorAltitude, argument: UInt16(clamping: altitude)))
            try await clock.sleep(for: SCD4xCommand.commandDuration, tolerance: nil)
        }
        let started = clock.now
        try await send(SCD4xCommand.bytes(settings.mode.startCommand))
        let end = started.advanced(by: settings.mode.firstMeasurementDeadline)
        // One check at once (a chip that was already measuring, or a model, may have a result);
        // then nothing can be ready before one period, and sleeping it out saves ~50 checks.
        if try await dataReady(clock: clock) { return }
        try await clock.sleep(until: started.advanced(by: settings.mode.period), tolerance: nil)
        while true {
            // Checked before the read and acted on after it, so the last check always comes
            // after the deadline (a descheduled process is not a slow chip).
            let expired = clock.now >= end
            if try await dataReady(clock: clock) { return }
            if expired {
                throw HALError(.timeout, operation: operation("first measurement"),
                               detail: "no measurement ready \(settings.mode.firstMeasurementDeadline) after the start")
            }
            try await clock.sleep(for: pollInterval, tolerance: nil)
        }
    }

    /// Reads the newest measurement: get_data_ready_status, then read_measurement when one is
    /// ready (four transactions); the previous measurement again when none is (two).
    ///
    /// Calls ``start()`` first if it has not run.
    /// - Throws: ``HALError``: `.badData` for a CRC mismatch or a short read, or whatever the
    ///   bus throws.
    public func measure() async throws -> SCD4xSample {
        try await measure(clock: clock)
    }

    private func measure<C: Clock<Duration>>(clock: C) async throws -> SCD4xSample {
        if serialNumber == nil { try await start(clock: clock) }
        if try await dataReady(clock: clock) {
            let words = try await read(SCD4xCommand.readMeasurement, words: 3, names: ["co2", "temperature", "humidity"],
                                       step: "read measurement", clock: clock)
            let sample = SCD4xSample(co2PPM: words[0], rawTemperature: words[1], rawHumidity: words[2])
            last = sample
            return sample
        }
        guard let last else {
            // Only after a start whose first measurement was read by nobody: cannot happen
            // through start(), which returns once data is ready.
            throw HALError(.busy, operation: operation("measure"), detail: "no measurement ready yet")
        }
        repeatedSamples += 1
        return last
    }

    private func dataReady<C: Clock<Duration>>(clock: C) async throws -> Bool {
        let word = try await read(SCD4xCommand.getDataReadyStatus, words: 1, names: ["data ready status"],
                                  step: "get data ready status", clock: clock)
        return SCD4xDataReadyStatus(rawValue: word[0]).isReady
    }

    /// A read command: the command, its 1 ms execution time, then the words with their CRCs.
    private func read<C: Clock<Duration>>(_ command: UInt16, words count: Int, names: [String], step: String,
                                          clock: C) async throws -> [UInt16] {
        try await send(SCD4xCommand.bytes(command))
        try await clock.sleep(for: SCD4xCommand.commandDuration, tolerance: nil)
        let bytes = try await bus.read(address: address, count: 3 * count)
        let operation = operation(step)
        guard bytes.count == 3 * count else {
            throw HALError(.badData, operation: operation, detail: "expected \(3 * count) bytes, got \(bytes.count)")
        }
        var words: [UInt16] = []
        for index in 0..<count {
            words.append(try CRC8.sensirion.checkedWord(bytes, at: 3 * index, name: names[index], operation: operation))
        }
        return words
    }

    private func send(_ bytes: [UInt8]) async throws {
        try await bus.write(address: address, bytes)
    }

    private nonisolated func operation(_ step: String) -> String {
        "scd4x i2c@\(address) \(step)"
    }
}
