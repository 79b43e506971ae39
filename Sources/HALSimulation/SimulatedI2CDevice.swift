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
