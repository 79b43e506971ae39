import HAL

/// Driver for the Microchip MCP3008 (and MCP3004) 10-bit SAR ADC over SPI.
///
/// A conversion is one full-duplex chip-select frame of three bytes: the start bit and the
/// input selection go out, the sample is taken and converted while the frame is clocked, and
/// the result comes back in the same frame. There is nothing to wait for and no register to
/// poll; the SPI clock is the conversion clock, so its speed is checked against the datasheet.
public struct MCP3008: Sendable {
    /// The chip's SPI device (mode 0 or 3).
    public let device: any SPIDevice
    /// The reference voltage on VREF, volts: a code of 1024 would be VREF.
    public let referenceVolts: Double

    /// The fastest clock the datasheet allows: 3.6 MHz at VDD = 5 V (1.35 MHz at 2.7 V;
    /// 1.1 Electrical Characteristics, fCLK).
    public static let maximumClockHz: UInt32 = 3_600_000
    /// Below 10 kHz the sample capacitor leaks charge before the conversion ends (datasheet 6.2,
    /// "Maintaining minimum clock speed").
    public static let minimumClockHz: UInt32 = 10_000

    /// Creates a driver; nothing is sent until ``convert(_:)``.
    public init(device: any SPIDevice, referenceVolts: Double) {
        self.device = device
        self.referenceVolts = referenceVolts
    }

    /// Refuses an SPI clock outside 10 kHz...3.6 MHz or a mode other than 0 or 3 (the chip
    /// samples on rising edges). No transaction: the chip has nothing to read back.
    /// - Throws: ``HALError`` `.invalidArgument`.
    public func check() throws {
        let configuration = device.configuration
        guard (Self.minimumClockHz...Self.maximumClockHz).contains(configuration.speedHz) else {
            throw HALError(.invalidArgument, operation: "mcp3008 spi check",
                           detail: "SPI clock \(configuration.speedHz) Hz is outside the datasheet's 10 kHz...3.6 MHz (1.35 MHz at VDD 2.7 V)")
        }
        guard configuration.mode == .mode0 || configuration.mode == .mode3 else {
            throw HALError(.invalidArgument, operation: "mcp3008 spi check",
                           detail: "SPI mode \(configuration.mode.rawValue): the MCP3008 speaks modes 0 and 3")
        }
    }

    /// One conversion: one transaction. Returns the voltage, code × VREF / 1024.
    ///
    /// - Throws: ``HALError``: `.badData` when the reply is short or its null bit is 1 (nothing
    ///   drove MISO), or whatever the bus throws.
    public func convert(_ input: MCP3008Input) async throws -> Double {
        let reply = try await device.transaction([.transfer(input.command)]).first ?? []
        guard reply.count == 3 else {
            throw HALError(.badData, operation: "mcp3008 spi convert \(input.name)",
                           detail: "expected 3 bytes, got \(reply.count)")
        }
        guard let code = MCP3008Input.code(from: reply) else {
            throw HALError(.badData, operation: "mcp3008 spi convert \(input.name)",
                           detail: "the null bit before B9 read 1: no MCP3008 is driving MISO (wiring, chip select?)")
        }
        return Self.volts(code: code, referenceVolts: referenceVolts)
    }

    /// Datasheet equation 4-1: code = 1024 × VIN / VREF, so VIN = code × VREF / 1024.
    public static func volts(code: UInt16, referenceVolts: Double) -> Double {
        Double(code) * referenceVolts / 1024
    }
}
