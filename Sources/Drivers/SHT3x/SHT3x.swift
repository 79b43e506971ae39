import HAL

/// Driver for the Sensirion SHT30/31/35 temperature and humidity sensor: single-shot
/// measurements with clock stretching disabled.
///
/// A value type: the chip keeps no state the driver needs between calls (no calibration to read,
/// results carry their own CRCs), and the one task sampling a sensor already serializes its calls.
///
/// ```swift
/// let sensor = SHT3x(bus: bus, address: I2CAddress(0x44)!)
/// try await sensor.start()
/// let sample = try await sensor.measure()
/// ```
public struct SHT3x: Sendable {
    /// The bus the chip is on.
    public let bus: any I2CBus
    /// 0x44 (ADDR low) or 0x45 (ADDR high).
    public let address: I2CAddress
    /// Repeatability of every measurement.
    public let repeatability: SHT3xRepeatability

    private let clock: any Clock<Duration>
    /// Pause between read attempts while the chip still refuses the read header.
    private let pollInterval: Duration = .milliseconds(1)

    /// Creates a driver; nothing is sent until ``start()`` or ``measure()``.
    /// - Parameter clock: waits for the measurement and bounds the retries; tests inject a
    ///   `SimulatedClock` so they run in virtual time.
    public init(bus: any I2CBus, address: I2CAddress, repeatability: SHT3xRepeatability = .high,
                clock: any Clock<Duration> = ContinuousClock()) {
        self.bus = bus
        self.address = address
        self.repeatability = repeatability
        self.clock = clock
    }

    /// Soft-resets the chip, waits the reset time, then reads the status register.
    ///
    /// The reset puts a chip in a known state whatever a previous process left (periodic mode,
    /// heater on, alert limits); the status read, with its CRC, proves that what answers at the
    /// address speaks the SHT3x protocol (another chip at 0x44, e.g. an INA219, fails the CRC).
    /// Three transactions: reset, status command, status read.
    ///
    /// - Throws: ``HALError``: `.badData` when the status CRC does not match or the heater is
    ///   still on after the reset, or whatever the bus throws.
    @discardableResult
    public func start() async throws -> SHT3xStatus {
        try await bus.write(address: address, SHT3xCommand.bytes(SHT3xCommand.softReset))
        try await clock.sleep(for: SHT3xCommand.softResetDuration, tolerance: nil)
        let status = try await readStatus()
        guard !status.heaterOn else {
            throw HALError(.badData, operation: operation("start"),
                           detail: "heater still on after soft reset (status 0x\(String(status.rawValue, radix: 16)))")
        }
        return status
    }

    /// Reads the status register: the command, then (after a stop) two bytes and their CRC.
    /// - Throws: ``HALError`` `.badData` for a short read or a CRC mismatch.
    public func readStatus() async throws -> SHT3xStatus {
        try await bus.write(address: address, SHT3xCommand.bytes(SHT3xCommand.readStatus))
        let bytes = try await bus.read(address: address, count: 3)
        let operation = operation("read status")
        guard bytes.count == 3 else {
            throw HALError(.badData, operation: operation, detail: "expected 3 bytes, got \(bytes.count)")
        }
        return SHT3xStatus(rawValue: try SHT3xSample.checkedWord(bytes, at: 0, name: "status", operation: operation))
    }

    /// Runs one single-shot measurement.
    ///
    /// Sends the repeatability's command, waits its maximum duration, then reads the six bytes.
    /// A busy chip refuses the read header (address NACK, datasheet 4.4); that read is retried
    /// every millisecond until ``SHT3xRepeatability/readDeadline`` after the command. A chip in
    /// spec therefore costs exactly two transactions.
    ///
    /// - Throws: ``HALError``: `.badData` for a CRC mismatch or a short read, `.timeout` when
    ///   the chip still refuses the read at the deadline, or whatever the bus throws;
    ///   `CancellationError` when the task is cancelled while waiting.
    public func measure() async throws -> SHT3xSample {
        try await measure(clock: clock)
    }

    private func measure<C: Clock<Duration>>(clock: C) async throws -> SHT3xSample {
        // The deadline counts from the command, so the initial wait is part of it.
        let end = clock.now.advanced(by: repeatability.readDeadline)
        try await bus.write(address: address, SHT3xCommand.bytes(repeatability.command))
        try await clock.sleep(for: repeatability.maximumMeasurementDuration, tolerance: nil)
        while true {
            // Checked before the read and acted on after it, so the last attempt always comes
            // after the deadline: a process descheduled for a while is not reported as a timeout
            // while the chip had long finished.
            let expired = clock.now >= end
            do {
                let frame = try await bus.read(address: address, count: 6)
                return try SHT3xSample(frame: frame, operation: operation("read measurement"))
            } catch let error as HALError where error.kind == .addressNACK {
                if expired {
                    throw HALError(.timeout, operation: operation("read measurement"),
                                   detail: "read still not acknowledged \(repeatability.readDeadline) after the command")
                }
            }
            try await clock.sleep(for: pollInterval, tolerance: nil)
        }
    }

    private func operation(_ step: String) -> String {
        "sht3x i2c@\(address) \(step)"
    }
}
