import HAL

/// Driver for the Aosong AHT20 temperature and humidity sensor (also sold as AHT21/AHT25 and
/// on the common "AHT20 + BMP280" breakout).
///
/// A value type: the chip's calibration lives inside it (the driver only checks the bit that
/// says it is loaded), and every result carries its CRC.
public struct AHT20: Sendable {
    /// The bus the chip is on.
    public let bus: any I2CBus
    /// 0x38, the chip's only address.
    public let address: I2CAddress

    private let clock: any Clock<Duration>
    /// Pause between reads while the status still says busy.
    private let pollInterval: Duration = .milliseconds(1)

    /// Creates a driver; nothing is sent until ``start()`` or ``measure()``.
    /// - Parameter clock: waits for the measurement and bounds the polls; tests inject a
    ///   `SimulatedClock`.
    public init(bus: any I2CBus, address: I2CAddress, clock: any Clock<Duration> = ContinuousClock()) {
        self.bus = bus
        self.address = address
        self.clock = clock
    }

    /// Reads the status byte and, when the calibration-enabled bit is clear, sends the
    /// initialization command, waits 10 ms and checks again (datasheet 5.4 step 1). One
    /// transaction on a calibrated chip, four otherwise.
    ///
    /// - Throws: ``HALError``: `.badData` when the bit stays clear after initialization (not an
    ///   AHT20, or a broken one), or whatever the bus throws.
    public func start() async throws {
        if try await status() & AHT20Command.statusCalibrated != 0 { return }
        try await bus.write(address: address, AHT20Command.initialize)
        try await clock.sleep(for: AHT20Command.initializationDuration, tolerance: nil)
        let after = try await status()
        guard after & AHT20Command.statusCalibrated != 0 else {
            throw HALError(.badData, operation: operation("start"),
                           detail: "calibration bit (0x08) still clear after initialization (status 0x\(CRC8.hex(after)))")
        }
    }

    /// The status byte: a plain one-byte read (the datasheet's "send 0x71" is the read header).
    /// - Throws: ``HALError`` `.badData` for an empty read, or whatever the bus throws.
    public func status() async throws -> UInt8 {
        let bytes = try await bus.read(address: address, count: 1)
        guard let status = bytes.first else {
            throw HALError(.badData, operation: operation("read status"), detail: "expected 1 byte, got none")
        }
        return status
    }

    /// Runs one measurement: trigger, wait the datasheet's 80 ms, then read status, data and CRC
    /// in one 7-byte read, repeated every millisecond while the status says busy, until
    /// ``AHT20Command/readDeadline`` after the trigger. A chip in spec costs two transactions.
    ///
    /// - Throws: ``HALError``: `.badData` for a CRC mismatch or a short read, `.timeout` when
    ///   the chip is still busy at the deadline, or whatever the bus throws;
    ///   `CancellationError` when the task is cancelled while waiting.
    public func measure() async throws -> AHT20Sample {
        try await measure(clock: clock)
    }

    private func measure<C: Clock<Duration>>(clock: C) async throws -> AHT20Sample {
        let end = clock.now.advanced(by: AHT20Command.readDeadline)
        try await bus.write(address: address, AHT20Command.triggerMeasurement)
        try await clock.sleep(for: AHT20Command.measurementDuration, tolerance: nil)
        while true {
            // Checked before the read and acted on after it, so the last attempt always comes
            // after the deadline.
            let expired = clock.now >= end
            let frame = try await bus.read(address: address, count: 7)
            if let sample = try AHT20Sample.parse(frame, operation: operation("read measurement")) { return sample }
            if expired {
                throw HALError(.timeout, operation: operation("read measurement"),
                               detail: "still busy \(AHT20Command.readDeadline) after the trigger")
            }
            try await clock.sleep(for: pollInterval, tolerance: nil)
        }
    }

    private func operation(_ step: String) -> String {
        "aht20 i2c@\(address) \(step)"
    }
}
