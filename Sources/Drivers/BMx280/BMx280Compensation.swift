import HAL

/// The temperature and pressure trimming coefficients the BMP280 and the BME280 share, and the
/// datasheets' integer compensation over them (BST-BMP280-DS001 3.11.3 and 8.2, repeated
/// unchanged as BST-BME280-DS002 4.2.3 and 8.2).
///
/// A protocol so each chip's calibration keeps its own stored coefficients (the BME280 adds
/// humidity) while the formulas exist once. Arithmetic uses wrapping operators so calibration
/// garbage from a loose wire can give a wrong number (caught by range checks above) but never a
/// trap.
public protocol BMx280TemperaturePressureCompensation: Sendable {
    /// dig_T1, unsigned short at 0x88/0x89.
    var digT1: UInt16 { get }
    /// dig_T2, signed short at 0x8A/0x8B.
    var digT2: Int16 { get }
    /// dig_T3, signed short at 0x8C/0x8D.
    var digT3: Int16 { get }
    /// dig_P1, unsigned short at 0x8E/0x8F.
    var digP1: UInt16 { get }
    /// dig_P2...dig_P9, signed shorts at 0x90...0x9F.
    var digP2: Int16 { get }
    /// See ``digP2``.
    var digP3: Int16 { get }
    /// See ``digP2``.
    var digP4: Int16 { get }
    /// See ``digP2``.
    var digP5: Int16 { get }
    /// See ``digP2``.
    var digP6: Int16 { get }
    /// See ``digP2``.
    var digP7: Int16 { get }
    /// See ``digP2``.
    var digP8: Int16 { get }
    /// See ``digP2``.
    var digP9: Int16 { get }
}

extension BMx280TemperaturePressureCompensation {
    /// The datasheet's `t_fine` (bmp280_compensate_T_int32): a fine temperature carried into the
    /// pressure (and humidity) formulas. Temperature in °C = t_fine / 5120.
    public func fineTemperature(adcT: Int32) -> Int32 {
        let t1 = Int32(digT1), t2 = Int32(digT2), t3 = Int32(digT3)
        let var1 = (((adcT >> 3) &- (t1 << 1)) &* t2) >> 11
        let delta = (adcT >> 4) &- t1
        let var2 = ((((delta &* delta) >> 12) &* t3) >> 14)
        return var1 &+ var2
    }

    /// Temperature in 0.01 °C from `t_fine` (`T = (t_fine * 5 + 128) >> 8`): 2508 is 25.08 °C.
    public func temperatureCentiCelsius(fineTemperature tFine: Int32) -> Int32 {
        ((tFine &* 5) &+ 128) >> 8
    }

    /// Pressure in Pa as unsigned Q24.8 (bmp280_compensate_P_int64): 24674867 is 96386.2 Pa.
    ///
    /// Returns 0 where the datasheet does (a zero divisor), which no real pressure produces; the
    /// drivers report that as `.badData`.
    public func pressureQ24_8(adcP: Int32, fineTemperature tFine: Int32) -> UInt32 {
        // Swift's shifts bind tighter than `*`, unlike C, so every C expression is parenthesized
        // exactly as C evaluates it.
        var var1 = Int64(tFine) &- 128000
        var var2 = (var1 &* var1) &* Int64(digP6)
        var2 = var2 &+ ((var1 &* Int64(digP5)) << 17)
        var2 = var2 &+ (Int64(digP4) << 35)
        var1 = (((var1 &* var1) &* Int64(digP3)) >> 8) &+ ((var1 &* Int64(digP2)) << 12)
        var1 = (((Int64(1) << 47) &+ var1) &* Int64(digP1)) >> 33
        if var1 == 0 { return 0 }
        var p = Int64(1_048_576) &- Int64(adcP)
        let numerator = ((p << 31) &- var2) &* 3125
        p = numerator.dividedReportingOverflow(by: var1).partialValue
        var1 = ((Int64(digP9) &* (p >> 13)) &* (p >> 13)) >> 25
        var2 = (Int64(digP8) &* p) >> 19
        p = ((p &+ var1 &+ var2) >> 8) &+ (Int64(digP7) << 4)
        return UInt32(truncatingIfNeeded: p)
    }

    /// Temperature, `t_fine` and (when `pressureRequested`) pressure of one measurement, with
    /// the sentinel checks both chips need.
    ///
    /// - Throws: ``HALError`` `.badData` when temperature reads the not-measured value (no
    ///   t_fine, so nothing can be compensated), when requested pressure reads it, or when the
    ///   pressure formula hits its zero divisor.
    public func compensateTemperaturePressure(adcT: Int32, adcP: Int32, pressureRequested: Bool,
                                              operation: String) throws
        -> (celsius: Double, fineTemperature: Int32, pascal: Double?) {
        if adcT == BMx280Register.skippedTemperaturePressure {
            throw HALError(.badData, operation: operation, detail: "temperature reads the not-measured value 0x80000")
        }
        let tFine = fineTemperature(adcT: adcT)
        let celsius = Double(temperatureCentiCelsius(fineTemperature: tFine)) / 100
        guard pressureRequested else { return (celsius, tFine, nil) }
        if adcP == BMx280Register.skippedTemperaturePressure {
            throw HALError(.badData, operation: operation,
                           detail: "pressure was requested but reads the not-measured value 0x80000")
        }
        let q = pressureQ24_8(adcP: adcP, fineTemperature: tFine)
        if q == 0 {
            throw HALError(.badData, operation: operation,
                           detail: "pressure formula divides by zero (calibration dig_P1 = \(digP1))")
        }
        return (celsius, tFine, Double(q) / 256)
    }
}

/// The twelve temperature and pressure coefficients as stored at 0x88...0x9F (little-endian
/// shorts, T1 and P1 unsigned): the whole calibration of a BMP280, the first bank of a BME280.
public struct BMx280TemperaturePressureCalibration: BMx280TemperaturePressureCompensation, Hashable {
    /// dig_T1, dig_T2, dig_T3.
    public var digT1: UInt16, digT2: Int16, digT3: Int16
    /// dig_P1...dig_P9.
    public var digP1: UInt16, digP2: Int16, digP3: Int16, digP4: Int16, digP5: Int16, digP6: Int16,
               digP7: Int16, digP8: Int16, digP9: Int16

    /// Creates a calibration from known coefficients (tests, simulations).
    public init(digT1: UInt16, digT2: Int16, digT3: Int16,
                digP1: UInt16, digP2: Int16, digP3: Int16, digP4: Int16, digP5: Int16,
                digP6: Int16, digP7: Int16, digP8: Int16, digP9: Int16) {
        self.digT1 = digT1; self.digT2 = digT2; self.digT3 = digT3
        self.digP1 = digP1; self.digP2 = digP2; self.digP3 = digP3; self.digP4 = digP4
        self.digP5 = digP5; self.digP6 = digP6; self.digP7 = digP7; self.digP8 = digP8
        self.digP9 = digP9
    }

    /// Parses the first 24 bytes of `bank` (the block read from 0x88).
    ///
    /// - Throws: ``HALError`` `.badData` when the bank is shorter than `expectedLength` or
    ///   longer, or blank (all 0x00 or all 0xFF, what a floating or shorted bus returns), since
    ///   compensating with it would produce plausible-looking nonsense.
    public init(bank: [UInt8], expectedLength: Int, operation: String) throws {
        guard bank.count == expectedLength, expectedLength >= BMx280Register.temperaturePressureCalibrationLength else {
            throw HALError(.badData, operation: operation,
                           detail: "expected \(expectedLength) bytes at 0x88, got \(bank.count)")
        }
        if bank.allSatisfy({ $0 == 0x00 }) || bank.allSatisfy({ $0 == 0xFF }) {
            throw HALError(.badData, operation: operation,
                           detail: "calibration bank 0x88 is blank (all \(bank[0] == 0 ? "0x00" : "0xFF"))")
        }
        func u16(_ i: Int) -> UInt16 { UInt16(bank[i]) | (UInt16(bank[i + 1]) << 8) }
        func s16(_ i: Int) -> Int16 { Int16(bitPattern: u16(i)) }
        digT1 = u16(0); digT2 = s16(2); digT3 = s16(4)
        digP1 = u16(6); digP2 = s16(8); digP3 = s16(10); digP4 = s16(12); digP5 = s16(14)
        digP6 = s16(16); digP7 = s16(18); digP8 = s16(20); digP9 = s16(22)
    }
}
