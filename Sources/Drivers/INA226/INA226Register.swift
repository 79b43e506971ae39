/// Register map of the TI INA226 (datasheet SBOS547, 7.6, table 7-2): a one-byte pointer
/// selects a 16-bit register, MSB first.
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// datasheet's numbers instead of reading these, so a typo here cannot pass its own test.
public enum INA226Register {
    /// Configuration: RST 15, 14:12 = 100, AVG 11:9, VBUSCT 8:6, VSHCT 5:3, MODE 2:0 (reset 0x4127).
    public static let configuration: UInt8 = 0x00
    /// Shunt voltage, two's complement, 2.5 µV per LSB (±81.92 mV).
    public static let shuntVoltage: UInt8 = 0x01
    /// Bus voltage, bits 14:0, 1.25 mV per LSB (40.96 V full scale).
    public static let busVoltage: UInt8 = 0x02
    /// Power, Power_LSB = 25 × Current_LSB.
    public static let power: UInt8 = 0x03
    /// Current, Current_LSB per count.
    public static let current: UInt8 = 0x04
    /// Calibration (bits 14:0).
    public static let calibration: UInt8 = 0x05
    /// Manufacturer id: 0x5449 ("TI").
    public static let manufacturerID: UInt8 = 0xFE
    /// Die id: DID 0x226 in 15:4, revision in 3:0.
    public static let dieID: UInt8 = 0xFF

    /// What ``manufacturerID`` reads.
    public static let expectedManufacturerID: UInt16 = 0x5449
    /// DID, the die id's bits 15:4.
    public static let expectedDeviceID: UInt16 = 0x226
    /// Bits 14:12 of the configuration, fixed at 100.
    public static let fixedConfigurationBits: UInt16 = 0x4000
    /// MODE = 111: shunt and bus, continuous.
    public static let continuousShuntAndBus: UInt16 = 0b111

    /// A1 and A0 to GND; the pins select 0x40...0x4F.
    public static let baseAddress: UInt8 = 0x40
}

/// The INA226's averaging count (AVG, bits 11:9, table 7-4).
public enum INA226Averaging: Int, Sendable, Hashable, CaseIterable {
    case one = 1, four = 4, sixteen = 16, sixtyFour = 64, oneHundredTwentyEight = 128
    case twoHundredFiftySix = 256, fiveHundredTwelve = 512, oneThousandTwentyFour = 1024

    /// AVG2:AVG0, 000 for 1 ... 111 for 1024.
    public var bits: UInt16 { UInt16(Self.allCases.firstIndex(of: self) ?? 0) }
}

/// The INA226's conversion time of one bus or shunt sample (VBUSCT, VSHCT, table 7-5).
public enum INA226ConversionTime: Int, Sendable, Hashable, CaseIterable {
    case us140 = 140, us204 = 204, us332 = 332, us588 = 588, us1100 = 1100, us2116 = 2116, us4156 = 4156, us8244 = 8244

    /// The time as the configuration writes it: `140us` ... `1.1ms` ... `8.244ms`.
    public var name: String {
        rawValue < 1000 ? "\(rawValue)us" : "\(Double(rawValue) / 1000)ms"
    }

    /// The three bits, 000 for 140 µs ... 111 for 8.244 ms.
    public var bits: UInt16 { UInt16(Self.allCases.firstIndex(of: self) ?? 0) }

    /// The typical time (the datasheet gives no maximum).
    public var duration: Duration { .microseconds(rawValue) }
}
