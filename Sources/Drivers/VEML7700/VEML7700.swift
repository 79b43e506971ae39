import HAL

/// Driver for the Vishay VEML7700 ambient light sensor, integrating continuously (power-saving
/// mode off).
///
/// The ALS register always holds the last finished integration, so a sample is one register
/// read.
public struct VEML7700: Sendable {
    /// The chip's registers (little-endian words).
    public let registers: WordRegisterAccess
    /// Gain and integration time.
    public let resolution: VEML7700Resolution
    /// Whether readings get the application note's high-illuminance correction.
    public let correctNonlinearity: Bool

    private let clock: any Clock<Duration>

    /// Creates a driver; nothing is sent until ``start()`` or ``measure()``.
    /// - Parameter clock: waits for the first integration; tests inject a `SimulatedClock`.
    public init(bus: any I2CBus, address: I2CAddress,
                resolution: VEML7700Resolution = VEML7700Resolution(gain: .eighth, integrationTime: .ms100),
                correctNonlinearity: Bool = false, clock: any Clock<Duration> = ContinuousClock()) {
        registers = WordRegisterAccess(bus: bus, address: address, byteOrder: .littleEndian, chip: "veml7700")
        self.resolution = resolution
        self.correctNonlinearity = correctNonlinearity
        self.clock = clock
    }

    /// ALS_CONF_0: gain, integration time, persistence 1, interrupt off, powered on.
    public var configuration: UInt16 { resolution.gain.bits | resolution.integrationTime.bits }

    /// How long after ``start()``'s writes the first result is ready: the 2.5 ms wake-up and
    /// one integration, with 10 % for the internal oscillator the integration times assume.
    public var firstResultTime: Duration {
        VEML7700Register.wakeUpTime + resolution.integrationTime.duration * 11 / 10
    }

    /// Checks the device id (0x81), writes the configuration (which also wakes a chip left shut
    /// down) and power-saving mode off, then waits for the first integration. Three transactions.
    /// - Throws: ``HALError`` `.badData` naming the id found when it is not 0x81, or whatever the
    ///   bus throws.
    public func start() async throws {
        let identity = try await registers.readWord(VEML7700Register.identity, what: "id")
        guard UInt8(identity & 0xFF) == VEML7700Register.expectedDeviceID else {
            throw HALError(.badData, operation: registers.operation("check id"),
                           detail: "expected device id 0x81 (VEML7700), found \(WordRegisterAccess.hex(identity))")
        }
        try await registers.writeWord(VEML7700Register.configuration, configuration)
        try await registers.writeWord(VEML7700Register.powerSaving, 0x0000)
        try await clock.sleep(for: firstResultTime, tolerance: nil)
    }

    /// Reads ALS: one transaction.
    /// - Throws: ``HALError`` `.badData` for a saturated count (65535: the light exceeds this
    ///   gain and integration time; lower either), for a short read, or whatever the bus throws.
    public func measure() async throws -> VEML7700Sample {
        let count = try await registers.readWord(VEML7700Register.ambientLight, what: "ambient light")
        guard count != .max else {
            throw HALError(.badData, operation: registers.operation("read ambient light"),
                           detail: "count saturated at 65535 (above \(Int(resolution.maximumLux)) lx): lower gain or integration_time")
        }
        return VEML7700Sample(count: count, resolution: resolution, corrected: correctNonlinearity)
    }
}
