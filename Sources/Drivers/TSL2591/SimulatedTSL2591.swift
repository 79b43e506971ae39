import HAL
import HALSimulation
import Synchronization

/// A behavioural model of an ams TSL2591 on ``SimulatedI2CBus``.
///
/// A write's first byte is the command byte: without CMD (bit 7) the chip refuses it with a
/// data NACK; the register is bits 4:0 and reads auto-increment. ID reads 0x50; after power-up
/// ENABLE and CONTROL are 0 (asleep, low gain, 100 ms). Once PON and AEN are set, the first
/// integration finishes one integration time later on the model's clock (at once without one):
/// STATUS AVALID is then set and the channels hold the environment's counts, which are given at
/// low gain and 100 ms and scaled here by the datasheet's typical gains and the time, saturating
/// at the MAX COUNT for the time (37888 at 100 ms, else 65535). Before that they read 0.
public final class SimulatedTSL2591: SimulatedI2CDevice {
    private struct State {
        var registers = [UInt8](repeating: 0, count: 32)
        var pointer: UInt8 = 0
        var fullSpectrumAtLowGain100ms = 400.0
        var infraredAtLowGain100ms = 100.0
        var readyAt: SimulatedClock.Instant?
        var integrating = false
    }

    private let state: Mutex<State>
    private let clock: SimulatedClock?

    /// Creates a chip just powered up.
    /// - Parameters:
    ///   - identity: what ID answers (0x50; another value plays a different part).
    ///   - clock: the virtual time integrations take; `nil` to finish them at once.
    public init(identity: UInt8 = 0x50, clock: SimulatedClock? = nil) {
        var initial = State()
        initial.registers[0x12] = identity
        state = Mutex(initial)
        self.clock = clock
    }

    /// The light as the two channels' counts at low gain and 100 ms.
    public var countsAtLowGain100ms: (fullSpectrum: Double, infrared: Double) {
        get { state.withLock { ($0.fullSpectrumAtLowGain100ms, $0.infraredAtLowGain100ms) } }
        set { state.withLock { $0.fullSpectrumAtLowGain100ms = newValue.fullSpectrum; $0.infraredAtLowGain100ms = newValue.infrared } }
    }

    /// Sets the light from an illuminance, with infrared a quarter of the full spectrum: the
    /// lux formula (CPL = 100 ms × 1 / 408) solved for CH0.
    public func setIlluminance(_ lux: Double) {
        let ratio = 0.25
        let full = lux * (100.0 / 408) / ((1 - ratio) * (1 - ratio))
        countsAtLowGain100ms = (full, full * ratio)
    }

    /// A register's value as last written (or its reset value).
    public func register(_ register: UInt8) -> UInt8 { state.withLock { $0.registers[Int(register & 0x1F)] } }

    public func i2cWrite(_ bytes: [UInt8]) throws {
        guard let first = bytes.first else { return }
        guard first & 0x80 != 0 else {
            throw HALError(.dataNACK, operation: "simulated tsl2591 write", detail: "command byte without CMD bit")
        }
        let now = clock?.now
        state.withLock { state in
            state.pointer = first & 0x1F
            for value in bytes.dropFirst() {
                let register = state.pointer
                if register <= 0x01 { state.registers[Int(register)] = value & (register == 0x01 ? 0x37 : 0xD3) }
                if register <= 0x01 { Self.restart(&state, now: now) }
                state.pointer = (state.pointer &+ 1) & 0x1F
            }
        }
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        let now = clock?.now
        return state.withLock { state in
            var valid = state.integrating
            if let now, let readyAt = state.readyAt, now < readyAt { valid = false }
            let data = valid ? Self.channels(state) : [0, 0, 0, 0]
            return (0..<max(count, 0)).map { _ in
                let register = state.pointer
                state.pointer = (state.pointer &+ 1) & 0x1F
                switch register {
                case 0x13: return valid ? 0x01 : 0x00
                case 0x14...0x17: return data[Int(register - 0x14)]
                default: return state.registers[Int(register)]
                }
            }
        }
    }

    /// PON and AEN start an integration with the current CONTROL; anything else stops it.
    private static func restart(_ state: inout State, now: SimulatedClock.Instant?) {
        state.integrating = state.registers[0] & 0x03 == 0x03
        let milliseconds = (Int(state.registers[1] & 0x07) + 1) * 100
        state.readyAt = state.integrating ? now.map { $0.advanced(by: .milliseconds(milliseconds)) } : nil
    }

    private static func channels(_ state: State) -> [UInt8] {
        let gain: Double = [1, 25, 428, 9_876][Int((state.registers[1] >> 4) & 0x3)]
        let steps = Double(Int(state.registers[1] & 0x07) + 1)
        let limit = steps == 1 ? 37_888.0 : 65_535
        func count(_ base: Double) -> [UInt8] {
            let value = UInt16(min((base * gain * steps).rounded(), limit))
            return [UInt8(value & 0xFF), UInt8(value >> 8)]
        }
        return count(state.fullSpectrumAtLowGain100ms) + count(state.infraredAtLowGain100ms)
    }
}
