import HAL

/// Driver for an LM75 temperature sensor in normal (continuous) operation.
///
/// The chip converts on its own and Temp always holds the last finished conversion, so a sample
/// is one register read.
public struct LM75: Sendable {
    /// The chip's registers.
    public let registers: WordRegisterAccess
    /// The part's resolution.
    public let resolution: LM75Resolution

    private let clock: any Clock<Duration>

    /// Creates a driver; nothing is sent until ``start()`` or ``measure()``.
    /// - Parameter clock: waits for the first conversion; tests inject a `SimulatedClock`.
    public init(bus: any I2CBus, address: I2CAddress, resolution: LM75Resolution = .nineBit,
                clock: any Clock<Duration> = ContinuousClock()) {
        registers = WordRegisterAccess(bus: bus, address: address, chip: "lm75")
        self.resolution = resolution
        self.clock = clock
    }

    /// Writes Conf = 0x00 (normal operation, which wakes a chip left in shutdown) and reads it
    /// back, then waits one conversion time so the first sample is not a stale or reset value.
    /// Two transactions.
    ///
    /// The chip has no id register; the read-back is the check (reserved bits 7:5 read 0).
    /// - Throws: ``HALError`` `.badData` naming the value found, or whatever the bus throws.
    public func start() async throws {
        try await registers.writeByte(LM75Register.configuration, LM75Register.normalConfiguration)
        let found = try await registers.readByte(LM75Register.configuration, what: "configuration")
        guard found == LM75Register.normalConfiguration else {
            throw HALError(.badData, operation: registers.operation("check configuration"),
                           detail: "wrote 0x00, read back \(WordRegisterAccess.hex(UInt16(found), digits: 2)) (not an LM75?)")
        }
        try await clock.sleep(for: resolution.conversionTime, tolerance: nil)
    }

    /// Reads Temp: one transaction.
    /// - Throws: ``HALError`` `.badData` for a short read, or whatever the bus throws.
    public func measure() async throws -> LM75Sample {
        LM75Sample(raw: try await registers.readWord(LM75Register.temperature, what: "temperature"),
                   resolution: resolution)
    }
}
