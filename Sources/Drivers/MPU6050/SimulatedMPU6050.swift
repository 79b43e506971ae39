import HAL
import HALSimulation
import Synchronization

/// A behavioural model of an MPU-6050 on ``SimulatedI2CBus``: byte registers behind an
/// auto-incrementing pointer (reads and writes), WHO_AM_I 0x68, PWR_MGMT_1 0x40 (asleep) after
/// power-up.
///
/// While asleep, and until 30 ms after waking on the model's clock, the data registers read 0
/// (the power-up value). Then they hold the environment encoded with the register map's
/// sensitivities for the configured ranges, worked out here from the tables rather than shared
/// with the driver, rounded and clamped to 16 bits.
public final class SimulatedMPU6050: SimulatedI2CDevice {
    /// What the chip is exposed to.
    public struct Environment: Sendable, Hashable {
        /// Specific force along x, y, z, m/s² (lying flat: +1 g on z, PS 7.8).
        public var acceleration: [Double] = [0, 0, 9.80665]
        /// Rotation about x, y, z, rad/s.
        public var angularVelocity: [Double] = [0, 0, 0]
        /// Die temperature, °C.
        public var temperatureCelsius = 25.0

        /// Creates an environment.
        public init(acceleration: [Double] = [0, 0, 9.80665], angularVelocity: [Double] = [0, 0, 0],
                    temperatureCelsius: Double = 25) {
            self.acceleration = acceleration
            self.angularVelocity = angularVelocity
            self.temperatureCelsius = temperatureCelsius
        }
    }

    private struct State {
        var registers = [UInt8](repeating: 0, count: 256)
        var pointer: UInt8 = 0
        var environment = Environment()
        var awakeSince: SimulatedClock.Instant?
        var awake = false
    }

    private let state: Mutex<State>
    private let clock: SimulatedClock?

    /// Creates a chip just powered up.
    /// - Parameters:
    ///   - whoAmI: what WHO_AM_I answers (0x68; another value plays a different part).
    ///   - clock: the virtual time start-up takes; `nil` to have data at once after waking.
    public init(whoAmI: UInt8 = 0x68, clock: SimulatedClock? = nil) {
        var initial = State()
        initial.registers[0x75] = whoAmI
        initial.registers[0x6B] = 0x40
        state = Mutex(initial)
        self.clock = clock
    }

    /// The environment now.
    public var environment: Environment {
        get { state.withLock { $0.environment } }
        set { state.withLock { $0.environment = newValue } }
    }

    /// A register's value as last written (or its reset value).
    public func register(_ register: UInt8) -> UInt8 { state.withLock { $0.registers[Int(register)] } }

    public func i2cWrite(_ bytes: [UInt8]) throws {
        let now = clock?.now
        state.withLock { state in
            guard let first = bytes.first else { return }
            state.pointer = first
            for value in bytes.dropFirst() {
                state.registers[Int(state.pointer)] = value
                if state.pointer == 0x6B {
                    let wasAwake = state.awake
                    state.awake = value & 0x40 == 0
                    if state.awake && !wasAwake { state.awakeSince = now }
                }
                state.pointer &+= 1
            }
        }
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        let now = clock?.now
        return state.withLock { state in
            let data = Self.dataBlock(state, now: now)
            return (0..<max(count, 0)).map { _ in
                let register = state.pointer
                state.pointer &+= 1
                if (0x3B...0x48).contains(register) { return data[Int(register - 0x3B)] }
                return state.registers[Int(register)]
            }
        }
    }

    /// The 14 data bytes as the chip would hold them now.
    private static func dataBlock(_ state: State, now: SimulatedClock.Instant?) -> [UInt8] {
        guard state.awake else { return [UInt8](repeating: 0, count: 14) }
        if let now, let since = state.awakeSince, now < since.advanced(by: .milliseconds(30)) {
            return [UInt8](repeating: 0, count: 14)
        }
        // RM 4.5 / 4.4: AFS_SEL and FS_SEL in bits 4:3.
        let accelLSB: Double = [16_384, 8_192, 4_096, 2_048][Int((state.registers[0x1C] >> 3) & 0x3)]
        let gyroLSB: Double = [131, 65.5, 32.8, 16.4][Int((state.registers[0x1B] >> 3) & 0x3)]
        let environment = state.environment
        let words = environment.acceleration.map { $0 / 9.80665 * accelLSB }
            + [(environment.temperatureCelsius - 36.53) * 340]
            + environment.angularVelocity.map { $0 * 180 / Double.pi * gyroLSB }
        return words.flatMap { value -> [UInt8] in
            let count = Int16(max(-32_768, min(32_767, value.rounded())))
            let bits = UInt16(bitPattern: count)
            return [UInt8(bits >> 8), UInt8(bits & 0xFF)]
        }
    }
}
