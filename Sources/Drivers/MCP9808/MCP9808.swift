import HAL

/// Driver for the Microchip MCP9808 digital temperature sensor in continuous conversion.
///
/// The chip has no one-shot mode: once ``start()`` has configured it, it converts continuously
/// and T_A always holds the last finished conversion, so a sample is one register read.
public struct MCP9808: Sendable {
    /// The bus the chip is on.
    public let bus: any I2CBus
    /// 0x18...0x1F by A2...A0.
    public let address: I2CAddress
    /// Resolution of every conversion.
    public let resolution: MCP9808Resolution

    private let clock: any Clock<Duration>

    /// Creates a driver; nothing is sent until ``start()`` or ``measure()``.
    /// - Parameter clock: waits for the first conversion; tests inject a `SimulatedClock`.
    public init(bus: any I2CBus, address: I2CAddress, resolution: MCP9808Resolution = .sixteenthDegree,
                clock: any Clock<Duration> = ContinuousClock()) {
        self.bus = bus
        self.address = address
        self.resolution = resolution
        self.clock = clock
    }

    /// Checks the manufacturer (0x0054) and device (0x04) ids, writes the resolution and
    /// CONFIG = 0x0000 (continuous conversion, which also wakes a chip a previous process shut
    /// down), then waits one conversion time so the first sample is not a stale or reset value.
    /// Four transactions.
    ///
    /// - Throws: ``HALError`` `.badData` naming the ids found when they are not an MCP9808's,
    ///   or whatever the bus throws.
    public func start() async throws {
        let manufacturer = try await readWord(MCP9808Register.manufacturerID, what: "manufacturer id")
        let device = try await readWord(MCP9808Register.deviceID, what: "device id")
        guard manufacturer == MCP9808Register.expectedManufacturerID, UInt8(device >> 8) == MCP9808Register.expectedDeviceID else {
            throw HALError(.badData, operation: operation("check ids"),
                           detail: "expected manufacturer 0x0054 and device 0x04 (MCP9808), found manufacturer 0x\(Self.hex(manufacturer, digits: 4)) and device 0x\(Self.hex(device >> 8, digits: 2)) revision 0x\(Self.hex(device & 0xFF, digits: 2))")
        }
        try await bus.write(address: address, [MCP9808Register.resolution, resolution.rawValue])
        try await bus.write(address: address, [MCP9808Register.configuration, 0x00, 0x00])
        try await clock.sleep(for: resolution.conversionTime, tolerance: nil)
    }

    /// Reads T_A: one transaction (pointer write, repeated start, two bytes).
    /// - Throws: ``HALError`` `.badData` for a short read, or whatever the bus throws.
    public func measure() async throws -> MCP9808Sample {
        MCP9808Sample(raw: try await readWord(MCP9808Register.ambientTemperature, what: "ambient temperature"))
    }

    private func readWord(_ register: UInt8, what: String) async throws -> UInt16 {
        let reply = try await bus.transaction(address: address, [.write([register]), .read(count: 2)])
        guard let bytes = reply.first, bytes.count == 2 else {
            throw HALError(.badData, operation: operation("read \(what)"),
                           detail: "expected 2 bytes, got \(reply.first?.count ?? 0)")
        }
        return UInt16(bytes[0]) << 8 | UInt16(bytes[1])
    }

    private func operation(_ step: String) -> String {
        "mcp9808 i2c@\(address) \(step)"
    }

    private static func hex(_ value: UInt16, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
