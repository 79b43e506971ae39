/// Registers and config-register fields of the TI ADS1115 (datasheet SBAS444, 8.6 Register Map).
///
/// Plain constants so the driver and the model share one spelling; tests restate the
/// datasheet's numbers instead of reading these.
public enum ADS1115Register {
    /// Address pointer 00b: the conversion result, 16-bit two's complement, MSB first.
    public static let conversion: UInt8 = 0x00
    /// Address pointer 01b: the config register.
    public static let config: UInt8 = 0x01
    /// Address pointer 10b: comparator low threshold.
    public static let lowThreshold: UInt8 = 0x02
    /// Address pointer 11b: comparator high threshold.
    public static let highThreshold: UInt8 = 0x03

    /// Config bit 15, OS: written 1 starts a single conversion; read 0 means one is under way.
    public static let operationalStatus: UInt16 = 0x8000
    /// Config bit 8, MODE: 1 = single-shot (power-down between conversions).
    public static let singleShot: UInt16 = 0x0100
    /// COMP_QUE = 11b: comparator disabled, ALERT/RDY high impedance (the reset value).
    public static let comparatorDisabled: UInt16 = 0x0003
    /// MUX, PGA, MODE and DR: the fields a read-back must match what was written.
    public static let settingsMask: UInt16 = 0x7FE0

    /// The default address (ADDR to GND); 0x49 (VDD), 0x4A (SDA), 0x4B (SCL).
    public static let defaultAddress: UInt8 = 0x48
}

/// The input multiplexer, config bits 14:12 (MUX).
public enum ADS1115Input: UInt16, Sendable, Hashable, CaseIterable {
    /// AINP = AIN0, AINN = AIN1.
    case ain0MinusAin1 = 0
    /// AINP = AIN0, AINN = AIN3.
    case ain0MinusAin3 = 1
    /// AINP = AIN1, AINN = AIN3.
    case ain1MinusAin3 = 2
    /// AINP = AIN2, AINN = AIN3.
    case ain2MinusAin3 = 3
    /// AIN0 against GND.
    case ain0 = 4
    /// AIN1 against GND.
    case ain1 = 5
    /// AIN2 against GND.
    case ain2 = 6
    /// AIN3 against GND.
    case ain3 = 7

    /// The configuration's spelling, also the channel's default quantity name with `-` as `_`.
    public var name: String {
        switch self {
        case .ain0MinusAin1: "ain0-ain1"
        case .ain0MinusAin3: "ain0-ain3"
        case .ain1MinusAin3: "ain1-ain3"
        case .ain2MinusAin3: "ain2-ain3"
        case .ain0: "ain0"
        case .ain1: "ain1"
        case .ain2: "ain2"
        case .ain3: "ain3"
        }
    }

    /// The input pins (positive, negative; nil negative = GND), for the model.
    public var pins: (positive: Int, negative: Int?) {
        switch self {
        case .ain0MinusAin1: (0, 1)
        case .ain0MinusAin3: (0, 3)
        case .ain1MinusAin3: (1, 3)
        case .ain2MinusAin3: (2, 3)
        case .ain0: (0, nil)
        case .ain1: (1, nil)
        case .ain2: (2, nil)
        case .ain3: (3, nil)
        }
    }
}

/// The programmable gain amplifier, config bits 11:9 (PGA): the full-scale range.
public enum ADS1115FullScale: UInt16, Sendable, Hashable, CaseIterable {
    /// ±6.144 V (the inputs still must stay within GND - 0.3 V ... VDD + 0.3 V).
    case volts6_144 = 0
    /// ±4.096 V.
    case volts4_096 = 1
    /// ±2.048 V (the reset value).
    case volts2_048 = 2
    /// ±1.024 V.
    case volts1_024 = 3
    /// ±0.512 V.
    case volts0_512 = 4
    /// ±0.256 V (codes 101b, 110b and 111b all select it; 101b is written).
    case volts0_256 = 5

    /// The full-scale voltage.
    public var volts: Double {
        switch self {
        case .volts6_144: 6.144
        case .volts4_096: 4.096
        case .volts2_048: 2.048
        case .volts1_024: 1.024
        case .volts0_512: 0.512
        case .volts0_256: 0.256
        }
    }

    /// The range written as volts in the configuration (`full_scale: 4.096`).
    public init?(volts: Double) {
        guard let match = Self.allCases.first(where: { $0.volts == volts }) else { return nil }
        self = match
    }

    /// Volts per count: FSR / 2^15 (datasheet Table 8-1, e.g. 62.5 µV at ±2.048 V).
    public var voltsPerCount: Double { volts / 32_768 }
}

/// The data rate, config bits 7:5 (DR), in samples per second.
public enum ADS1115DataRate: UInt16, Sendable, Hashable, CaseIterable {
    case sps8 = 0, sps16, sps32, sps64, sps128, sps250, sps475, sps860

    /// Samples per second.
    public var samplesPerSecond: Int {
        [8, 16, 32, 64, 128, 250, 475, 860][Int(rawValue)]
    }

    /// The rate written in the configuration (`data_rate: 128`).
    public init?(samplesPerSecond: Int) {
        guard let match = Self.allCases.first(where: { $0.samplesPerSecond == samplesPerSecond }) else { return nil }
        self = match
    }

    /// How long a single-shot conversion may take: one period, 1 / DR, stretched by the
    /// datasheet's ±10 % data-rate tolerance (7.5 Electrical Characteristics, "Data rate
    /// variation"), rounded up to the microsecond.
    public var maximumConversionTime: Duration {
        .microseconds((1_100_000 + samplesPerSecond - 1) / samplesPerSecond)
    }
}

/// One channel's part of the config register.
public struct ADS1115ChannelSettings: Sendable, Hashable {
    /// Which inputs are converted.
    public var input: ADS1115Input
    /// The full-scale range.
    public var fullScale: ADS1115FullScale

    /// Creates settings.
    public init(input: ADS1115Input, fullScale: ADS1115FullScale) {
        self.input = input
        self.fullScale = fullScale
    }

    /// The config word that starts one single-shot conversion: OS = 1, MUX, PGA, MODE = 1,
    /// DR, comparator disabled.
    public func configWord(dataRate: ADS1115DataRate) -> UInt16 {
        ADS1115Register.operationalStatus | input.rawValue << 12 | fullScale.rawValue << 9
            | ADS1115Register.singleShot | dataRate.rawValue << 5 | ADS1115Register.comparatorDisabled
    }

    /// The voltage of a conversion result: two's complement × FSR / 2^15.
    public func volts(code: UInt16) -> Double {
        Double(Int16(bitPattern: code)) * fullScale.voltsPerCount
    }
}
