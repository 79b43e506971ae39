import HAL

/// Driver for the Sensirion SHT40/41/43/45 temperature and humidity sensor: single
/// measurements without heater.
///
/// A value type, like ``SHT3x``: the chip keeps no state the driver needs between calls and its
/// results carry their own CRCs.
///
/// ```swift
/// let sensor = SHT4x(bus: bus, address: I2CAddress(0x44)!)
/// try await sensor.start()
/// let sample = try await sensor.measure()
/// ```
public struct SHT4x: Sendable {
    /// The bus the chip is on.
    public let bus: any I2CBus
    /// 0x44, or 0x45 / 0x46 for the SHT40-BD1B / -CD1B.
    public let address: I2CAddress
    /// Precision of every measurement.
    public let precision: SHT4xPrecision

    private let clock: any Clock<Duration>
    /// Pause between read attempts while the chip still refuses the read header.
    private let pollInterval: Duration = .milliseconds(1)

    /// Creates a driver; nothing is sent until ``start()`` or ``measure()``.
    /// - Parameter clock: waits for the measurement and bounds the retries; tests inject a
    ///   `SimulatedClock`.
    public init(bus: any I2CBus, address: I2CAddress, precision: SHT4xPrecision = .high,
                clock: any Clock<Duration> = ContinuousClock()) {
        self.bus = bus
        self.address = address
        self.precision = precision
        self.clock = clock
    }

    /// Soft-resets the chip, waits the reset time, then reads its serial number.
    ///
    /// The reset stops a heater pulse a previous process may have left running; the serial
    /// number, two words with CRCs, proves that what answers speaks the SHT4x protocol (an SHT3x
    /// at 0x44 refuses the one-byte command). Three transactions: reset, serial command, read.
    ///
    /// - Returns: the 32-bit serial number.
    /// - Throws: ``HALError``: `.badData` for a short read or a CRC mismatch, or whatever the
    ///   bus throws.
    @discardableResult
    public func start() async throws -> UInt32 {
        try await bus.write(address: address, [SHT4xCommand.softReset])
        try await clock.sleep(for: SHT4xCommand.softResetDuration, tolerance: nil)
        try await bus.write(address: address, [SHT4xCommand.readSerialNumber])
        try await clock.sleep(for: SHT4xCommand.serialNumberDuration, tolerance: nil)
        let bytes = try await bus.read(address: address, count: 6)
        let operation = operation("read serial number")
        guard bytes.count == 6 else {
            throw HALError(.badData, operation: operation, detail: "expected 6 bytes, got \(bytes.count)")
        }
        let high = try CRC8.sensirion.checkedWord(bytes, at: 0, name: "serial number high word", operation: operation)
        let low = try CRC8.sensirion.checkedWord(bytes, at: 3, name: "serial number low word", operation: operation)
        return UInt32(high) << 16 | UInt32(low)
    }

    /// Runs one measurement.
    ///
    /// Sends the precision's command, waits its maximum duration, then reads the six bytes. A
    /// busy chip refuses the read header (address NACK); that read is retried every millisecond
    /// until ``SHT4xPrecision/readDeadline`` after the command. A chip in spec therefore costs
    /// exactly two transactions.
    ///
    /// - Throws: ``HALError``: `.badData` for a CRC mismatch or a short read, `.timeout` when
    ///   the chip still refuses the read at the deadline, or whatever the bus throws;
    ///   `CancellationError` when the task is cancelled while waiting.
    public func measure() async throws -> SHT4xSample {
        try await measure(clock: clock)
    }

    private func measure<C: Clock<Duration>>(clock: C) async throws -> SHT4xSample {
        let end = clock.now.advanced(by: precision.readDeadline)
        try await bus.write(address: address, [precision.command])
        try await clock.sleep(for: precision.maximumMeasurementDuration, tolerance: nil)
        while true {
            // Checked before the read and acted on after it, so the last attempt always comes
            // after the deadline.
            let expired = clock.now >= end
            do {
                let frame = try await bus.read(address: address, count: 6)
                return try SHT4xSample(frame: frame, operation: operation("read measurement"))
            } catch let error as HALError where error.kind == .addressNACK {
                if expired {
                    throw HALError(.timeout, operation: operation("read measurement"),
                                   detail: "read still not acknowledged \(precision.readDeadline) after the command")
                }
            }
            try await clock.sleep(for: pollInterval, tolerance: nil)
        }
    }

    private func operation(_ step: String) -> String {
        "sht4x i2c@\(address) \(step)"
    }
}
