import HAL
import HALSimulation
import Synchronization

/// A behavioural model of a Sensirion SHT3x for ``SimulatedI2CBus``, answering commands as the
/// chip does.
///
/// A single-shot command (0x2400, 0x240B, 0x2416) latches the environment as raw words; until
/// the measurement is done the chip refuses the read header (address NACK, datasheet 4.4), then
/// one read hands out T, CRC, RH, CRC. Soft reset (0x30A2), status read (0xF32D) and clear
/// status (0x3041) behave as in 4.9 and 4.11; any other command is refused with a data NACK and
/// sets the status's command-failed bit.
///
/// The CRC and the conversion are written here a second time, from the datasheet, rather than
/// shared with the driver: a model that reused the driver's code would agree with any bug in it.
///
/// Timing: with a `clock`, a measurement is done ``measurementDuration`` (by default the
/// datasheet maximum for its repeatability) after its command; without one it is done at once.
/// Idle, with nothing to hand out, the model acknowledges a read and returns 0xFF (a released
/// SDA): the datasheet only specifies the NACK for a measurement in progress, and this lets a
/// read-probe scan find the chip.
public final class SimulatedSHT3x: SimulatedI2CDevice {
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

    /// A word the chip sends with a CRC, for fault injection.
    public enum Word: Sendable, Hashable {
        /// The temperature word of a measurement.
        case temperature
        /// The humidity word of a measurement.
        case humidity
        /// The status word.
        case status
    }

    private enum Output {
        case nothing
        case measurement(bytes: [UInt8], readyAt: SimulatedClock.Instant?)
        case status([UInt8])
    }

    private struct State {
        var environment = Environment(temperatureCelsius: 21.5, humidityPercent: 45)
        var output = Output.nothing
        // Power-up default (table 17): alert pending and reset detected set.
        var status: UInt16 = 0x8010
        var corruptedWord: Word?
        var neverReady = false
        var measurementDuration: Duration?
        var measurementCount = 0
        var refusedReads = 0
        var commands: [UInt16] = []
    }

    private let state = Mutex(State())
    private let clock: SimulatedClock?

    /// Creates a chip in its power-up state.
    /// - Parameter clock: the virtual time measurements take; `nil` to finish them at once.
    public init(clock: SimulatedClock? = nil) {
        self.clock = clock
    }

    /// What the next measurement latches.
    public var environment: Environment {
        get { state.withLock { $0.environment } }
        set { state.withLock { $0.environment = newValue } }
    }

    /// A word whose CRC the chip sends wrong (inverted) from now on; `nil` for none.
    public var corruptedWord: Word? {
        get { state.withLock { $0.corruptedWord } }
        set { state.withLock { $0.corruptedWord = newValue } }
    }

    /// A chip whose measurements never finish: every read after a command is refused.
    public var neverReady: Bool {
        get { state.withLock { $0.neverReady } }
        set { state.withLock { $0.neverReady = newValue } }
    }

    /// How long a measurement takes on the model's clock; `nil` for the datasheet maximum of
    /// its repeatability (15, 6 or 4 ms): the slowest chip in spec.
    public var measurementDuration: Duration? {
        get { state.withLock { $0.measurementDuration } }
        set { state.withLock { $0.measurementDuration = newValue } }
    }

    /// Measurement commands received.
    public var measurementCount: Int { state.withLock { $0.measurementCount } }
    /// Reads refused because a measurement was still running.
    public var refusedReads: Int { state.withLock { $0.refusedReads } }
    /// Every command received, oldest first.
    public var commands: [UInt16] { state.withLock { $0.commands } }

    public func i2cWrite(_ bytes: [UInt8]) throws {
        try state.withLock { state in
            guard bytes.count == 2 else {
                state.status |= 0x0002
                throw HALError(.dataNACK, operation: "simulated sht3x write",
                               detail: "expected a 2-byte command, got \(bytes.count) bytes")
            }
            let command = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
            state.commands.append(command)
            switch command {
            case 0x2400, 0x240B, 0x2416:
                state.measurementCount += 1
                let maximum: Duration = command == 0x2400 ? .milliseconds(15)
                    : command == 0x240B ? .milliseconds(6) : .milliseconds(4)
                let readyAt = clock.map { $0.now.advanced(by: state.measurementDuration ?? maximum) }
                let t = Self.rawTemperature(state.environment.temperatureCelsius)
                let rh = Self.rawHumidity(state.environment.humidityPercent)
                let bytes = TableCRC8.framed(t, corrupt: state.corruptedWord == .temperature)
                    + TableCRC8.framed(rh, corrupt: state.corruptedWord == .humidity)
                state.output = .measurement(bytes: bytes, readyAt: readyAt)
                state.status &= ~0x0002
            case 0x30A2:
                // Aborts a measurement; the status returns to its power-up value.
                state.output = .nothing
                state.status = 0x8010
            case 0xF32D:
                state.status &= ~0x0002
                state.output = .status(TableCRC8.framed(state.status, corrupt: state.corruptedWord == .status))
            case 0x3041:
                state.status &= ~0x8C13
            default:
                state.status |= 0x0002
                throw HALError(.dataNACK, operation: "simulated sht3x write",
                               detail: "unknown command 0x\(String(command, radix: 16))")
            }
        }
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        try state.withLock { state in
            let bytes: [UInt8]
            switch state.output {
            case .nothing:
                return [UInt8](repeating: 0xFF, count: count)
            case .status(let status):
                bytes = status
            case .measurement(let measured, let readyAt):
                let running = state.neverReady || readyAt.map { ready in clock.map { $0.now < ready } ?? false } ?? false
                if running {
                    state.refusedReads += 1
                    throw HALError(.addressNACK, operation: "simulated sht3x read", detail: "measurement in progress")
                }
                bytes = measured
            }
            state.output = .nothing
            let padding = max(0, count - bytes.count)
            return Array(bytes.prefix(count)) + [UInt8](repeating: 0xFF, count: padding)
        }
    }

    /// S_T for `celsius`: the inverse of T = -45 + 175 · S_T / 65535, rounded, clamped.
    static func rawTemperature(_ celsius: Double) -> UInt16 {
        clampedWord((celsius + 45) * 65535 / 175)
    }

    /// S_RH for `percent`: the inverse of RH = 100 · S_RH / 65535, rounded, clamped.
    static func rawHumidity(_ percent: Double) -> UInt16 {
        clampedWord(percent * 65535 / 100)
    }

    private static func clampedWord(_ value: Double) -> UInt16 {
        guard value.isFinite else { return 0 }
        return UInt16(min(max(value.rounded(), 0), 65535))
    }
}
