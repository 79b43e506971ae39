import HAL
import HALSimulation

/// A capture of one device (`sensorgw probe dump`), replayed on a simulated board in place of
/// the kind's model (`simulated: { fixture: PATH }` under a sensor). The file format,
/// `sensorgw-fixture/1`, is in docs/FIXTURES.md.
///
/// Two kinds of content, either or both: the register map of a register-pointer chip, and for
/// a command-based chip (SHT3x, SCD4x) the recorded transactions: a command written, the
/// chip's time to answer, the bytes it answered.
public struct DeviceFixture: Sendable, Equatable {
    /// The format line every fixture starts with.
    public static let format = "sensorgw-fixture/1"

    /// One recorded command: what was written, how long the capture waited, what was read.
    public struct Command: Sendable, Equatable {
        /// The bytes written (a command code, with any arguments).
        public var write: [UInt8]
        /// The wait before the read (the datasheet's measurement time).
        public var delay: Duration
        /// The bytes read back; empty for a command that answers nothing.
        public var read: [UInt8]

        /// Creates a command.
        public init(write: [UInt8], delay: Duration = .zero, read: [UInt8] = []) {
            self.write = write
            self.delay = delay
            self.read = read
        }
    }

    /// What was captured, for people (`bme280 on i2c-1 at 0x76`).
    public var source: String?
    /// The bus the capture came from, `i2c` or `spi`, if recorded.
    public var bus: String?
    /// The I2C address, if recorded.
    public var address: I2CAddress?
    /// How a replayed multi-byte write lands in the registers (register/value pairs for a
    /// BME280, see ``RegisterFile/WriteMode``).
    public var writeMode: RegisterFile.WriteMode
    /// The registers read, by number.
    public var registers: [UInt8: UInt8]
    /// The recorded command transactions, in capture order.
    public var commands: [Command]

    /// Creates a fixture.
    public init(source: String? = nil, bus: String? = nil, address: I2CAddress? = nil,
                writeMode: RegisterFile.WriteMode = .autoIncrement, registers: [UInt8: UInt8] = [:],
                commands: [Command] = []) {
        self.source = source
        self.bus = bus
        self.address = address
        self.writeMode = writeMode
        self.registers = registers
        self.commands = commands
    }

    /// The registers as a register file, unrecorded ones 0.
    public var registerFile: RegisterFile {
        var file = RegisterFile(writeMode: writeMode)
        for (register, value) in registers { file[register] = value }
        return file
    }
}
