import HAL
import Synchronization

/// A behavioural model of a Bosch BME280 for ``SimulatedI2CBus`` and ``SimulatedSPIDevice``.
///
/// It answers chip id 0x60, carries a calibration image, and turns an environment set in
/// physical units into raw ADC values. A write of forced mode to ctrl_meas sets the `measuring`
/// status bit, which clears after ``statusReadsWhileMeasuring`` status reads; the data registers
/// are latched at that moment, as on the chip (datasheet 3.3 / 4: shadowed data registers).
///
/// Why its own formulas: HALSimulation may not import Drivers, and a model that reused the
/// driver's code would agree with any bug in it. The model therefore implements the datasheet's
/// *double-precision* formulas (BST-BME280-DS002 8.1) and finds raw values by a monotone
/// (binary) search over them; the driver implements the *integer* ones (8.2). An end-to-end test
/// thus compares two independent transcriptions of the datasheet.
///
/// Not modelled: the IIR filter, normal-mode standby timing, noise.
public final class SimulatedBME280: SimulatedI2CDevice, SimulatedRegisterModel {
    /// The trimming coefficients, as the driver would parse them.
    public struct Calibration: Sendable, Hashable {
        /// Temperature coefficients dig_T1...dig_T3 (T1 unsigned).
        public var digT1: UInt16, digT2: Int16, digT3: Int16
        /// Pressure coefficients dig_P1...dig_P5 (P1 unsigned).
        public var digP1: UInt16, digP2: Int16, digP3: Int16, digP4: Int16, digP5: Int16
        /// Pressure coefficients dig_P6...dig_P9.
        public var digP6: Int16, digP7: Int16, digP8: Int16, digP9: Int16
        /// Humidity coefficients dig_H1...dig_H6 (H1, H3 unsigned; H4, H5 12-bit signed; H6 int8).
        public var digH1: UInt8, digH2: Int16, digH3: UInt8, digH4: Int16, digH5: Int16, digH6: Int8

        /// Creates a calibration. `digH4` and `digH5` must fit in 12 signed bits.
        public init(digT1: UInt16, digT2: Int16, digT3: Int16,
                    digP1: UInt16, digP2: Int16, digP3: Int16, digP4: Int16, digP5: Int16,
                    digP6: Int16, digP7: Int16, digP8: Int16, digP9: Int16,
                    digH1: UInt8, digH2: Int16, digH3: UInt8, digH4: Int16, digH5: Int16, digH6: Int8) {
            self.digT1 = digT1; self.digT2 = digT2; self.digT3 = digT3
            self.digP1 = digP1; self.digP2 = digP2; self.digP3 = digP3; self.digP4 = digP4
            self.digP5 = digP5; self.digP6 = digP6; self.digP7 = digP7; self.digP8 = digP8
            self.digP9 = digP9
            self.digH1 = digH1; self.digH2 = digH2; self.digH3 = digH3; self.digH4 = digH4
            self.digH5 = digH5; self.digH6 = digH6
        }

        /// Parses the two banks as read from a chip (0x88...0xA1 and 0xE1...0xE7); `nil` when a
        /// bank is too short. Restated from the datasheet rather than shared with Drivers.
        public init?(bank1: [UInt8], bank2: [UInt8]) {
            guard bank1.count >= 26, bank2.count >= 7 else { return nil }
            func u16(_ i: Int) -> UInt16 { UInt16(bank1[i]) | (UInt16(bank1[i + 1]) << 8) }
            func s16(_ i: Int) -> Int16 { Int16(bitPattern: u16(i)) }
            self.init(digT1: u16(0), digT2: s16(2), digT3: s16(4),
                      digP1: u16(6), digP2: s16(8), digP3: s16(10), digP4: s16(12), digP5: s16(14),
                      digP6: s16(16), digP7: s16(18), digP8: s16(20), digP9: s16(22),
                      digH1: bank1[25], digH2: Int16(bitPattern: UInt16(bank2[0]) | (UInt16(bank2[1]) << 8)),
                      digH3: bank2[2],
                      digH4: Int16(Int8(bitPattern: bank2[3])) * 16 | Int16(bank2[4] & 0x0F),
                      digH5: Int16(Int8(bitPattern: bank2[5])) * 16 | Int16(bank2[4] >> 4),
                      digH6: Int8(bitPattern: bank2[6]))
        }

        /// T and P: the worked example of Bosch's datasheet (27504, 26435, -1000; 36477, -10685,
        /// 3024, 2855, 140, -7, 15500, -14600, 6000). H: typical values of a real chip
        /// (H1 75, H2 362, H3 0, H4 313, H5 50, H6 30) since Bosch publishes no humidity example.
        public static let datasheetExample = Calibration(
            digT1: 27504, digT2: 26435, digT3: -1000,
            digP1: 36477, digP2: -10685, digP3: 3024, digP4: 2855, digP5: 140, digP6: -7,
            digP7: 15500, digP8: -14600, digP9: 6000,
            digH1: 75, digH2: 362, digH3: 0, digH4: 313, digH5: 50, digH6: 30)

        /// The 26 bytes at 0x88...0xA1 (little-endian shorts, 0xA0 reserved, 0xA1 = H1).
        public var bank1: [UInt8] {
            var bytes: [UInt8] = []
            for value in [digT1, UInt16(bitPattern: digT2), UInt16(bitPattern: digT3),
                          digP1, UInt16(bitPattern: digP2), UInt16(bitPattern: digP3),
                          UInt16(bitPattern: digP4), UInt16(bitPattern: digP5), UInt16(bitPattern: digP6),
                          UInt16(bitPattern: digP7), UInt16(bitPattern: digP8), UInt16(bitPattern: digP9)] {
                bytes += [UInt8(value & 0xFF), UInt8(value >> 8)]
            }
            return bytes + [0x00, digH1]
        }

        /// The 7 bytes at 0xE1...0xE7, with H4/H5 packed into 12 bits sharing 0xE5.
        public var bank2: [UInt8] {
            let h2 = UInt16(bitPattern: digH2)
            let h4 = UInt16(bitPattern: digH4) & 0x0FFF
            let h5 = UInt16(bitPattern: digH5) & 0x0FFF
            return [UInt8(h2 & 0xFF), UInt8(h2 >> 8), digH3,
                    UInt8(h4 >> 4), UInt8(h4 & 0x0F) | UInt8((h5 & 0x0F) << 4), UInt8(h5 >> 4),
                    UInt8(bitPattern: digH6)]
        }
    }

    /// Conditions the simulated chip "feels".
    public struct Environment: Sendable, Hashable {
        /// Temperature in °C.
        public var temperatureCelsius: Double
        /// Pressure in Pa.
        public var pressurePascal: Double
        /// Relative humidity in %RH.
        public var humidityPercent: Double

        /// Creates an environment.
        public init(temperatureCelsius: Double, pressurePascal: Double, humidityPercent: Double) {
            self.temperatureCelsius = temperatureCelsius
            self.pressurePascal = pressurePascal
            self.humidityPercent = humidityPercent
        }
    }

    /// Raw ADC values as latched in 0xF7...0xFE.
    public struct RawValues: Sendable, Hashable {
        /// 20-bit pressure value.
        public var adcP: Int32
        /// 20-bit temperature value.
        public var adcT: Int32
        /// 16-bit humidity value.
        public var adcH: Int32
    }

    // Register numbers restated from the datasheet (HALSimulation does not import Drivers).
    private enum Reg {
        static let calib00: UInt8 = 0x88, calib26: UInt8 = 0xE1, chipID: UInt8 = 0xD0, reset: UInt8 = 0xE0
        static let ctrlHum: UInt8 = 0xF2, status: UInt8 = 0xF3, ctrlMeas: UInt8 = 0xF4, config: UInt8 = 0xF5
        static let data: UInt8 = 0xF7
        static let measuring: UInt8 = 0x08
    }

    private struct State {
        var registers = RegisterFile(writeMode: .registerValuePairs)
        var environment: Environment
        var calibration: Calibration
        var remainingMeasuringReads: Int?
        var latchedHumidityOversampling: UInt8 = 0
        var statusReadsWhileMeasuring = 1
        var neverFinishes = false
        var measurementCount = 0
        var statusReadCount = 0
    }

    private let state: Mutex<State>

    /// Creates a chip in its power-on state.
    /// - Parameters:
    ///   - calibration: the trimming image it carries.
    ///   - environment: initial conditions (21.5 °C, 101325 Pa, 45 %RH).
    public init(calibration: Calibration = .datasheetExample,
                environment: Environment = Environment(temperatureCelsius: 21.5, pressurePascal: 101_325,
                                                       humidityPercent: 45)) {
        var initial = State(environment: environment, calibration: calibration)
        Self.powerOn(&initial)
        state = Mutex(initial)
    }

    /// Creates a chip whose calibration comes from a register fixture, e.g. one captured from a
    /// real sensor with `sensorgw probe dump`, so its quirks can be replayed on a laptop.
    ///
    /// Only the calibration banks (0x88...0xA1, 0xE1...0xE7) are taken from the fixture; chip id,
    /// control and data registers keep their power-on values, since a capture of those describes
    /// one past moment, not the chip.
    /// - Throws: ``HALError`` `.invalidArgument` when the fixture does not parse.
    public convenience init(fixture text: String,
                            environment: Environment = Environment(temperatureCelsius: 21.5,
                                                                   pressurePascal: 101_325, humidityPercent: 45)) throws {
        var file = RegisterFile()
        try file.load(fixture: text)
        guard let calibration = Calibration(bank1: file.peek(Reg.calib00, count: 26),
                                            bank2: file.peek(Reg.calib26, count: 7)) else {
            throw HALError(.invalidArgument, operation: "load bme280 fixture", detail: "calibration banks missing")
        }
        self.init(calibration: calibration, environment: environment)
    }

    // MARK: Test controls

    /// The conditions the next measurement will report.
    public var environment: Environment {
        get { state.withLock { $0.environment } }
        set { state.withLock { $0.environment = newValue } }
    }

    /// How many status reads show `measuring` after a forced-mode write before the measurement
    /// completes (default 1; 0 completes at the write).
    public var statusReadsWhileMeasuring: Int {
        get { state.withLock { $0.statusReadsWhileMeasuring } }
        set { state.withLock { $0.statusReadsWhileMeasuring = max(newValue, 0) } }
    }

    /// A fault: the measurement never completes, so `measuring` stays set (a hung chip).
    public var neverFinishes: Bool {
        get { state.withLock { $0.neverFinishes } }
        set { state.withLock { $0.neverFinishes = newValue } }
    }

    /// Completed measurements since creation.
    public var measurementCount: Int { state.withLock { $0.measurementCount } }

    /// Reads of the status register since creation.
    public var statusReadCount: Int { state.withLock { $0.statusReadCount } }

    /// Runs `body` with the register file locked (inspect, or corrupt for a fault test).
    public func withRegisters<T>(_ body: (inout RegisterFile) throws -> T) rethrows -> T {
        try state.withLock { try body(&$0.registers) }
    }

    /// The raw ADC values an environment produces with this chip's calibration.
    public func rawValues(for environment: Environment) -> RawValues {
        Self.rawValues(for: environment, calibration: state.withLock { $0.calibration })
    }

    // MARK: Bus access

    public func i2cWrite(_ bytes: [UInt8]) throws {
        state.withLock { state in
            // I2C writes on the BME280 are register/value pairs (datasheet 6.2.1); route each
            // through the model so ctrl_meas triggers a measurement.
            for write in Self.splitPairs(bytes, pointer: &state.registers.pointer) {
                Self.write(&state, write.register, write.value)
            }
        }
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        state.withLock { state in
            (0..<max(count, 0)).map { _ in
                let register = state.registers.pointer
                state.registers.pointer &+= 1
                return Self.read(&state, register)
            }
        }
    }

    public func readRegister(_ register: UInt8) -> UInt8 {
        state.withLock { Self.read(&$0, register) }
    }

    public func writeRegister(_ register: UInt8, value: UInt8) {
        state.withLock { Self.write(&$0, register, value) }
    }

    // MARK: Behaviour

    private static func splitPairs(_ bytes: [UInt8], pointer: inout UInt8) -> [(register: UInt8, value: UInt8)] {
        guard let first = bytes.first else { return [] }
        pointer = first
        var writes: [(register: UInt8, value: UInt8)] = []
        var index = 1
        while index < bytes.count {
            writes.append((pointer, bytes[index]))
            index += 1
            if index < bytes.count {
                pointer = bytes[index]
                index += 1
            }
        }
        return writes
    }

    private static func powerOn(_ state: inout State) {
        var file = RegisterFile(writeMode: .registerValuePairs)
        file.load(state.calibration.bank1, at: Reg.calib00)
        file.load(state.calibration.bank2, at: Reg.calib26)
        file[Reg.chipID] = 0x60
        // Reset values of the data block: 0x80000 / 0x8000, the "not measured" pattern.
        file.load([0x80, 0x00, 0x00, 0x80, 0x00, 0x00, 0x80, 0x00], at: Reg.data)
        file.setReadOnly(0x00...0xFF)
        file.setReadOnly(Reg.ctrlHum...Reg.ctrlHum, mask: 0xF8)
        file.setReadOnly(Reg.ctrlMeas...Reg.ctrlMeas, mask: 0x00)
        file.setReadOnly(Reg.config...Reg.config, mask: 0x02)
        state.registers = file
        state.remainingMeasuringReads = nil
        state.latchedHumidityOversampling = 0
    }

    private static func read(_ state: inout State, _ register: UInt8) -> UInt8 {
        if register == Reg.reset { return 0 }
        guard register == Reg.status else { return state.registers[register] }
        state.statusReadCount += 1
        let value = state.registers[Reg.status]
        if var remaining = state.remainingMeasuringReads, !state.neverFinishes {
            remaining -= 1
            if remaining <= 0 { completeMeasurement(&state) } else { state.remainingMeasuringReads = remaining }
        }
        return value
    }

    private static func write(_ state: inout State, _ register: UInt8, _ value: UInt8) {
        if register == Reg.reset {
            if value == 0xB6 { powerOn(&state) }
            return
        }
        state.registers.busWrite(register, value: value)
        guard register == Reg.ctrlMeas else { return }
        // ctrl_hum is only taken over on a ctrl_meas write (datasheet 5.4.3): a driver that
        // writes them in the wrong order measures humidity with the previous setting.
        state.latchedHumidityOversampling = state.registers[Reg.ctrlHum] & 0x07
        switch value & 0x03 {
        case 0x01, 0x02:
            state.registers[Reg.status] |= Reg.measuring
            state.remainingMeasuringReads = state.statusReadsWhileMeasuring
            if state.statusReadsWhileMeasuring == 0 && !state.neverFinishes { completeMeasurement(&state) }
        case 0x03:
            // Normal mode: modelled as "data always fresh", no busy phase.
            latchData(&state)
        default:
            break
        }
    }

    private static func completeMeasurement(_ state: inout State) {
        latchData(&state)
        state.registers[Reg.status] &= ~Reg.measuring
        // Forced mode returns to sleep when done.
        state.registers[Reg.ctrlMeas] &= ~0x03
        state.remainingMeasuringReads = nil
        state.measurementCount += 1
    }

    private static func latchData(_ state: inout State) {
        let ctrlMeas = state.registers[Reg.ctrlMeas]
        let raw = rawValues(for: state.environment, calibration: state.calibration)
        let adcT = (ctrlMeas >> 5) & 0x07 == 0 ? Int32(0x80000) : raw.adcT
        let adcP = (ctrlMeas >> 2) & 0x07 == 0 ? Int32(0x80000) : raw.adcP
        let adcH = state.latchedHumidityOversampling == 0 ? Int32(0x8000) : raw.adcH
        func twenty(_ v: Int32) -> [UInt8] {
            [UInt8(truncatingIfNeeded: v >> 12), UInt8(truncatingIfNeeded: v >> 4), UInt8(truncatingIfNeeded: (v & 0x0F) << 4)]
        }
        state.registers.load(twenty(adcP) + twenty(adcT)
                             + [UInt8(truncatingIfNeeded: adcH >> 8), UInt8(truncatingIfNeeded: adcH)],
                             at: Reg.data)
    }

    // MARK: Datasheet double-precision formulas (8.1) and their inverse

    static func rawValues(for environment: Environment, calibration c: Calibration) -> RawValues {
        var adcT = inverse(0...0xFFFFF, target: environment.temperatureCelsius) {
            temperature(adcT: $0, c).celsius
        }
        // A value equal to the "not measured" pattern would be read as skipped; the neighbour is
        // within one LSB of the target.
        if adcT == 0x80000 { adcT += 1 }
        let tFine = temperature(adcT: adcT, c).tFine
        var adcP = inverse(0...0xFFFFF, target: environment.pressurePascal) { pressure(adcP: $0, tFine: tFine, c) }
        if adcP == 0x80000 { adcP += 1 }
        var adcH = inverse(0...0xFFFF, target: environment.humidityPercent) { humidity(adcH: $0, tFine: tFine, c) }
        if adcH == 0x8000 { adcH += 1 }
        return RawValues(adcP: adcP, adcT: adcT, adcH: adcH)
    }

    static func temperature(adcT: Int32, _ c: Calibration) -> (celsius: Double, tFine: Int32) {
        let adc = Double(adcT), t1 = Double(c.digT1)
        let var1 = (adc / 16384.0 - t1 / 1024.0) * Double(c.digT2)
        let d = adc / 131072.0 - t1 / 8192.0
        let var2 = d * d * Double(c.digT3)
        return ((var1 + var2) / 5120.0, Int32(var1 + var2))
    }

    static func pressure(adcP: Int32, tFine: Int32, _ c: Calibration) -> Double {
        var var1 = Double(tFine) / 2.0 - 64000.0
        var var2 = var1 * var1 * Double(c.digP6) / 32768.0
        var2 = var2 + var1 * Double(c.digP5) * 2.0
        var2 = var2 / 4.0 + Double(c.digP4) * 65536.0
        var1 = (Double(c.digP3) * var1 * var1 / 524288.0 + Double(c.digP2) * var1) / 524288.0
        var1 = (1.0 + var1 / 32768.0) * Double(c.digP1)
        if var1 == 0 { return 0 }
        var p = 1048576.0 - Double(adcP)
        p = (p - var2 / 4096.0) * 6250.0 / var1
        var1 = Double(c.digP9) * p * p / 2147483648.0
        var2 = p * Double(c.digP8) / 32768.0
        return p + (var1 + var2 + Double(c.digP7)) / 16.0
    }

    static func humidity(adcH: Int32, tFine: Int32, _ c: Calibration) -> Double {
        var h = Double(tFine) - 76800.0
        h = (Double(adcH) - (Double(c.digH4) * 64.0 + Double(c.digH5) / 16384.0 * h))
            * (Double(c.digH2) / 65536.0 * (1.0 + Double(c.digH6) / 67108864.0 * h
                * (1.0 + Double(c.digH3) / 67108864.0 * h)))
        h = h * (1.0 - Double(c.digH1) * h / 524288.0)
        return min(max(h, 0), 100)
    }

    /// The raw value in `range` whose forward value is closest to `target`, assuming the forward
    /// function is monotone over the range (true for real calibrations: T and H rise with the
    /// ADC value, P falls). Direction is detected from the end points.
    static func inverse(_ range: ClosedRange<Int32>, target: Double, _ forward: (Int32) -> Double) -> Int32 {
        let increasing = forward(range.upperBound) >= forward(range.lowerBound)
        var low = range.lowerBound, high = range.upperBound
        while low < high {
            let mid = low + (high - low) / 2
            let value = forward(mid)
            if increasing ? value >= target : value <= target { high = mid } else { low = mid + 1 }
        }
        if low > range.lowerBound, abs(forward(low - 1) - target) < abs(forward(low) - target) {
            return low - 1
        }
        return low
    }
}
