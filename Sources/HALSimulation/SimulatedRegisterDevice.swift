import HAL
import Synchronization

/// A generic register-map device: a ``RegisterFile`` behind an I2C (or SPI) front end, with
/// faults that can be pinned to a register (``inject(_:at:times:)``).
///
/// Enough for replaying a captured fixture of any chip whose protocol is "register pointer, then
/// consecutive registers"; chips with behaviour (conversions, busy bits) get their own model like
/// ``SimulatedBME280``.
///
/// The register file's ``RegisterFile/writeMode`` decides what a multi-byte write segment means,
/// and the default is ``RegisterFile/WriteMode/autoIncrement``. That is wrong for a BME280/BMP280
/// on I2C, which takes register/value pairs: there `[0xF2, 0x01, 0xF4, 0x25]` writes 0xF2 and
/// 0xF4, while an auto-increment device writes 0x01, 0xF4, 0x25 into 0xF2, 0xF3, 0xF4. Replay a
/// Bosch capture with `writeMode: .registerValuePairs`.
public final class SimulatedRegisterDevice: SimulatedI2CDevice, SimulatedRegisterModel {
    private struct State {
        var registers: RegisterFile
        var faults: [UInt8: ArmedRegisterFault] = [:]

        /// The fault at `register`, used up by one firing.
        mutating func fire(at register: UInt8) -> RegisterFault? {
            guard var armed = faults[register] else { return nil }
            faults[register] = armed.fire() ? armed : nil
            return armed.fault
        }
    }

    private let state: Mutex<State>

    /// Creates a device around a register file (auto-increment writes unless the file says
    /// otherwise; see the type's discussion).
    public init(registers: RegisterFile = RegisterFile()) {
        state = Mutex(State(registers: registers))
    }

    /// Creates a device from fixture text (see ``RegisterFixture``).
    /// - Parameter writeMode: how write segments are split; `.autoIncrement` by default, use
    ///   `.registerValuePairs` for a BME280/BMP280 capture.
    /// - Throws: ``HALError`` `.invalidArgument` when the fixture does not parse.
    public convenience init(fixture text: String, writeMode: RegisterFile.WriteMode = .autoIncrement) throws {
        var file = RegisterFile(writeMode: writeMode)
        try file.load(fixture: text)
        self.init(registers: file)
    }

    /// Runs `body` with the register file locked (to inspect or change it from a test).
    public func withRegisters<T>(_ body: (inout RegisterFile) throws -> T) rethrows -> T {
        try state.withLock { try body(&$0.registers) }
    }

    // MARK: Faults

    /// Pins `fault` to `register`: it fires on the next `times` bus segments that reach the
    /// register (`nil`: every one until ``clearFaults()``), replacing any fault already there.
    public func inject(_ fault: RegisterFault, at register: UInt8, times: Int? = 1) {
        state.withLock {
            if let times, times <= 0 {
                $0.faults[register] = nil
            } else {
                $0.faults[register] = ArmedRegisterFault(fault: fault, remaining: times)
            }
        }
    }

    /// Removes every pinned fault.
    public func clearFaults() {
        state.withLock { $0.faults = [:] }
    }

    /// The registers with a fault still armed, ascending.
    public var faultedRegisters: [UInt8] { state.withLock { $0.faults.keys.sorted() } }

    // MARK: Bus access

    public func i2cWrite(_ bytes: [UInt8]) throws {
        try state.withLock { state in
            guard let first = bytes.first else { return }
            // Which byte addresses or fills which register, from a dry run on a copy.
            var dryRun = state.registers
            let writes = dryRun.busWrite(segment: bytes)
            var touched: [(register: UInt8, byteIndex: Int)] = [(first, 0)]
            for (index, write) in writes.enumerated() {
                switch state.registers.writeMode {
                case .autoIncrement:
                    touched.append((write.register, 1 + index))
                case .registerValuePairs:
                    // Pair k: register byte at 2k, value at 2k + 1 (pair 0's register is `first`).
                    if index > 0 { touched.append((write.register, 2 * index)) }
                }
            }
            for (register, byteIndex) in touched {
                guard case .fail(let kind)? = state.faults[register]?.fault,
                      case .fail? = state.fire(at: register) else { continue }
                // Bytes before the refused one were taken; the refused one and the rest were not.
                if byteIndex > 0 { state.registers.busWrite(segment: Array(bytes.prefix(byteIndex))) }
                throw HALError(kind, operation: "simulated register write",
                               detail: "injected fault at register 0x\(hexByte(register))")
            }
            state.registers.busWrite(segment: bytes)
        }
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        try state.withLock { state in
            var bytes: [UInt8] = []
            for _ in 0..<max(count, 0) {
                let register = state.registers.pointer
                switch state.fire(at: register) {
                case .fail(let kind)?:
                    throw HALError(kind, operation: "simulated register read",
                                   detail: "injected fault at register 0x\(hexByte(register))")
                case .shortRead?:
                    return bytes
                case .corrupt(let mask)?:
                    bytes.append(state.registers.busRead() ^ mask)
                case nil:
                    bytes.append(state.registers.busRead())
                }
            }
            return bytes
        }
    }

    /// Reads one register for the SPI framing. Only ``RegisterFault/corrupt(xor:)`` applies here:
    /// this protocol cannot fail or cut a frame short (``SimulatedSPIDevice`` injects those).
    public func readRegister(_ register: UInt8) -> UInt8 {
        state.withLock { state in
            state.registers.pointer = register
            if case .corrupt(let mask)? = state.faults[register]?.fault {
                _ = state.fire(at: register)
                return state.registers.busRead() ^ mask
            }
            return state.registers.busRead()
        }
    }

    public func writeRegister(_ register: UInt8, value: UInt8) {
        state.withLock { $0.registers.busWrite(register, value: value) }
    }
}
