/// Commands of the Sensirion SHT4x (datasheet "SHT4x", section 4.5 "Command Overview", table
/// 7). Commands are one byte with no CRC; every word the chip sends back carries one.
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// datasheet's numbers instead of reading these, so a typo here cannot pass its own test.
public enum SHT4xCommand {
    /// Soft reset (4.8): the chip reloads its calibration and turns any heater pulse off.
    public static let softReset: UInt8 = 0x94
    /// Read the 32-bit serial number: two words, each with its CRC.
    public static let readSerialNumber: UInt8 = 0x89

    /// Soft reset time, maximum (table 5, t_SR): the chip ignores commands until it has passed.
    public static let softResetDuration: Duration = .milliseconds(1)
    /// Wait between the serial-number command and its read; the datasheet gives none, Sensirion's
    /// reference driver (embedded-i2c-sht4x) waits 10 ms.
    public static let serialNumberDuration: Duration = .milliseconds(10)

    /// I2C address of the SHT40-AD1B, SHT41, SHT43, SHT45 (the default).
    public static let primaryAddress: UInt8 = 0x44
    /// I2C addresses of the SHT40-BD1B and SHT40-CD1B.
    public static let alternativeAddresses: [UInt8] = [0x45, 0x46]
}

/// Precision (repeatability) of a measurement without heater (table 7): higher precision is
/// less noise for a longer measurement. The SHT4x has no clock stretching: a busy chip refuses
/// the read header (NACK), so the driver waits and polls.
public enum SHT4xPrecision: String, Sendable, Hashable, CaseIterable {
    /// Command 0xFD, at most 8.3 ms.
    case high
    /// Command 0xF6, at most 4.5 ms.
    case medium
    /// Command 0xE0, at most 1.7 ms.
    case low

    /// The measurement command.
    public var command: UInt8 {
        switch self {
        case .high: return 0xFD
        case .medium: return 0xF6
        case .low: return 0xE0
        }
    }

    /// The datasheet's maximum measurement duration (table 5, t_MEAS). Datasheet versions
    /// differ by 0.1 ms (v3 2022: 8.2 / 4.5 / 1.7 ms; v6 2024: 8.3 / 4.5 / 1.6 ms); the
    /// driver waits the larger of each.
    public var maximumMeasurementDuration: Duration {
        switch self {
        case .high: return .microseconds(8300)
        case .medium: return .microseconds(4500)
        case .low: return .microseconds(1700)
        }
    }

    /// How long after the command the driver keeps retrying a not-acknowledged read: the
    /// maximum plus 25 % and 2 ms, because a loaded Pi Zero wakes late from sleeps.
    public var readDeadline: Duration {
        let maximum = maximumMeasurementDuration
        return maximum + maximum / 4 + .milliseconds(2)
    }
}
