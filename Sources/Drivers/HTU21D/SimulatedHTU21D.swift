import HAL
import HALSimulation
import Synchronization

/// A behavioural model of an HTU21D or a Si7021 for ``SimulatedI2CBus`` (no-hold-master
/// commands only).
///
/// A measurement command latches the environment; until its conversion is done (the
/// datasheet maximum on the model's clock, at once without one) the chip refuses the read
/// header, then one read hands out MSB, LSB (status bits: 0b10 for humidity, 0b00 for
/// temperature) and CRC. 0xFC 0xC9 queues the electronic id (SNB_3 0x15 on a Si7021, 0x32 on
/// the HTU21D model); 0xE0 answers the temperature of the last humidity measurement on a
/// Si7021 and is refused (data NACK) on an HTU21D, as are unknown commands.
///
/// CRC and conversions are restated from the datasheets here rather than shared with the
/// driver, so a bug in one does not hide in the other.
public final class SimulatedHTU21D: SimulatedI2CDevice {
    /// Which chip the model plays.
    public enum Variant: Sendable, Hashable {
        /// TE HTU21D: 16 ms humidity, 50 ms temperature, no 0xE0.
        case htu21d
        /// Silicon Labs Si7021: 22.8 ms humidity (with temperature), 10.8 ms temperature.
        case si7021
    }

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
        var output: [UInt8] = []
        var readyAt: SimulatedClock.Instant?
        var lastHumidityTemperature: UInt16 = 0
        var corruptCRC = false
        var neverReady = false
        var commands: [UInt8] = []
        var refusedReads = 0
    }

    /// The chip played.
    public let variant: Variant
    private let state = Mutex(State())
    private let clock: SimulatedClock?

    /// Creates a chip.
    /// - Parameter clock: the virtual time conversions take; `nil` to finish them at once.
    public init(variant: Variant, clock: SimulatedClock? = nil) {
        self.variant = variant
        self.clock = clock
    }

    /// What the next measurement latches.
    public var environment: Environment {
        get { state.withLock { $0.environment } }
        set { state.withLock { $0.environment = newValue } }
    }

    /// Sends inverted CRCs from now on.
    public var corruptCRC: Bool {
        get { state.withLock { $0.corruptCRC } }
        set { state.withLock { $0.corruptCRC = newValue } }
    }

    /// A chip whose conversions never finish.
    public var neverReady: Bool {
        get { state.withLock { $0.neverReady } }
        set { state.withLock { $0.neverReady = newValue } }
    }

    /// Every command byte received (first bytes of writes), oldest first.
    public var commands: [UInt8] { state.withLock { $0.commands } }
    /// Reads refused because a conversion was running.
    public var refusedReads: Int { state.withLock { $0.refusedReads } }

    public func i2cWrite(_ bytes: [UInt8]) throws {
        try state.withLock { state in
            guard let command = bytes.first else { return }
            state.commands.append(command)
            let si = variant == .si7021
            switch bytes {
            case [0xF5]:
                let rh = Self.humidityWord(state.environment.humidityPercent)
                state.lastHumidityTemperature = Self.temperatureWord(state.environment.temperatureCelsius)
                state.output = Self.framed(rh, corrupt: state.corruptCRC)
                state.readyAt = clock.map { $0.now.advanced(by: si ? .microseconds(22_800) : .milliseconds(16)) }
            case [0xF3]:
                state.output = Self.framed(Self.temperatureWord(state.environment.temperatureCelsius),
                                           corrupt: state.corruptCRC)
                state.readyAt = clock.map { $0.now.advanced(by: si ? .microseconds(10_800) : .milliseconds(50)) }
            case [0xE0] where si:
                let word = state.lastHumidityTemperature
                state.output = [UInt8(word >> 8), UInt8(word & 0xFF)]
                state.readyAt = nil
            case [0xFE]:
                state.output = []
                state.readyAt = nil
            case [0xFC, 0xC9]:
                let id: [UInt8] = si ? [0x15, 0xFF] : [0x32, 0x15]
                let crc = Self.crc(id)
                state.output = id + [state.corruptCRC ? ~crc : crc, 0x00, 0x00, Self.crc([0x00, 0x00])]
                state.readyAt = nil
            default:
                throw HALError(.dataNACK, operation: "simulated \(si ? "si7021" : "htu21d") write",
                               detail: "unsupported command \(bytes.map { String($0, radix: 16) })")
            }
        }
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        try state.withLock { state in
            if state.neverReady || (state.readyAt.map { ready in clock.map { $0.now < ready } ?? false } ?? false) {
                state.refusedReads += 1
                throw HALError(.addressNACK, operation: "simulated htu21d read", detail: "conversion in progress")
            }
            let bytes = state.output
            state.output = []
            return Array(bytes.prefix(count)) + [UInt8](repeating: 0xFF, count: max(0, count - bytes.count))
        }
    }

    /// S_RH for `percent` (inverse of -6 + 125 · S / 2^16), status bits 0b10.
    static func humidityWord(_ percent: Double) -> UInt16 {
        (word((percent + 6) / 125 * 65536) & 0xFFFC) | 0x0002
    }

    /// S_T for `celsius` (inverse of -46.85 + 175.72 · S / 2^16), status bits 0b00.
    static func temperatureWord(_ celsius: Double) -> UInt16 {
        word((celsius + 46.85) / 175.72 * 65536) & 0xFFFC
    }

    private static func word(_ value: Double) -> UInt16 {
        guard value.isFinite else { return 0 }
        // Rounded to the nearest multiple of 4, the resolution left by the status bits.
        return UInt16(min(max((value / 4).rounded() * 4, 0), 65532))
    }

    private static func framed(_ word: UInt16, corrupt: Bool) -> [UInt8] {
        let bytes = [UInt8(word >> 8), UInt8(word & 0xFF)]
        let crc = crc(bytes)
        return bytes + [corrupt ? ~crc : crc]
    }

    /// CRC-8, x^8 + x^5 + x^4 + 1 from 0x00, bit by bit on a 16-bit register as the HTU21D
    /// datasheet describes it (divisor 0x988000 shifted), unlike the driver's byte-wise loop.
    private static func crc(_ bytes: [UInt8]) -> UInt8 {
        var remainder = UInt32(0)
        for byte in bytes { remainder = remainder << 8 | UInt32(byte) }
        let bits = bytes.count * 8
        remainder <<= 8
        var divisor = UInt32(0x131) << UInt32(bits - 1)
        for bit in stride(from: bits + 7, through: 8, by: -1) {
            if remainder & (1 << UInt32(bit)) != 0 { remainder ^= divisor }
            divisor >>= 1
        }
        return UInt8(remainder & 0xFF)
    }
}
