import HAL

/// Driver for the ams TSL2591 light sensor, integrating continuously (ALS enabled).
///
/// The data registers hold the last finished integration; STATUS sits just before them, so a
/// sample is one 5-byte read that also says whether the integration is valid.
public struct TSL2591: Sendable {
    /// The bus the chip is on.
    public let bus: any I2CBus
    /// 0x29.
    public let address: I2CAddress
    /// Gain and integration time.
    public let settings: TSL2591Settings

    private let clock: any Clock<Duration>

    /// Creates a driver; nothing is sent until ``start()`` or ``measure()``.
    /// - Parameter clock: waits for the first integration; tests inject a `SimulatedClock`.
    public init(bus: any I2CBus, address: I2CAddress, settings: TSL2591Settings = TSL2591Settings(),
                clock: any Clock<Duration> = ContinuousClock()) {
        self.bus = bus
        self.address = address
        self.settings = settings
        self.clock = clock
    }

    /// The wait for the first integration: one integration time + 10 % (the internal
    /// oscillator's tolerance the datasheet's times are typical for) + 5 ms.
    public var firstResultTime: Duration { settings.integrationTime.duration * 11 / 10 + .milliseconds(5) }

    /// Checks the id (0x50), writes CONTROL, then ENABLE (PON | AEN, which restarts the
    /// integration with the new settings) and waits for the first integration. Three
    /// transactions.
    /// - Throws: ``HALError`` `.badData` naming the id found when it is not 0x50, or whatever
    ///   the bus throws.
    public func start() async throws {
        let identity = try await read(TSL2591Register.identity, count: 1, what: "id")[0]
        guard identity == TSL2591Register.expectedID else {
            throw HALError(.badData, operation: operation("check id"),
                           detail: "expected device id 0x50 (TSL2591), found 0x\(Self.hex(identity))")
        }
        try await bus.write(address: address, [TSL2591Register.command | TSL2591Register.control, settings.control])
        try await bus.write(address: address, [TSL2591Register.command | TSL2591Register.enable, TSL2591Register.enableValue])
        try await clock.sleep(for: firstResultTime, tolerance: nil)
    }

    /// Reads STATUS and both channels in one transaction.
    /// - Throws: ``HALError`` `.badData` when AVALID is clear (no finished integration: the chip
    ///   was reset or disabled), when a channel is saturated (naming the limit), when CH1 exceeds
    ///   CH0 (impossible: CH0 includes the infrared), for a short read, or whatever the bus throws.
    public func measure() async throws -> TSL2591Sample {
        let bytes = try await read(TSL2591Register.status, count: 5, what: "status and data")
        guard bytes[0] & TSL2591Register.statusValid != 0 else {
            throw HALError(.badData, operation: operation("read data"),
                           detail: "no finished integration (STATUS 0x\(Self.hex(bytes[0])), AVALID clear): chip reset or disabled")
        }
        let full = UInt16(bytes[2]) << 8 | UInt16(bytes[1])
        let infrared = UInt16(bytes[4]) << 8 | UInt16(bytes[3])
        let limit = settings.integrationTime.maximumCount
        guard full < limit, infrared < limit else {
            throw HALError(.badData, operation: operation("read data"),
                           detail: "saturated: CH0 \(full), CH1 \(infrared), limit \(limit) at \(settings.integrationTime.name): lower gain or integration_time")
        }
        guard infrared <= full else {
            throw HALError(.badData, operation: operation("read data"),
                           detail: "CH1 (infrared) \(infrared) above CH0 (full spectrum) \(full)")
        }
        return TSL2591Sample(fullSpectrum: full, infrared: infrared, settings: settings)
    }

    private func read(_ register: UInt8, count: Int, what: String) async throws -> [UInt8] {
        let bytes = try await bus.readRegisters(address: address, register: TSL2591Register.command | register, count: count)
        guard bytes.count == count else {
            throw HALError(.badData, operation: operation("read \(what)"), detail: "expected \(count) bytes, got \(bytes.count)")
        }
        return bytes
    }

    private func operation(_ step: String) -> String { "tsl2591 i2c@\(address) \(step)" }

    static func hex(_ byte: UInt8) -> String {
        let text = String(byte, radix: 16, uppercase: true)
        return text.count < 2 ? "0" + text : text
    }
}

/// One TSL2591 integration.
public struct TSL2591Sample: Sendable, Hashable {
    /// CH0, full spectrum (visible and infrared) counts.
    public var fullSpectrum: UInt16
    /// CH1, infrared counts.
    public var infrared: UInt16
    /// The settings of the integration.
    public var settings: TSL2591Settings

    /// Creates a sample.
    public init(fullSpectrum: UInt16, infrared: UInt16, settings: TSL2591Settings) {
        self.fullSpectrum = fullSpectrum
        self.infrared = infrared
        self.settings = settings
    }

    /// Illuminance, lx.
    public var illuminanceLux: Double { settings.lux(fullSpectrum: fullSpectrum, infrared: infrared) }
}
