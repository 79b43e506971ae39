import HAL
import HALSimulation
import Synchronization

/// A captured I2C device on the simulated bus: the fixture's registers behind a register
/// pointer, and its recorded commands answered with their recorded bytes.
///
/// A write that equals a recorded command queues that command's answer for the next read;
/// any other write goes to the register map (pointer, then values per the fixture's write
/// mode). Replay answers at once: a driver's waits are its own business.
public final class FixtureI2CDevice: SimulatedI2CDevice {
    private struct State {
        var pending: [UInt8]?
        var nextAnswer: [[UInt8]: Int] = [:]
    }

    /// The fixture replayed.
    public let fixture: DeviceFixture
    /// The registers (a test may inspect what a driver wrote).
    public let registers: SimulatedRegisterDevice
    private let answers: [[UInt8]: [[UInt8]]]
    private let state = Mutex(State())

    /// Creates a replay of `fixture`.
    public init(_ fixture: DeviceFixture) {
        self.fixture = fixture
        registers = SimulatedRegisterDevice(registers: fixture.registerFile)
        var answers: [[UInt8]: [[UInt8]]] = [:]
        for command in fixture.commands { answers[command.write, default: []].append(command.read) }
        self.answers = answers
    }

    public func i2cWrite(_ bytes: [UInt8]) throws {
        if let recorded = answers[bytes] {
            // Several captures of one command are answered in turn, then round again.
            state.withLock { state in
                let index = state.nextAnswer[bytes, default: 0]
                state.nextAnswer[bytes] = (index + 1) % recorded.count
                state.pending = recorded[index]
            }
            return
        }
        state.withLock { $0.pending = nil }
        // A capture of commands only: an unrecorded command is refused, so a driver that
        // sends something the capture never saw fails visibly instead of reading zeros.
        guard !fixture.registers.isEmpty || fixture.commands.isEmpty else {
            throw HALError(.dataNACK, operation: "fixture replay write",
                           detail: "command \(bytes.map { FixtureBytes.hex($0) }.joined(separator: " ")) is not in the fixture")
        }
        try registers.i2cWrite(bytes)
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        let pending: [UInt8]? = state.withLock { state in
            defer { state.pending = nil }
            return state.pending
        }
        guard let pending else { return try registers.i2cRead(count: count) }
        guard !pending.isEmpty else {
            throw HALError(.addressNACK, operation: "fixture replay read", detail: "the recorded command answered nothing")
        }
        return Array(pending.prefix(count)) + [UInt8](repeating: 0xFF, count: max(0, count - pending.count))
    }
}

/// A captured SPI device's registers for ``SimulatedSPIDevice``, whose framing turns a control
/// byte into register `control | 0x80`: a register recorded under that number answers, else
/// the one under `control & 0x7F` (a capture of a chip with a 7-bit register map, 0x00...0x7F).
public final class FixtureSPIModel: SimulatedRegisterModel {
    private let recorded: Set<UInt8>
    private let values: Mutex<RegisterFile>

    /// Creates a replay of `fixture`'s registers.
    public init(_ fixture: DeviceFixture) {
        recorded = Set(fixture.registers.keys)
        values = Mutex(fixture.registerFile)
    }

    private func resolve(_ register: UInt8) -> UInt8 {
        recorded.contains(register) || !recorded.contains(register & 0x7F) ? register : register & 0x7F
    }

    public func readRegister(_ register: UInt8) -> UInt8 {
        let target = resolve(register)
        return values.withLock { file in
            file.pointer = target
            return file.busRead()
        }
    }

    public func writeRegister(_ register: UInt8, value: UInt8) {
        let target = resolve(register)
        values.withLock { $0.busWrite(target, value: value) }
    }
}
