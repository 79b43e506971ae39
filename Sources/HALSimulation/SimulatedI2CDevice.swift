import HAL
import Synchronization

/// A device model that a ``SimulatedI2CBus`` hosts at an address.
///
/// The bus calls these once per segment of a transaction, in order, while holding its own lock,
/// so a model sees the transaction exactly as the wire would carry it.
public protocol SimulatedI2CDevice: Sendable {
    /// One write segment (the bytes after the address byte).
    /// - Throws: ``HALError`` (e.g. `.dataNACK` for a refused byte).
    func i2cWrite(_ bytes: [UInt8]) throws
    /// One read segment of `count` bytes.
    /// - Throws: ``HALError``.
    func i2cRead(count: Int) throws -> [UInt8]
}

/// Register-level access to a device model, shared by the I2C and SPI framings.
public protocol SimulatedRegisterModel: Sendable {
    /// Reads one register as the bus would, with its side effects (clear-on-read, status).
    func readRegister(_ register: UInt8) -> UInt8
    /// Writes one register as the bus would.
    func writeRegister(_ register: UInt8, value: UInt8)
}

/// A generic register-map device: a ``RegisterFile`` behind an I2C (or SPI) front end.
///
/// Enough for replaying a captured fixture of any chip whose protocol is "register pointer, then
/// auto-increment"; chips with behaviour (conversions, busy bits) get their own model like
/// ``SimulatedBME280``.
public final class SimulatedRegisterDevice: SimulatedI2CDevice, SimulatedRegisterModel {
    private let registers: Mutex<RegisterFile>

    /// Creates a device around a register file.
    public init(registers: RegisterFile = RegisterFile()) {
        self.registers = Mutex(registers)
    }

    /// Creates a device from fixture text (see ``RegisterFixture``).
    /// - Throws: ``HALError`` `.invalidArgument` when the fixture does not parse.
    public convenience init(fixture text: String, writeMode: RegisterFile.WriteMode = .autoIncrement) throws {
        var file = RegisterFile(writeMode: writeMode)
        try file.load(fixture: text)
        self.init(registers: file)
    }

    /// Runs `body` with the register file locked (to inspect or change it from a test).
    public func withRegisters<T>(_ body: (inout RegisterFile) throws -> T) rethrows -> T {
        try registers.withLock { try body(&$0) }
    }

    public func i2cWrite(_ bytes: [UInt8]) throws {
        registers.withLock { _ = $0.busWrite(segment: bytes) }
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        registers.withLock { $0.busRead(count: count) }
    }

    public func readRegister(_ register: UInt8) -> UInt8 {
        registers.withLock {
            $0.pointer = register
            return $0.busRead()
        }
    }

    public func writeRegister(_ register: UInt8, value: UInt8) {
        registers.withLock { $0.busWrite(register, value: value) }
    }
}
