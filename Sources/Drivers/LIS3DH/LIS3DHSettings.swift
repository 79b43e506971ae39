/// How a LIS3DH measures: mode, full scale and output data rate.
public struct LIS3DHSettings: Sendable, Hashable {
    /// 8, 10 or 12 bits.
    public var mode: LIS3DHMode
    /// ±2 ... ±16 g.
    public var range: LIS3DHRange
    /// The output data rate; must exist in ``mode``.
    public var dataRate: LIS3DHDataRate

    /// Creates settings; the default is high resolution, ±2 g, 100 Hz.
    public init(mode: LIS3DHMode = .highResolution, range: LIS3DHRange = .g2, dataRate: LIS3DHDataRate = .hz100) {
        self.mode = mode
        self.range = range
        self.dataRate = dataRate
    }

    /// CTRL_REG1: ODR, LPen for low-power mode, all three axes enabled.
    public var control1: UInt8 { dataRate.code << 4 | (mode == .lowPower ? 0x08 : 0) | 0x07 }

    /// CTRL_REG4: BDU (so the low and high byte of a word come from one sample), little-endian,
    /// FS, HR for high-resolution mode, no self-test.
    public var control4: UInt8 { 0x80 | range.code << 4 | (mode == .highResolution ? 0x08 : 0) }

    /// How long after the configuration write the first sample is good: the table 10 turn-on
    /// time, but at least one output period, plus 10 % for the oscillator.
    public var startUpTime: Duration {
        max(mode.turnOnTime(dataRate), dataRate.period) * 11 / 10
    }

    /// m/s² of one digit of the right-justified count.
    public var metresPerSecondSquaredPerDigit: Double {
        range.milligPerDigit(mode) / 1000 * LIS3DHRegister.standardGravity
    }

    /// One axis from its two bytes (low first): the word, arithmetically shifted right by the
    /// unused bits, times the sensitivity.
    public func acceleration(low: UInt8, high: UInt8) -> Double {
        let word = Int16(bitPattern: UInt16(high) << 8 | UInt16(low))
        return Double(word >> (16 - mode.bits)) * metresPerSecondSquaredPerDigit
    }
}
