import HAL
import HALSimulation
import Synchronization

/// A behavioural model of a Sensirion SHT4x for ``SimulatedI2CBus``, answering one-byte
/// commands as the chip does (datasheet 4.5, table 7).
///
/// A measurement command (0xFD, 0xF6, 0xE0) latches the environment as raw words; until the
/// measurement is done the chip refuses the read header (address NACK), then one read hands out
/// T, CRC, RH, CRC. Soft reset (0x94) drops any pending output; the serial-number command (0x89)
/// queues two words with CRCs. Any other command (the heater commands among them, which this
/// gateway never sends) is refused with a data NACK.
///
/// The CRC and the conversion are written here a second time, from the datasheet, rather than
/// shared with the driver: a model that reused the driver's code would agree with any bug in it.
/// With a `clock`, a measurement is done ``measurementDuration`` (by default the datasheet
/// maximum of its precision) after its command; without one it is done at once.
public final class SimulatedSHT4x: SimulatedI2CDevice {
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
        /// Either word of the serial number.
        case serialNumber
    }

    private enum Output {
        case nothing
        case measurement(bytes: [UInt8], readyAt: SimulatedClock.Instant?)
        case serialNumber([UInt8])
    }

    private struct State {
        var environment = Environment(temperatureCelsius: 21.5, humidityPercent: 45)
        var output = Output.nothing
        var serialNumber: UInt32 = 0x0F1E_2D3C
        var corruptedWord: Word?
        var neverReady = false
        var measurementDuration: Duration?
        var measurementCount = 0
        var refusedReads = 0
        var commands: [UInt8] = []
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

    /// The 32-bit serial number the chip reports.
    public var serialNumber: UInt32 {
        get { state.withLock { $0.serialNumber } }
        set { state.withLock { $0.serialNumber = newValue } }
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
    /// its precision (8.3, 4.5 or 1.7 ms).
    public var measurementDuration: Duration? {
        get { state.withLock { $0.measurementDuration } }
        set { state.withLock { $0.measurementDuration = newValue } }
    }

    /// Measurement commands received.
    public var measurementCount: Int { state.withLock { $0.measurementCount } }
    /// Reads refused because a measurement was still running.
    public var refusedReads: Int { state.withLock { $0.refusedReads } }
    /// Every command received, oldest first.
    public var commands: [UInt8] { state.withLock { $0.commands } }

    public func i2cWrite(_ bytes: [UInt8]) throws {
        try state.withLock { state in
            guard bytes.count == 1, let command = bytes.first else {
                throw HALError(.dataNACK, operation: "simulated sht4x write",
                               detail: "expected a 1-byte command, got \(bytes.count) bytes")
            }
            state.commands.append(command)
            let maximum: Duration
            switch command {
            case 0xFD: maximum = .microseconds(8300)
            case 0xF6: maximum = .microseconds(4500)
            case 0xE0: maximum = .microseconds(1700)
            case 0x94:
                state.output = .nothing
                return
            case 0x89:
                let serial = state.serialNumber
                let corrupt = state.corruptedWord == .serialNumber
                state.output = .serialNumber(TableCRC8.framed(UInt16(serial >> 16), corrupt: corrupt)
                                             + TableCRC8.framed(UInt16(serial & 0xFFFF), corrupt: corrupt))
                return
            default:
                throw HALError(.dataNACK, operation: "simulated sht4x write",
                               detail: "unsupported command 0x\(String(command, radix: 16))")
            }
            state.measurementCount += 1
            let readyAt = clock.map { $0.now.advanced(by: state.measurementDuration ?? maximum) }
            let t = Self.rawTemperature(state.environment.temperatureCelsius)
            let rh = Self.rawHumidity(state.environment.humidityPercent)
            state.output = .measurement(bytes: TableCRC8.framed(t, corrupt: state.corruptedWord == .temperature)
                                            + TableCRC8.framed(rh, corrupt: state.corruptedWord == .humidity),
                                        readyAt: readyAt)
        }
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        try state.withLock { state in
            let bytes: [UInt8]
            switch state.output {
            case .nothing:
                return [UInt8](repeating: 0xFF, count: count)
            case .serialNumber(let serial):
                bytes = serial
            case .measurement(let measured, let readyAt):
                let running = state.neverReady || readyAt.map { ready in clock.map { $0.now < ready } ?? false } ?? false
                if running {
                    state.refusedReads += 1
                    throw HALError(.addressNACK, operation: "simulated sht4x read", detail: "measurement in progress")
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

    /// S_RH for `percent`: the inverse of RH = -6 + 125 · S_RH / 65535, rounded, clamped.
    static func rawHumidity(_ percent: Double) -> UInt16 {
        clampedWord((percent + 6) * 65535 / 125)
    }

    private static func clampedWord(_ value: Double) -> UInt16 {
        guard value.isFinite else { return 0 }
        return UInt16(min(max(value.rounded(), 0), 65535))
    }
}
