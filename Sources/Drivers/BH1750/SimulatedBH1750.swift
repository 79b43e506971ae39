import HAL
import HALSimulation
import Synchronization

/// A behavioural model of a ROHM BH1750FVI for ``SimulatedI2CBus``, answering instructions as
/// the chip does.
///
/// Power down (0x00), power on (0x01), reset (0x07, data register to 0, ignored while powered
/// down), the high-resolution modes (continuous 0x10, one-time 0x20, which powers down after
/// its measurement) and the MTreg instructions (0x40 | MT[7:5], 0x60 | MT[4:0]). Other
/// resolutions are not modelled and refused with a data NACK, as is any write that is not one
/// byte. A read returns the data register, high byte first.
///
/// The count is worked out here from the datasheet (count = lx × 1.2 × MTreg / 69, rounded,
/// saturating at 65535) rather than shared with the driver, so the two cannot share a bug.
///
/// Timing: with a `clock`, a measurement is done ``measurementDuration`` (by default the
/// datasheet maximum, 180 ms × MTreg / 69) after its instruction; until then a read returns the
/// previous result, as the chip does (it has no ready flag). Without a clock it is done at once.
public final class SimulatedBH1750: SimulatedI2CDevice {
    /// A measurement under way: its count, when it is done (`nil`: at once), and whether the
    /// chip powers down after it.
    private struct Pending {
        var count: UInt16
        var readyAt: SimulatedClock.Instant?
        var oneTime: Bool
    }

    private struct State {
        var illuminanceLux = 300.0
        var powered = false
        var mtreg: UInt8 = 69
        var dataRegister: UInt16 = 0
        var pending: Pending?
        var measurementDuration: Duration?
        var neverFinishes = false
        var measurementCount = 0
        var opcodes: [UInt8] = []
    }

    private let state = Mutex(State())
    private let clock: SimulatedClock?

    /// Creates a chip in its power-up state: powered down, MTreg 69, data 0.
    /// - Parameter clock: the virtual time measurements take; `nil` to finish them at once.
    public init(clock: SimulatedClock? = nil) {
        self.clock = clock
    }

    /// The light the next measurement sees, lx.
    public var illuminanceLux: Double {
        get { state.withLock { $0.illuminanceLux } }
        set { state.withLock { $0.illuminanceLux = newValue } }
    }

    /// How long a measurement takes on the model's clock; `nil` for the datasheet maximum.
    public var measurementDuration: Duration? {
        get { state.withLock { $0.measurementDuration } }
        set { state.withLock { $0.measurementDuration = newValue } }
    }

    /// A chip whose measurements never finish: reads keep returning the previous result.
    public var neverFinishes: Bool {
        get { state.withLock { $0.neverFinishes } }
        set { state.withLock { $0.neverFinishes = newValue } }
    }

    /// MTreg as the chip holds it.
    public var mtreg: UInt8 { state.withLock { $0.mtreg } }
    /// Whether the chip is powered on (one-time modes power it down when done).
    public var isPoweredOn: Bool {
        state.withLock { state in
            Self.settle(&state, now: clock?.now)
            return state.powered
        }
    }
    /// Measurement instructions received.
    public var measurementCount: Int { state.withLock { $0.measurementCount } }
    /// Every instruction received, oldest first.
    public var opcodes: [UInt8] { state.withLock { $0.opcodes } }

    /// A power cycle of the chip alone (a loose VCC wire): MTreg back to 69, powered down.
    public func powerCycle() {
        state.withLock { state in
            state.powered = false
            state.mtreg = 69
            state.dataRegister = 0
            state.pending = nil
        }
    }

    public func i2cWrite(_ bytes: [UInt8]) throws {
        let now = clock?.now
        try state.withLock { state in
            guard bytes.count == 1, let opcode = bytes.first else {
                throw HALError(.dataNACK, operation: "simulated bh1750 write",
                               detail: "expected a 1-byte instruction, got \(bytes.count) bytes")
            }
            Self.settle(&state, now: now)
            state.opcodes.append(opcode)
            switch opcode {
            case 0x00:
                state.powered = false
            case 0x01:
                state.powered = true
            case 0x07:
                if state.powered { state.dataRegister = 0 }
            case 0x10, 0x20:
                state.measurementCount += 1
                state.powered = true
                // 1.2 counts per lx at MTreg 69, proportional to MTreg.
                let exact = state.illuminanceLux * 1.2 * Double(state.mtreg) / 69
                let count = exact.isFinite ? UInt16(min(max(exact.rounded(), 0), 65535)) : 0
                // The datasheet maximum: 180 ms at MTreg 69, proportional to MTreg.
                let maximum = Duration.nanoseconds(180_000_000 * Int64(state.mtreg) / 69)
                let readyAt = now.map { $0.advanced(by: state.measurementDuration ?? maximum) }
                state.pending = Pending(count: count, readyAt: readyAt, oneTime: opcode == 0x20)
                Self.settle(&state, now: now)
            case 0x40...0x47:
                state.mtreg = (state.mtreg & 0x1F) | ((opcode & 0x07) << 5)
            case 0x60...0x7F:
                state.mtreg = (state.mtreg & 0xE0) | (opcode & 0x1F)
            default:
                throw HALError(.dataNACK, operation: "simulated bh1750 write",
                               detail: "instruction 0x\(String(opcode, radix: 16)) not modelled")
            }
        }
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        let now = clock?.now
        return state.withLock { state in
            Self.settle(&state, now: now)
            let bytes = [UInt8(state.dataRegister >> 8), UInt8(state.dataRegister & 0xFF)]
            return Array(bytes.prefix(count)) + [UInt8](repeating: 0xFF, count: max(0, count - 2))
        }
    }

    /// Moves a finished measurement into the data register.
    private static func settle(_ state: inout State, now: SimulatedClock.Instant?) {
        guard let pending = state.pending, !state.neverFinishes else { return }
        if let readyAt = pending.readyAt, let now, now < readyAt { return }
        state.dataRegister = pending.count
        state.pending = nil
        if pending.oneTime { state.powered = false }
    }
}
