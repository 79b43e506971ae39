import HAL

/// Driver for the TI TMP102 temperature sensor in continuous conversion at 4 Hz.
///
/// The chip converts on its own and the temperature register always holds the last finished
/// conversion, so a sample is one register read.
public struct TMP102: Sendable {
    /// The chip's registers.
    public let registers: WordRegisterAccess
    /// Extended mode: 13-bit words, range up to 150 °C.
    public let extendedMode: Bool

    private let clock: any Clock<Duration>

    /// Creates a driver; nothing is sent until ``start()`` or ``measure()``.
    /// - Parameter clock: waits for the first conversion; tests inject a `SimulatedClock`.
    public init(bus: any I2CBus, address: I2CAddress, extendedMode: Bool = false,
                clock: any Clock<Duration> = ContinuousClock()) {
        registers = WordRegisterAccess(bus: bus, address: address, chip: "tmp102")
        self.extendedMode = extendedMode
        self.clock = clock
    }

    /// The configuration written at start: the power-up value (continuous, 4 Hz, comparator
    /// mode), with EM set for extended mode. SD = 0 also wakes a chip a previous process shut down.
    public var configuration: UInt16 {
        TMP102Register.powerUpConfiguration | (extendedMode ? TMP102Register.extendedModeBit : 0)
    }

    /// Writes the configuration and reads it back, then waits one maximum conversion time so
    /// the first sample is not the 0 °C a chip reads after power-up or shutdown. Two transactions.
    ///
    /// The chip has no id register; the read-back is the check: R1:R0 read 11 on a TMP102, and
    /// SD, CR and EM must hold what was written.
    /// - Throws: ``HALError`` `.badData` naming the configuration found, or whatever the bus throws.
    public func start() async throws {
        try await registers.writeWord(TMP102Register.configuration, configuration)
        let found = try await registers.readWord(TMP102Register.configuration, what: "configuration")
        let checked = TMP102Register.resolutionBits | TMP102Register.shutdownBit | TMP102Register.conversionRateBits
            | TMP102Register.extendedModeBit
        guard found & checked == configuration & checked else {
            throw HALError(.badData, operation: registers.operation("check configuration"),
                           detail: "wrote \(WordRegisterAccess.hex(configuration)), read back \(WordRegisterAccess.hex(found)) (not a TMP102?)")
        }
        try await clock.sleep(for: TMP102Register.conversionTime, tolerance: nil)
    }

    /// Reads the temperature register: one transaction.
    /// - Throws: ``HALError`` `.badData` for a short read, or whatever the bus throws.
    public func measure() async throws -> TMP102Sample {
        TMP102Sample(raw: try await registers.readWord(TMP102Register.temperature, what: "temperature"))
    }
}
