import HAL
import HALSimulation
import Synchronization

/// A behavioural model of a Bosch BMP280 for ``SimulatedI2CBus`` and ``SimulatedSPIDevice``.
///
/// The BMP280 is the BME280 without its humidity block, so the model is ``SimulatedBME280``
/// (with its own double-precision formulas, independent of the driver's integer ones) seen
/// through the BMP280's register map: 0xD0 answers ``chipID`` (0x58), and the BME280-only
/// registers (ctrl_hum 0xF2, humidity calibration 0xE1...0xE7, humidity data 0xFD/0xFE) do not
/// exist: writes to them are ignored and reads give 0x00.
public final class SimulatedBMP280: SimulatedI2CDevice, SimulatedRegisterModel {
    /// Conditions the simulated chip "feels".
    public struct Environment: Sendable, Hashable {
        /// Temperature in °C.
        public var temperatureCelsius: Double
        /// Pressure in Pa.
        public var pressurePascal: Double

        /// Creates an environment.
        public init(temperatureCelsius: Double, pressurePascal: Double) {
            self.temperatureCelsius = temperatureCelsius
            self.pressurePascal = pressurePascal
        }
    }

    /// The BME280 model this chip runs on: its test controls (`statusReadsWhileMeasuring`,
    /// `neverFinishes`, `measurementCount`, `statusReadCount`, `withRegisters`) apply as they are.
    public let core: SimulatedBME280
    /// What 0xD0 answers; 0x58 for a production chip, 0x56/0x57 for engineering samples.
    public let chipID: UInt8

    private let pointer = Mutex<UInt8>(0)

    /// Creates a chip in its power-on state.
    /// - Parameters:
    ///   - calibration: the trimming image; only its T and P coefficients are visible.
    ///   - environment: initial conditions (21.5 °C, 101325 Pa).
    public init(calibration: SimulatedBME280.Calibration = .datasheetExample,
                environment: Environment = Environment(temperatureCelsius: 21.5, pressurePascal: 101_325),
                chipID: UInt8 = 0x58) {
        core = SimulatedBME280(calibration: calibration,
                               environment: .init(temperatureCelsius: environment.temperatureCelsius,
                                                  pressurePascal: environment.pressurePascal, humidityPercent: 0))
        self.chipID = chipID
    }

    /// The conditions the next measurement will report.
    public var environment: Environment {
        get {
            let inner = core.environment
            return Environment(temperatureCelsius: inner.temperatureCelsius, pressurePascal: inner.pressurePascal)
        }
        set {
            core.environment = .init(temperatureCelsius: newValue.temperatureCelsius,
                                     pressurePascal: newValue.pressurePascal, humidityPercent: 0)
        }
    }

    // Register numbers restated from BST-BMP280-DS001 table 18.
    private static func absent(_ register: UInt8) -> Bool {
        register == 0xF2 || (0xE1...0xE7).contains(register) || register == 0xFD || register == 0xFE
    }

    public func readRegister(_ register: UInt8) -> UInt8 {
        if register == 0xD0 { return chipID }
        if Self.absent(register) { return 0x00 }
        return core.readRegister(register)
    }

    public func writeRegister(_ register: UInt8, value: UInt8) {
        if Self.absent(register) { return }
        core.writeRegister(register, value: value)
    }

    /// A write segment is a register address followed by data, then further register/data
    /// pairs (datasheet 5.2.1); a lone address sets the read pointer.
    public func i2cWrite(_ bytes: [UInt8]) throws {
        guard let first = bytes.first else { return }
        pointer.withLock { $0 = first }
        var register = first
        var index = 1
        while index < bytes.count {
            writeRegister(register, value: bytes[index])
            index += 1
            if index < bytes.count {
                register = bytes[index]
                pointer.withLock { $0 = register }
                index += 1
            }
        }
    }

    /// Reads consecutive registers from the pointer, auto-incrementing (5.2.2).
    public func i2cRead(count: Int) throws -> [UInt8] {
        (0..<max(count, 0)).map { _ in
            let register = pointer.withLock { pointer in
                defer { pointer &+= 1 }
                return pointer
            }
            return readRegister(register)
        }
    }
}
