/// Commands of the Sensirion SHT3x (datasheet "SHT3x-DIS", section 4 "Operation and
/// Communication"). Commands are 16 bits sent MSB first with no CRC; only data the chip sends
/// back carries a CRC.
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// datasheet's numbers instead of reading these, so a typo here cannot pass its own test.
public enum SHT3xCommand {
    /// Soft reset (4.9): reloads calibration, stops any periodic mode a previous process left
    /// running, turns the heater off and sets the status register's reset bit.
    public static let softReset: UInt16 = 0x30A2
    /// Read the status register (4.11): two bytes and their CRC follow.
    public static let readStatus: UInt16 = 0xF32D
    /// Clear the status register's alert and reset bits.
    public static let clearStatus: UInt16 = 0x3041

    /// The two bytes of `command` on the wire, MSB first.
    public static func bytes(_ command: UInt16) -> [UInt8] {
        [UInt8(command >> 8), UInt8(command & 0xFF)]
    }

    /// Soft reset time t_SR, maximum (table 4): the chip ignores commands until it has passed.
    public static let softResetDuration: Duration = .microseconds(1500)

    /// I2C address with ADDR tied low (the default).
    public static let primaryAddress: UInt8 = 0x44
    /// I2C address with ADDR tied high.
    public static let secondaryAddress: UInt8 = 0x45
}

/// Repeatability of a single-shot measurement with clock stretching disabled (table 9): higher
/// repeatability is less noise for a longer measurement.
///
/// Clock stretching is never used: many I2C adapters (the Raspberry Pi's BCM2835 among them)
/// mishandle a slave that holds SCL for milliseconds, so the driver waits and polls instead.
public enum SHT3xRepeatability: String, Sendable, Hashable, CaseIterable {
    /// Command 0x2400, at most 15 ms.
    case high
    /// Command 0x240B, at most 6 ms.
    case medium
    /// Command 0x2416, at most 4 ms.
    case low

    /// The single-shot command, clock stretching disabled.
    public var command: UInt16 {
        switch self {
        case .high: return 0x2400
        case .medium: return 0x240B
        case .low: return 0x2416
        }
    }

    /// The datasheet's maximum measurement duration (table 4, t_MEAS max).
    public var maximumMeasurementDuration: Duration {
        switch self {
        case .high: return .milliseconds(15)
        case .medium: return .milliseconds(6)
        case .low: return .milliseconds(4)
        }
    }

    /// How long after the command the driver keeps retrying a not-acknowledged read: the maximum
    /// plus 25 % and 2 ms, because a loaded Pi Zero wakes late from sleeps and a busy chip only
    /// says "not yet" by refusing the read header.
    public var readDeadline: Duration {
        let maximum = maximumMeasurementDuration
        return maximum + maximum / 4 + .milliseconds(2)
    }
}
