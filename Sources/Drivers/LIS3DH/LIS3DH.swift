import HAL

/// Driver for the ST LIS3DH accelerometer, sampling continuously at its output data rate.
///
/// The output registers always hold the latest sample and, with BDU set, a word's two bytes
/// come from the same one, so a sample is one 6-byte auto-increment read.
public struct LIS3DH: Sendable {
    /// The register access path.
    public let transport: any LIS3DHTransport
    /// Mode, range and data rate.
    public let settings: LIS3DHSettings

    private let clock: any Clock<Duration>

    /// Creates a driver; nothing is sent until ``start()`` or ``measure()``.
    /// - Parameter clock: waits the turn-on time; tests inject a `SimulatedClock`.
    public init(transport: any LIS3DHTransport, settings: LIS3DHSettings = LIS3DHSettings(),
                clock: any Clock<Duration> = ContinuousClock()) {
        self.transport = transport
        self.settings = settings
        self.clock = clock
    }

    /// Creates a driver for a chip on I2C (0x18 or 0x19).
    public init(bus: any I2CBus, address: I2CAddress, settings: LIS3DHSettings = LIS3DHSettings(),
                clock: any Clock<Duration> = ContinuousClock()) {
        self.init(transport: LIS3DHI2CTransport(bus: bus, address: address), settings: settings, clock: clock)
    }

    /// Creates a driver for a chip on 4-wire SPI.
    public init(spi device: any SPIDevice, settings: LIS3DHSettings = LIS3DHSettings(),
                clock: any Clock<Duration> = ContinuousClock()) {
        self.init(transport: LIS3DHSPITransport(device: device), settings: settings, clock: clock)
    }

    /// Checks WHO_AM_I, writes CTRL_REG1 to CTRL_REG4 in one auto-increment write (CTRL_REG2
    /// and 3 at their reset value 0: no high-pass filter, no interrupts) and waits the turn-on
    /// time. Two transactions.
    /// - Throws: ``HALError`` `.invalidArgument` for a data rate the mode lacks, `.badData`
    ///   naming the part found when WHO_AM_I is not 0x33, or whatever the bus throws.
    public func start() async throws {
        guard settings.dataRate.isAvailable(in: settings.mode) else {
            throw HALError(.invalidArgument, operation: operation("start"),
                           detail: "\(settings.dataRate.rawValue) Hz is not available in \(settings.mode.rawValue) mode")
        }
        let identity = try await transport.readRegisters(LIS3DHRegister.whoAmI, count: 1)[0]
        guard identity == LIS3DHRegister.expectedWhoAmI else {
            let found = LIS3DHRegister.chipName(identity).map { "found \($0) (0x\(Self.hex(identity)))" }
                ?? "found 0x\(Self.hex(identity)), not an ST id this build knows"
            throw HALError(.badData, operation: operation("check WHO_AM_I"), detail: "expected WHO_AM_I 0x33 (LIS3DH), \(found)")
        }
        try await transport.writeRegisters(LIS3DHRegister.control1, [settings.control1, 0x00, 0x00, settings.control4])
        try await clock.sleep(for: settings.startUpTime, tolerance: nil)
    }

    /// Reads OUT_X_L ... OUT_Z_H in one transaction.
    /// - Throws: ``HALError`` `.badData` for a short read, or whatever the bus throws.
    public func measure() async throws -> LIS3DHSample {
        let bytes = try await transport.readRegisters(LIS3DHRegister.outXLow, count: LIS3DHRegister.dataLength)
        return LIS3DHSample(acceleration: (0..<3).map { settings.acceleration(low: bytes[2 * $0], high: bytes[2 * $0 + 1]) })
    }

    private func operation(_ step: String) -> String { "lis3dh \(transport.location) \(step)" }

    static func hex(_ byte: UInt8) -> String {
        let text = String(byte, radix: 16, uppercase: true)
        return text.count < 2 ? "0" + text : text
    }
}

/// One LIS3DH sample.
public struct LIS3DHSample: Sendable, Hashable {
    /// Acceleration along x, y, z, m/s² (gravity included).
    public var acceleration: [Double]

    /// Creates a sample.
    public init(acceleration: [Double]) { self.acceleration = acceleration }
}
