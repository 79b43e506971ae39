import HAL

/// Driver for the ROHM BH1750FVI ambient light sensor in one-time high-resolution mode.
///
/// A value type: nothing is read once, and the one task sampling a sensor already serializes
/// its calls.
///
/// ```swift
/// let sensor = BH1750(bus: bus, address: I2CAddress(0x23)!)
/// try await sensor.start()
/// let lux = try await sensor.measure().illuminanceLux
/// ```
public struct BH1750: Sendable {
    /// The bus the chip is on.
    public let bus: any I2CBus
    /// 0x23 (ADDR low) or 0x5C (ADDR high).
    public let address: I2CAddress
    /// MTreg for every measurement.
    public let measurementTime: BH1750MeasurementTime

    private let clock: any Clock<Duration>

    /// Creates a driver; nothing is sent until ``start()`` or ``measure()``.
    /// - Parameter clock: waits for the measurement; tests inject a `SimulatedClock` so they run
    ///   in virtual time.
    public init(bus: any I2CBus, address: I2CAddress, measurementTime: BH1750MeasurementTime = .default,
                clock: any Clock<Duration> = ContinuousClock()) {
        self.bus = bus
        self.address = address
        self.measurementTime = measurementTime
        self.clock = clock
    }

    /// Powers the chip on and writes MTreg, as the datasheet's sequence for a changed
    /// measurement time does. Three transactions.
    ///
    /// MTreg is written even at its default, because a previous process may have changed it and
    /// the chip has no way to read it back.
    /// - Throws: ``HALError`` from the bus.
    public func start() async throws {
        try await bus.write(address: address, [BH1750Opcode.powerOn])
        try await writeMeasurementTime()
    }

    /// Runs one one-time high-resolution measurement.
    ///
    /// Sends 0x20, waits the maximum measurement time (``BH1750MeasurementTime/maximumHighResolutionDuration``;
    /// the chip has no ready flag, and a read too early returns the previous result), then reads
    /// the two result bytes. The chip powers itself down afterwards, so a sample costs no
    /// power-on. Two transactions at the default MTreg.
    ///
    /// A chip that loses power forgets MTreg and comes back at 69, with nothing on the bus to
    /// show it. At the default that is harmless; at any other MTreg the register is written again
    /// before each measurement (two more transactions), so a brown-out cannot scale every later
    /// reading by MTreg / 69 unnoticed.
    ///
    /// - Throws: ``HALError``: `.badData` when the read is not two bytes, or whatever the bus
    ///   throws; `CancellationError` when the task is cancelled while waiting.
    public func measure() async throws -> BH1750Sample {
        if measurementTime != .default { try await writeMeasurementTime() }
        try await bus.write(address: address, [BH1750Opcode.oneTimeHighResolution])
        try await clock.sleep(for: measurementTime.maximumHighResolutionDuration, tolerance: nil)
        let bytes = try await bus.read(address: address, count: 2)
        guard bytes.count == 2 else {
            throw HALError(.badData, operation: "bh1750 i2c@\(address) read result",
                           detail: "expected 2 bytes, got \(bytes.count)")
        }
        return BH1750Sample(count: UInt16(bytes[0]) << 8 | UInt16(bytes[1]), measurementTime: measurementTime)
    }

    private func writeMeasurementTime() async throws {
        for opcode in measurementTime.opcodes {
            try await bus.write(address: address, [opcode])
        }
    }
}
