import HAL
import HALSimulation
import Synchronization

/// What a simulated pointer-register chip holds, below the pointer handling that
/// ``SimulatedWordRegisterChip`` does for it. Each chip's model is a value type conforming to
/// this, restating its datasheet rather than sharing code with its driver.
public protocol WordRegisterModel: Sendable {
    /// How many bytes `register` has on the wire: 2 for a word, 1 for a byte register.
    func width(of register: UInt8) -> Int
    /// A host wrote `value` (a full register's bytes) to `register`, at `now` on the model's
    /// clock (`nil` without one).
    mutating func write(_ register: UInt8, value: UInt16, at now: SimulatedClock.Instant?)
    /// What a read of `register` returns at `now`; `mutating` for clear-on-read flags.
    mutating func read(_ register: UInt8, at now: SimulatedClock.Instant?) -> UInt16
}

/// A chip behind a one-byte register pointer on ``SimulatedI2CBus``: a write's first byte sets
/// the pointer and, when a whole register follows, writes it; a read returns the pointed
/// register in the chip's byte order, and zeros past its end.
public final class SimulatedWordRegisterChip<Model: WordRegisterModel>: SimulatedI2CDevice {
    private struct State {
        var model: Model
        var pointer: UInt8 = 0
        var writes: [[UInt8]] = []
    }

    private let state: Mutex<State>
    private let clock: SimulatedClock?
    private let byteOrder: WordByteOrder

    /// Creates a chip holding `model`.
    /// - Parameter clock: the virtual time conversions take; `nil` to have them ready at once.
    public init(_ model: Model, byteOrder: WordByteOrder = .bigEndian, clock: SimulatedClock? = nil) {
        state = Mutex(State(model: model))
        self.clock = clock
        self.byteOrder = byteOrder
    }

    /// The chip's state now.
    public var model: Model { state.withLock { $0.model } }

    /// Changes the chip's state (the environment it measures, or a fault to play).
    public func update(_ change: (inout Model) -> Void) {
        state.withLock { change(&$0.model) }
    }

    /// Every write received, oldest first.
    public var writes: [[UInt8]] { state.withLock { $0.writes } }

    public func i2cWrite(_ bytes: [UInt8]) throws {
        let now = clock?.now
        state.withLock { state in
            guard let pointer = bytes.first else { return }
            state.writes.append(bytes)
            state.pointer = pointer
            let width = state.model.width(of: pointer)
            guard bytes.count == 1 + width else { return }
            let value = width == 1 ? UInt16(bytes[1]) : byteOrder.word(bytes[1], bytes[2])
            state.model.write(pointer, value: value, at: now)
        }
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        let now = clock?.now
        return state.withLock { state in
            let width = state.model.width(of: state.pointer)
            let value = state.model.read(state.pointer, at: now)
            let bytes = width == 1 ? [UInt8(value & 0xFF)] : byteOrder.bytes(value)
            return Array(bytes.prefix(count)) + [UInt8](repeating: 0x00, count: max(0, count - bytes.count))
        }
    }
}
