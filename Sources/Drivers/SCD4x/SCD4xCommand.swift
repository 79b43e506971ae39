/// Commands of the Sensirion SCD40/SCD41 CO2 sensor (datasheet "SCD4x", version 1.3, section
/// 3.4 table 9). Commands are 16 bits sent MSB first; every 16-bit word sent with a command or
/// read back is followed by Sensirion's CRC-8 (3.11).
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// datasheet's numbers instead of reading these, so a typo here cannot pass its own test.
public enum SCD4xCommand {
    /// start_periodic_measurement (3.5.1): a new measurement every 5 s.
    public static let startPeriodicMeasurement: UInt16 = 0x21B1
    /// read_measurement (3.5.2): CO2, T, RH, three words with CRCs; 1 ms execution time.
    public static let readMeasurement: UInt16 = 0xEC05
    /// stop_periodic_measurement (3.5.3): back to idle; the chip answers again after 500 ms.
    public static let stopPeriodicMeasurement: UInt16 = 0x3F86
    /// set_temperature_offset (3.6.1): one word, idle mode only; 1 ms.
    public static let setTemperatureOffset: UInt16 = 0x241D
    /// set_sensor_altitude (3.6.3): one word in metres, idle mode only; 1 ms.
    public static let setSensorAltitude: UInt16 = 0x2427
    /// start_low_power_periodic_measurement (3.8.1): a new measurement about every 30 s.
    public static let startLowPowerPeriodicMeasurement: UInt16 = 0x21AC
    /// get_data_ready_status (3.8.2): one word, data ready when its low 11 bits are not 0; 1 ms.
    public static let getDataReadyStatus: UInt16 = 0xE4B8
    /// get_serial_number (3.9.2): three words; 1 ms, idle mode only.
    public static let getSerialNumber: UInt16 = 0x3682

    /// The execution time of the read and write commands (table 9): the pause between a
    /// command and the read of its answer, or before the next command.
    public static let commandDuration: Duration = .milliseconds(1)
    /// stop_periodic_measurement's execution time (table 12).
    public static let stopDuration: Duration = .milliseconds(500)

    /// The only I2C address the chip has (2.2).
    public static let address: UInt8 = 0x62

    /// The two bytes of `command` on the wire, MSB first.
    public static func bytes(_ command: UInt16) -> [UInt8] {
        [UInt8(command >> 8), UInt8(command & 0xFF)]
    }

    /// A command with one argument word and its CRC, as the "write" sequence sends it (3.3).
    public static func bytes(_ command: UInt16, argument: UInt16) -> [UInt8] {
        let word = [UInt8(argument >> 8), UInt8(argument & 0xFF)]
        return bytes(command) + word + [CRC8.sensirion.checksum(word)]
    }
}

/// Which periodic measurement the chip runs (datasheet 3.5.1 and 3.8.1).
public enum SCD4xMode: String, Sendable, Hashable, CaseIterable {
    /// start_periodic_measurement: a measurement every 5 s.
    case periodic
    /// start_low_power_periodic_measurement: about every 30 s.
    case lowPower = "low_power"

    /// The command that starts it.
    public var startCommand: UInt16 {
        switch self {
        case .periodic: return SCD4xCommand.startPeriodicMeasurement
        case .lowPower: return SCD4xCommand.startLowPowerPeriodicMeasurement
        }
    }

    /// The signal update interval.
    public var period: Duration {
        switch self {
        case .periodic: return .seconds(5)
        case .lowPower: return .seconds(30)
        }
    }

    /// How long after the start the driver waits for the first measurement before giving up:
    /// the period plus 25 % and 2 s. The chip's own oscillator sets the cadence; a loaded Pi
    /// wakes late.
    public var firstMeasurementDeadline: Duration {
        period + period / 4 + .seconds(2)
    }
}
