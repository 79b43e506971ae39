/// The calibration of a TI current-shunt monitor (INA219, INA226): from the shunt's resistance
/// and the largest current expected, the Current_LSB and the Calibration register value, and
/// the chip's register arithmetic with them (INA219 SBOS448 8.5.1 equations 1 to 5; INA226
/// SBOS547 7.5 equations 1 to 4).
public struct CurrentShuntCalibration: Sendable, Hashable {
    /// What differs between the chips in the datasheets' equations.
    public struct Family: Sendable, Hashable {
        /// The fixed scaling in `Cal = trunc(coefficient / (Current_LSB × R_SHUNT))`.
        public var coefficient: Double
        /// `Current = Shunt × Cal / divisor`.
        public var currentDivisor: Int
        /// `Power_LSB = ratio × Current_LSB`.
        public var powerRatio: Double
        /// The largest value the Calibration register holds.
        public var largestCalibration: Int
        /// The register bits that hold the value (the INA219's bit 0 and the INA226's bit 15
        /// are not part of it).
        public var calibrationMask: UInt16

        /// INA219: 0.04096, / 4096, power 20 × Current_LSB, bits 15:1.
        public static let ina219 = Family(coefficient: 0.04096, currentDivisor: 4096, powerRatio: 20,
                                          largestCalibration: 0xFFFE, calibrationMask: 0xFFFE)
        /// INA226: 0.00512, / 2048, power 25 × Current_LSB, bits 14:0.
        public static let ina226 = Family(coefficient: 0.00512, currentDivisor: 2048, powerRatio: 25,
                                          largestCalibration: 0x7FFF, calibrationMask: 0x7FFF)
    }

    /// The chip's equations.
    public let family: Family
    /// The shunt, Ω.
    public let shuntOhms: Double
    /// Current_LSB, A per count: the largest expected current / 2^15.
    public let currentLSB: Double
    /// The Calibration register value.
    public let register: UInt16

    /// The calibration for `shuntOhms` and `maximumCurrent` (both > 0); `nil` when the register
    /// cannot hold it (too small a shunt and current give more than the largest value, too
    /// large ones truncate to 0).
    public init?(shuntOhms: Double, maximumCurrent: Double, family: Family) {
        guard shuntOhms > 0, maximumCurrent > 0, shuntOhms.isFinite, maximumCurrent.isFinite else { return nil }
        let currentLSB = maximumCurrent / 32_768
        // The datasheets truncate the exact quotient; decimal inputs such as 0.002 Ω leave it a
        // few ulps below an integer (20479.99999...), which must not lose a whole count.
        let quotient = family.coefficient / (currentLSB * shuntOhms)
        let calibration = (quotient * (1 + 1e-12)).rounded(.towardZero)
        guard calibration >= 1, calibration <= Double(family.largestCalibration) else { return nil }
        self.family = family
        self.shuntOhms = shuntOhms
        self.currentLSB = currentLSB
        register = UInt16(calibration) & family.calibrationMask
    }

    /// Power_LSB, W per count.
    public var powerLSB: Double { family.powerRatio * currentLSB }

    /// What the chip's Current register holds for a Shunt Voltage register value:
    /// `trunc(shunt × Cal / divisor)`.
    public func currentRegister(forShunt shunt: Int16) -> Int {
        Int(shunt) * Int(register) / family.currentDivisor
    }

    /// A Current register value in A.
    public func amperes(_ current: Int16) -> Double { Double(current) * currentLSB }

    /// A Power register value in W.
    public func watts(_ power: UInt16) -> Double { Double(power) * powerLSB }
}
