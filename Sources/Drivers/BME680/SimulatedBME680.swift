import HAL
import HALSimulation
import Synchronization

/// A register-level model of a Bosch BME680 for ``SimulatedI2CBus``.
///
/// A write is a register pointer followed by register/value pairs (datasheet 6.2.1); a read
/// continues from the pointer with auto-increment. Writing ctrl_meas with mode 01 starts a forced
/// measurement: the model turns its environment into ADC values by inverting the datasheet's
/// floating-point compensation (section 3.3, written here from the datasheet rather than shared
/// with the driver's fixed-point code) with its calibration, and sets new_data once the
/// measurement time (the datasheet's TPH formula plus gas_wait_0) has passed on its clock, or
/// at once without a clock. The gas conversion runs when ctrl_gas_1 has run_gas; heat_stab is
/// set unless ``heaterUnstable``.
public final class SimulatedBME680: SimulatedI2CDevice {
    /// Conditions the simulated chip "feels".
    public struct Environment: Sendable, Hashable {
        public var temperatureCelsius: Double
        public var pressurePascal: Double
        public var humidityPercent: Double
        /// The gas sensor's resistance, in Ω.
        public var gasOhms: Double

        /// Creates an environment.
        public init(temperatureCelsius: Double, pressurePascal: Double, humidityPercent: Double, gasOhms: Double) {
            self.temperatureCelsius = temperatureCelsius
            self.pressurePascal = pressurePascal
            self.humidityPercent = humidityPercent
            self.gasOhms = gasOhms
        }
    }

    /// A typical chip's trimming, stated once so tests can restate it.
    public static let typicalCalibration = BME680Calibration(
        parT1: 26_187, parT2: 26_433, parT3: 3,
        parP1: 36_513, parP2: -10_374, parP3: 88, parP4: 7_243, parP5: -92, parP6: 30, parP7: 35,
        parP8: -2_637, parP9: -2_373, parP10: 30,
        parH1: 762, parH2: 1_012, parH3: 0, parH4: 45, parH5: 20, parH6: 120, parH7: -100,
        parG1: -30, parG2: -11_650, parG3: 18, resHeatRange: 1, resHeatVal: 42, rangeSwitchingError: -1)

    private struct State {
        var registers = [UInt8](repeating: 0, count: 256)
        var pointer: UInt8 = 0
        var environment = Environment(temperatureCelsius: 21.5, pressurePascal: 101_325, humidityPercent: 45, gasOhms: 120_000)
        var readyAt: SimulatedClock.Instant?
        var pending = false
        var heaterUnstable = false
        var neverReady = false
        var measurements = 0
        var heaterCodes: [UInt8] = []
    }

    private let state = Mutex(State())
    private let clock: SimulatedClock?
    /// The calibration in the model's registers.
    public let calibration: BME680Calibration

    /// Creates a chip in its power-up state, chip id 0x61 (or `chipID` to pose as another chip).
    public init(calibration: BME680Calibration = SimulatedBME680.typicalCalibration, chipID: UInt8 = 0x61,
                clock: SimulatedClock? = nil) {
        self.calibration = calibration
        self.clock = clock
        state.withLock { state in
            state.registers[0xD0] = chipID
            Self.store(calibration, in: &state.registers)
        }
    }

    /// What the next measurement latches.
    public var environment: Environment {
        get { state.withLock { $0.environment } }
        set { state.withLock { $0.environment = newValue } }
    }

    /// A heater that never reaches its target: heat_stab_r stays 0.
    public var heaterUnstable: Bool {
        get { state.withLock { $0.heaterUnstable } }
        set { state.withLock { $0.heaterUnstable = newValue } }
    }

    /// A chip whose measurements never finish.
    public var neverReady: Bool {
        get { state.withLock { $0.neverReady } }
        set { state.withLock { $0.neverReady = newValue } }
    }

    /// Forced measurements started.
    public var measurements: Int { state.withLock { $0.measurements } }
    /// Every res_heat_0 value written, oldest first.
    public var heaterCodes: [UInt8] { state.withLock { $0.heaterCodes } }

    /// The current value of `register`.
    public func register(_ register: UInt8) -> UInt8 { state.withLock { $0.registers[Int(register)] } }

    public func i2cWrite(_ bytes: [UInt8]) throws {
        state.withLock { state in
            guard let first = bytes.first else { return }
            state.pointer = first
            var index = 0
            while index + 1 < bytes.count {
                write(bytes[index], bytes[index + 1], &state)
                index += 2
            }
        }
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        state.withLock { state in
            finishIfDue(&state)
            var bytes: [UInt8] = []
            for offset in 0..<count {
                bytes.append(state.registers[Int(state.pointer &+ UInt8(truncatingIfNeeded: offset))])
            }
            return bytes
        }
    }

    private func write(_ register: UInt8, _ value: UInt8, _ state: inout State) {
        switch register {
        case 0xD0, 0x1D...0x2B, 0x89...0xA1, 0xE1...0xF0, 0x00...0x04:
            return   // read-only
        case 0x5A:
            state.heaterCodes.append(value)
            state.registers[0x5A] = value
        case 0x74:
            state.registers[0x74] = value
            if value & 0x03 == 0x01 { startMeasurement(&state) }
        default:
            state.registers[Int(register)] = value
        }
    }

    private func startMeasurement(_ state: inout State) {
        state.measurements += 1
        state.registers[0x1D] = 0x20          // measuring, no new data
        state.pending = true
        // Datasheet 3.2.1 / the BME68x API: 1963 µs per oversampling sample, 9 × 477 µs of
        // switching and gas set-up, 1 ms wake-up, then the heating time gas_wait_0 encodes.
        let codes = [state.registers[0x74] >> 5, (state.registers[0x74] >> 2) & 0x07, state.registers[0x72] & 0x07]
        let cycles = codes.map { $0 == 0 ? 0 : 1 << (Int(min($0, 5)) - 1) }.reduce(0, +)
        let wait = state.registers[0x64]
        let heating = state.registers[0x71] & 0x10 != 0 ? Int(wait & 0x3F) << (2 * Int(wait >> 6)) : 0
        let duration = Duration.microseconds(cycles * 1963 + 477 * 9 + 1000) + .milliseconds(heating)
        state.readyAt = clock.map { $0.now.advanced(by: duration) }
    }

    private func finishIfDue(_ state: inout State) {
        guard state.pending, !state.neverReady else { return }
        if let readyAt = state.readyAt, let now = clock?.now, now < readyAt { return }
        state.pending = false
        let environment = state.environment
        let adcT = Self.invert(0...0xFFFFF, increasing: true) { self.floatTemperature(adcT: $0).celsius } target: { environment.temperatureCelsius }
        let fine = floatTemperature(adcT: adcT).fine
        let adcP = Self.invert(0...0xFFFFF, increasing: false) { self.floatPressure(adcP: $0, fine: fine) } target: { environment.pressurePascal }
        let adcH = Self.invert(0...0xFFFF, increasing: true) { self.floatHumidity(adcH: $0, fine: fine) } target: { environment.humidityPercent }
        var r = state.registers
        r[0x1F] = UInt8(adcP >> 12); r[0x20] = UInt8((adcP >> 4) & 0xFF); r[0x21] = UInt8((adcP & 0x0F) << 4)
        r[0x22] = UInt8(adcT >> 12); r[0x23] = UInt8((adcT >> 4) & 0xFF); r[0x24] = UInt8((adcT & 0x0F) << 4)
        r[0x25] = UInt8(adcH >> 8); r[0x26] = UInt8(adcH & 0xFF)
        if r[0x71] & 0x10 != 0 {
            let (adc, range) = gasADC(ohms: environment.gasOhms)
            r[0x2A] = UInt8(adc >> 2)
            r[0x2B] = UInt8((adc & 0x03) << 6) | 0x20 | (state.heaterUnstable ? 0 : 0x10) | range
        } else {
            r[0x2A] = 0; r[0x2B] = 0
        }
        r[0x1D] = 0x80
        state.registers = r
    }

    /// Datasheet 3.3.1, floating point: t_fine and °C.
    private func floatTemperature(adcT: Int) -> (fine: Double, celsius: Double) {
        let c = calibration, adc = Double(adcT), t1 = Double(c.parT1)
        let var1 = (adc / 16384 - t1 / 1024) * Double(c.parT2)
        let var2 = (adc / 131072 - t1 / 8192) * (adc / 131072 - t1 / 8192) * (Double(c.parT3) * 16)
        return (var1 + var2, (var1 + var2) / 5120)
    }

    /// Datasheet 3.3.2, floating point: Pa.
    private func floatPressure(adcP: Int, fine: Double) -> Double {
        let c = calibration
        var var1 = fine / 2 - 64000
        var var2 = var1 * var1 * (Double(c.parP6) / 131072)
        var2 += var1 * Double(c.parP5) * 2
        var2 = var2 / 4 + Double(c.parP4) * 65536
        var1 = (Double(c.parP3) * var1 * var1 / 16384 + Double(c.parP2) * var1) / 524288
        var1 = (1 + var1 / 32768) * Double(c.parP1)
        var pressure = 1_048_576 - Double(adcP)
        pressure = (pressure - var2 / 4096) * 6250 / var1
        let p9 = Double(c.parP9) * pressure * pressure / 2_147_483_648
        let p8 = pressure * (Double(c.parP8) / 32768)
        let p10 = (pressure / 256) * (pressure / 256) * (pressure / 256) * (Double(c.parP10) / 131072)
        return pressure + (p9 + p8 + p10 + Double(c.parP7) * 128) / 16
    }

    /// Datasheet 3.3.3, floating point: %RH (not clamped, so the bisection sees a monotonic curve).
    private func floatHumidity(adcH: Int, fine: Double) -> Double {
        let c = calibration, t = fine / 5120
        let var1 = Double(adcH) - (Double(c.parH1) * 16 + Double(c.parH3) / 2 * t)
        let var2 = var1 * (Double(c.parH2) / 262144 * (1 + Double(c.parH4) / 16384 * t + Double(c.parH5) / 1_048_576 * t * t))
        let var3 = Double(c.parH6) / 16384, var4 = Double(c.parH7) / 2_097_152
        return var2 + (var3 + var4 * t) * var2 * var2
    }

    /// Datasheet 3.4.1, table 16: R = var1 · const_array2[range] / (adc - 512 + var1) with
    /// var1 = (1340 + 5 · range_switching_error) · const_array1[range], solved for the ADC value;
    /// the range giving the largest ADC value within 10 bits (the finest step).
    private func gasADC(ohms: Double) -> (Int, UInt8) {
        let array1: [Double] = [1, 1, 1, 1, 1, 0.99, 1, 0.992, 1, 1, 0.998, 0.995, 1, 0.99, 1, 1]
        let array2: [Double] = [8_000_000, 4_000_000, 2_000_000, 1_000_000, 499_500.4995, 248_262.1648, 125_000,
                                63_004.03226, 31_281.28128, 15_625, 7_812.5, 3_906.25, 1_953.125, 976.5625,
                                488.28125, 244.140625]
        for range in 0..<16 {
            let var1 = (1340 + 5 * Double(calibration.rangeSwitchingError)) * array1[range]
            let adc = (var1 * array2[range] / max(ohms, 1) + 512 - var1).rounded()
            if adc <= 1023 && adc >= 0 { return (Int(adc), UInt8(range)) }
        }
        return (1023, 15)
    }

    /// The ADC value in `range` whose converted value is nearest `target`, by bisection on a
    /// monotonic conversion.
    private static func invert(_ range: ClosedRange<Int>, increasing: Bool, _ convert: (Int) -> Double,
                               target: () -> Double) -> Int {
        let goal = target()
        var low = range.lowerBound, high = range.upperBound
        while high - low > 1 {
            let middle = (low + high) / 2
            let above = convert(middle) > goal
            if above == increasing { high = middle } else { low = middle }
        }
        return abs(convert(low) - goal) <= abs(convert(high) - goal) ? low : high
    }

    /// Writes a calibration into the registers at the datasheet's addresses (table 11).
    private static func store(_ c: BME680Calibration, in r: inout [UInt8]) {
        func put16(_ value: UInt16, lsb: Int) { r[lsb] = UInt8(value & 0xFF); r[lsb + 1] = UInt8(value >> 8) }
        func bits(_ value: Int8) -> UInt8 { UInt8(bitPattern: value) }
        func bits16(_ value: Int16) -> UInt16 { UInt16(bitPattern: value) }
        put16(bits16(c.parT2), lsb: 0x8A); r[0x8C] = bits(c.parT3)
        put16(c.parP1, lsb: 0x8E); put16(bits16(c.parP2), lsb: 0x90); r[0x92] = bits(c.parP3)
        put16(bits16(c.parP4), lsb: 0x94); put16(bits16(c.parP5), lsb: 0x96)
        r[0x98] = bits(c.parP7); r[0x99] = bits(c.parP6)
        put16(bits16(c.parP8), lsb: 0x9C); put16(bits16(c.parP9), lsb: 0x9E); r[0xA0] = c.parP10
        r[0xE1] = UInt8(c.parH2 >> 4)
        r[0xE2] = UInt8((c.parH2 & 0x0F) << 4) | UInt8(c.parH1 & 0x0F)
        r[0xE3] = UInt8(c.parH1 >> 4)
        r[0xE4] = bits(c.parH3); r[0xE5] = bits(c.parH4); r[0xE6] = bits(c.parH5); r[0xE7] = c.parH6; r[0xE8] = bits(c.parH7)
        put16(c.parT1, lsb: 0xE9); put16(bits16(c.parG2), lsb: 0xEB); r[0xED] = bits(c.parG1); r[0xEE] = bits(c.parG3)
        r[0x00] = bits(c.resHeatVal)
        r[0x02] = (c.resHeatRange & 0x03) << 4
        r[0x04] = UInt8(bitPattern: c.rangeSwitchingError << 4)
    }
}
