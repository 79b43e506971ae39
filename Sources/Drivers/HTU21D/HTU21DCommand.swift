/// Commands of the TE HTU21D(F) and the Silicon Labs Si7021 (and Si7013/Si7020, SHT21-compatible
/// parts), which share address 0x40 and the command set (HTU21D datasheet "Sensor commands";
/// Si7021-A20 datasheet 5, table 11).
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// datasheets' numbers instead of reading these, so a typo here cannot pass its own test.
public enum HTU21DCommand {
    /// Measure relative humidity, no hold master (the chip NACKs reads until done).
    public static let measureHumidity: UInt8 = 0xF5
    /// Measure temperature, no hold master.
    public static let measureTemperature: UInt8 = 0xF3
    /// Si70xx only: read the temperature measured along with the last humidity (2 bytes, no CRC).
    public static let readTemperatureOfHumidity: UInt8 = 0xE0
    /// Soft reset; done within 15 ms.
    public static let softReset: UInt8 = 0xFE
    /// Read the second half of the electronic id: SNB_3, SNB_2, CRC, SNB_1, SNB_0, CRC.
    public static let readElectronicID2: [UInt8] = [0xFC, 0xC9]

    /// Soft reset time, maximum (both datasheets: 15 ms).
    public static let softResetDuration: Duration = .milliseconds(15)

    /// The CRC both chips append (HTU21D "CRC checksum", Si7021 5.1): x^8 + x^5 + x^4 + 1
    /// (0x131) from 0x00, the Sensirion polynomial with another initial value.
    public static let crc = CRC8(polynomial: 0x31, initial: 0x00)

    /// The address of both chips.
    public static let address: UInt8 = 0x40
}

/// Which chip answers, told by SNB_3 of the electronic id (Si7021 datasheet 5.5).
public enum HTU21DVariant: Sendable, Hashable {
    /// TE HTU21D or Sensirion SHT21: no cached temperature, slower conversions.
    case htu21d
    /// Silicon Labs Si7013 (0x0D), Si7020 (0x14), Si7021 (0x15), or an engineering sample (0x00,
    /// 0xFF): a humidity measurement measures temperature too, readable with 0xE0.
    case si70xx(deviceID: UInt8)

    /// The variant an SNB_3 byte names.
    public init(deviceID: UInt8) {
        switch deviceID {
        case 0x0D, 0x14, 0x15, 0x00, 0xFF: self = .si70xx(deviceID: deviceID)
        default: self = .htu21d
        }
    }

    /// Maximum humidity conversion time at 12 bits: HTU21D 16 ms; Si70xx 12 ms for RH plus
    /// 10.8 ms for the temperature it measures with it (Si7021 table 2).
    public var humidityConversion: Duration {
        switch self {
        case .htu21d: return .milliseconds(16)
        case .si70xx: return .microseconds(22_800)
        }
    }

    /// Maximum temperature conversion time at 14 bits: HTU21D 50 ms, Si70xx 10.8 ms.
    public var temperatureConversion: Duration {
        switch self {
        case .htu21d: return .milliseconds(50)
        case .si70xx: return .microseconds(10_800)
        }
    }
}

extension Duration {
    /// The conversion maximum plus 25 % and 2 ms: how long a driver keeps retrying a NACKed read.
    var readDeadline: Duration { self + self / 4 + .milliseconds(2) }
}
