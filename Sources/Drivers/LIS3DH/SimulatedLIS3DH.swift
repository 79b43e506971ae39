import HAL
import HALSimulation
import Synchronization

/// A behavioural model of a LIS3DH, reachable over I2C (``SimulatedI2CDevice``) and 4-wire SPI
/// (``SPIDevice``, its own framing: RW and MS bits, 6-bit address).
///
/// WHO_AM_I 0x33, CTRL_REG1 0x07 (ODR 0: power-down); everything else resets to 0. Once CTRL_REG1
/// gets an ODR, the output registers hold the environment's acceleration from one output period
/// later on the model's clock (at once without one), encoded with table 4's sensitivity for the
/// mode and full scale, worked out here rather than shared with the driver, left-justified, in
/// the byte order BLE asks for. Before that, and in power-down, they read 0.
public final class SimulatedLIS3DH: SimulatedI2CDevice, SPIDevice {
    private struct State {
        var registers = [UInt8](repeating: 0, count: 128)
        var pointer: UInt8 = 0
        var autoIncrement = false
        var acceleration: [Double] = [0, 0, 9.80665]
        var readyAt: SimulatedClock.Instant?
        var transactionCount = 0
    }

    private let state: Mutex<State>
    private let clock: SimulatedClock?
    /// SPI mode and speed (not checked).
    public let configuration: SPIConfiguration

    /// Creates a chip just powered up.
    /// - Parameters:
    ///   - whoAmI: what WHO_AM_I answers (0x33; another value plays a different part).
    ///   - clock: the virtual time the first sample takes; `nil` for at once.
    public init(whoAmI: UInt8 = 0x33, clock: SimulatedClock? = nil, configuration: SPIConfiguration = SPIConfiguration()) {
        var initial = State()
        initial.registers[0x0F] = whoAmI
        initial.registers[0x20] = 0x07  // CTRL_REG1 reset: power-down, all axes enabled
        state = Mutex(initial)
        self.clock = clock
        self.configuration = configuration
    }

    /// Specific force along x, y, z, m/s² (lying flat: +1 g on z).
    public var acceleration: [Double] {
        get { state.withLock { $0.acceleration } }
        set { state.withLock { $0.acceleration = newValue } }
    }

    /// A register's value as last written (or its reset value).
    public func register(_ register: UInt8) -> UInt8 { state.withLock { $0.registers[Int(register & 0x7F)] } }

    /// SPI transactions seen.
    public var spiTransactionCount: Int { state.withLock { $0.transactionCount } }

    // MARK: I2C (6.1.1): sub-address bit 7 = auto-increment

    public func i2cWrite(_ bytes: [UInt8]) throws {
        let now = clock?.now
        state.withLock { state in
            guard let first = bytes.first else { return }
            state.pointer = first & 0x7F
            state.autoIncrement = first & 0x80 != 0
            for value in bytes.dropFirst() { Self.write(&state, value, now: now) }
        }
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        let now = clock?.now
        return state.withLock { state in (0..<max(count, 0)).map { _ in Self.read(&state, now: now) } }
    }

    // MARK: SPI (6.2): bit 7 RW, bit 6 MS, bits 5:0 address

    public func transaction(_ operations: [SPIOperation]) async throws -> [[UInt8]] {
        let now = clock?.now
        return state.withLock { state in
            state.transactionCount += 1
            var command: UInt8?
            func clock(_ mosi: UInt8) -> UInt8 {
                guard let command else {
                    command = mosi
                    state.pointer = mosi & 0x3F
                    state.autoIncrement = mosi & 0x40 != 0
                    return 0xFF
                }
                if command & 0x80 != 0 { return Self.read(&state, now: now) }
                Self.write(&state, mosi, now: now)
                return 0xFF
            }
            var replies: [[UInt8]] = []
            for operation in operations {
                switch operation {
                case .write(let bytes): for byte in bytes { _ = clock(byte) }
                case .read(let count): replies.append((0..<max(count, 0)).map { _ in clock(0x00) })
                case .transfer(let bytes): replies.append(bytes.map(clock))
                case .delay: break
                }
            }
            return replies
        }
    }

    // MARK: Registers

    private static func write(_ state: inout State, _ value: UInt8, now: SimulatedClock.Instant?) {
        let register = state.pointer
        if register != 0x0F { state.registers[Int(register)] = value }  // WHO_AM_I is read-only
        if register == 0x20 {
            // Table 31: ODR 0 is power-down; otherwise the first sample after one period.
            let hertz = [0, 1, 10, 25, 50, 100, 200, 400, 1_620, value & 0x08 != 0 ? 5_376 : 1_344][min(Int(value >> 4), 9)]
            state.readyAt = hertz == 0 ? nil : now.map { $0.advanced(by: .nanoseconds(1_000_000_000 / Int64(hertz))) }
            if hertz == 0 { state.readyAt = nil }
        }
        if state.autoIncrement { state.pointer = (state.pointer &+ 1) & 0x7F }
    }

    private static func read(_ state: inout State, now: SimulatedClock.Instant?) -> UInt8 {
        let register = state.pointer
        if state.autoIncrement { state.pointer = (state.pointer &+ 1) & 0x7F }
        guard (0x28...0x2D).contains(register) else { return state.registers[Int(register)] }
        return output(state, now: now)[Int(register - 0x28)]
    }

    private static func output(_ state: State, now: SimulatedClock.Instant?) -> [UInt8] {
        let control1 = state.registers[0x20], control4 = state.registers[0x23]
        let powered = control1 >> 4 != 0
        if !powered { return [UInt8](repeating: 0, count: 6) }
        if let now, let readyAt = state.readyAt, now < readyAt { return [UInt8](repeating: 0, count: 6) }
        // Table 4: mg/digit by FS for high resolution; normal ×4, low-power ×16.
        let fullScale = Int((control4 >> 4) & 0x3)
        let highResolutionMg: Double = [1, 2, 4, 12][fullScale]
        let lowPower = control1 & 0x08 != 0, highResolution = control4 & 0x08 != 0
        let (mgPerDigit, bits): (Double, Int) = lowPower ? (highResolutionMg * 16, 8)
            : highResolution ? (highResolutionMg, 12) : (highResolutionMg * 4, 10)
        let limit = Double(1 << (bits - 1))
        let bigEndian = control4 & 0x40 != 0
        return state.acceleration.flatMap { metres -> [UInt8] in
            let digits = max(-limit, min(limit - 1, (metres / 9.80665 * 1000 / mgPerDigit).rounded()))
            let word = UInt16(bitPattern: Int16(digits) << Int16(16 - bits))
            let low = UInt8(word & 0xFF), high = UInt8(word >> 8)
            return bigEndian ? [high, low] : [low, high]
        }
    }
}
