import HAL
import HALSimulation
import Synchronization

/// A behavioural model of an Aosong AHT20 for ``SimulatedI2CBus`` (datasheet 5.3 to 5.5).
///
/// The trigger (0xAC 0x33 0x00) latches the environment as 20-bit signals and sets the busy
/// bit, which clears ``measurementDuration`` later on the model's clock (at once without one).
/// A read returns status, five data bytes and a CRC, whatever its length asks for (a one-byte
/// read is the status alone). Initialization (0xBE 0x08 0x00) sets the calibration bit; soft
/// reset (0xBA) drops a running measurement. Other writes are refused with a data NACK.
///
/// The CRC and the conversion are written here a second time, from the datasheet, rather than
/// shared with the driver: a model that reused the driver's code would agree with any bug in it.
public final class SimulatedAHT20: SimulatedI2CDevice {
    /// Conditions the simulated chip "feels".
    public struct Environment: Sendable, Hashable {
        /// Temperature in °C.
        public var temperatureCelsius: Double
        /// Relative humidity in %.
        public var humidityPercent: Double

        /// Creates an environment.
        public init(temperatureCelsius: Double, humidityPercent: Double) {
            self.temperatureCelsius = temperatureCelsius
            self.humidityPercent = humidityPercent
        }
    }

    private struct State {
        var environment = Environment(temperatureCelsius: 21.5, humidityPercent: 45)
        var calibrated = true
        var data: [UInt8] = [0, 0, 0, 0, 0]
        var readyAt: SimulatedClock.Instant?
        var busy = false
        var neverReady = false
        var corruptCRC = false
        var measurementDuration: Duration = .milliseconds(80)
        var measurementCount = 0
        var busyReads = 0
        var writes: [[UInt8]] = []
    }

    private let state = Mutex(State())
    private let clock: SimulatedClock?

    /// Creates a calibrated chip, idle.
    /// - Parameter clock: the virtual time measurements take; `nil` to finish them at once.
    public init(clock: SimulatedClock? = nil) {
        self.clock = clock
    }

    /// What the next measurement latches.
    public var environment: Environment {
        get { state.withLock { $0.environment } }
        set { state.withLock { $0.environment = newValue } }
    }

    /// Whether the calibration bit (status bit 3) is set; a fresh chip from some batches comes
    /// up without it until initialized.
    public var calibrated: Bool {
        get { state.withLock { $0.calibrated } }
        set { state.withLock { $0.calibrated = newValue } }
    }

    /// A chip that stays busy forever after a trigger.
    public var neverReady: Bool {
        get { state.withLock { $0.neverReady } }
        set { state.withLock { $0.neverReady = newValue } }
    }

    /// Sends an inverted CRC from now on.
    public var corruptCRC: Bool {
        get { state.withLock { $0.corruptCRC } }
        set { state.withLock { $0.corruptCRC = newValue } }
    }

    /// How long a measurement takes on the model's clock (default the datasheet's 80 ms).
    public var measurementDuration: Duration {
        get { state.withLock { $0.measurementDuration } }
        set { state.withLock { $0.measurementDuration = newValue } }
    }

    /// Triggers received.
    public var measurementCount: Int { state.withLock { $0.measurementCount } }
    /// Reads answered with the busy bit set.
    public var busyReads: Int { state.withLock { $0.busyReads } }
    /// Every write received, oldest first.
    public var writes: [[UInt8]] { state.withLock { $0.writes } }

    public func i2cWrite(_ bytes: [UInt8]) throws {
        try state.withLock { state in
            state.writes.append(bytes)
            switch bytes {
            case [0xAC, 0x33, 0x00]:
                state.measurementCount += 1
                state.data = Self.dataBytes(state.environment)
                state.busy = true
                state.readyAt = clock.map { $0.now.advanced(by: state.measurementDuration) }
            case [0xBE, 0x08, 0x00]:
                state.calibrated = true
            case [0xBA]:
                state.busy = false
            default:
                throw HALError(.dataNACK, operation: "simulated aht20 write",
                               detail: "unknown command \(bytes.map { String($0, radix: 16) })")
            }
        }
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        state.withLock { state in
            if state.busy, !state.neverReady {
                let done = state.readyAt.map { ready in clock.map { $0.now >= ready } ?? true } ?? true
                if done { state.busy = false }
            }
            if state.busy { state.busyReads += 1 }
            // Status (table 10): bit 7 busy, bit 3 calibration enabled, bit 4 (reserved) set as
            // real chips report 0x18 idle.
            let status: UInt8 = (state.busy ? 0x80 : 0) | (state.calibrated ? 0x08 : 0) | 0x10
            let frame = [status] + state.data
            let crc = TableCRC8.sensirion(frame)
            let bytes = frame + [state.corruptCRC ? ~crc : crc]
            return Array(bytes.prefix(count)) + [UInt8](repeating: 0xFF, count: max(0, count - bytes.count))
        }
    }

    /// S_RH and S_T for the environment (inverses of 6.1 and 6.2), packed as bytes 1...5.
    static func dataBytes(_ environment: Environment) -> [UInt8] {
        func twenty(_ value: Double) -> UInt32 {
            guard value.isFinite else { return 0 }
            return UInt32(min(max(value.rounded(), 0), 1_048_575))
        }
        let rh = twenty(environment.humidityPercent / 100 * 1_048_576)
        let t = twenty((environment.temperatureCelsius + 50) / 200 * 1_048_576)
        return [UInt8(rh >> 12), UInt8((rh >> 4) & 0xFF), UInt8((rh & 0x0F) << 4) | UInt8(t >> 16),
                UInt8((t >> 8) & 0xFF), UInt8(t & 0xFF)]
    }
}
