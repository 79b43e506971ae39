/// The SHT3x status register (datasheet 4.11, table 17), as read by ``SHT3x/readStatus()``.
public struct SHT3xStatus: Sendable, Hashable {
    /// The 16 status bits.
    public var rawValue: UInt16

    /// Wraps a status word.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Bit 15: at least one alert is pending.
    public var alertPending: Bool { rawValue & 0x8000 != 0 }
    /// Bit 13: the heater is on (it would skew temperature up and humidity down).
    public var heaterOn: Bool { rawValue & 0x2000 != 0 }
    /// Bit 4: a reset (power-up, soft reset, supply fail) happened since the status was cleared.
    public var resetDetected: Bool { rawValue & 0x0010 != 0 }
    /// Bit 1: the last command was not processed (invalid or failed its checksum).
    public var lastCommandFailed: Bool { rawValue & 0x0002 != 0 }
}
