import HAL
import HALSimulation
import Synchronization

/// A behavioural model of a Sensirion SCD40/SCD41 for ``SimulatedI2CBus``, answering the
/// commands of datasheet section 3 as the chip does.
///
/// Idle after power-up. The settings and serial-number commands are accepted only while idle
/// (table 9, "during meas.: no") and refused with a data NACK otherwise; an argument word with a
/// wrong CRC is refused the same way. Once started, a measurement becomes ready every period
/// (5 s, or 30 s in low-power mode) on the model's clock; without a clock one is ready at
/// every check. read_measurement with nothing ready leaves nothing to read, and the read is
/// refused (3.5.2: "if no data is available in the buffer, the sensor returns a NACK").
/// After stop_periodic_measurement the chip ignores everything for 500 ms (3.5.3): commands in
/// that window are not acknowledged.
///
/// The CRC and the conversions are written here a second time, from the datasheet, rather than
/// shared with the driver: a model that reused the driver's code would agree with any bug in it.
public final class SimulatedSCD4x: SimulatedI2CDevice {
    /// Conditions the simulated chip "feels".
    public struct Environment: Sendable, Hashable {
        /// CO2 in ppm.
        public var co2PPM: Double
        /// Temperature in °C.
        public var temperatureCelsius: Double
        /// Relative humidity in %.
        public var humidityPercent: Double

        /// Creates an environment.
        public init(co2PPM: Double, temperatureCelsius: Double, humidityPercent: Double) {
            self.co2PPM = co2PPM
            self.temperatureCelsius = temperatureCelsius
            self.humidityPercent = humidityPercent
        }
    }

    /// A word the chip sends with a CRC, for fault injection.
    public enum Word: Sendable, Hashable {
        /// One of the measurement's words.
        case co2, temperature, humidity
        /// The first serial-number word.
        case serial
        /// The data-ready word.
        case dataReady
    }

    private struct State {
        var environment = Environment(co2PPM: 650, temperatureCelsius: 21.5, humidityPercent: 45)
        var measuring: (period: Duration, since: SimulatedClock.Instant?)?
        var consumed = 0
        var busyUntil: SimulatedClock.Instant?
        var output: [UInt8]?
        var corruptedWord: Word?
        var neverReady = false
        var temperatureOffsetWord: UInt16 = 0x05DA   // 4 °C, the factory setting (3.6.1)
        var altitudeWord: UInt16 = 0
        var measurementsRead = 0
        var commands: [UInt16] = []
    }

    private let state = Mutex(State())
    private let clock: SimulatedClock?

    /// The serial number words get_serial_number returns (the datasheet's example, 3.9.2).
    public let serialWords: [UInt16] = [0xF896, 0x9F07, 0x3BBE]

    /// Creates a chip in its power-up state (idle).
    /// - Parameter clock: the virtual time measurements take; `nil` to have one ready at every check.
    public init(clock: SimulatedClock? = nil) {
        self.clock = clock
    }

    /// What the next measurement reports.
    public var environment: Environment {
        get { state.withLock { $0.environment } }
        set { state.withLock { $0.environment = newValue } }
    }

    /// A word whose CRC the chip sends wrong (inverted) from now on; `nil` for none.
    public var corruptedWord: Word? {
        get { state.withLock { $0.corruptedWord } }
        set { state.withLock { $0.corruptedWord = newValue } }
    }

    /// A chip that never finishes a measurement.
    public var neverReady: Bool {
        get { state.withLock { $0.neverReady } }
        set { state.withLock { $0.neverReady = newValue } }
    }

    /// Whether a periodic measurement runs.
    public var isMeasuring: Bool { state.withLock { $0.measuring != nil } }
    /// The last temperature-offset word written.
    public var temperatureOffsetWord: UInt16 { state.withLock { $0.temperatureOffsetWord } }
    /// The last altitude word written.
    public var altitudeWord: UInt16 { state.withLock { $0.altitudeWord } }
    /// Measurements handed out by read_measurement.
    public var measurementsRead: Int { state.withLock { $0.measurementsRead } }
    /// Every command received, oldest first.
    public var commands: [UInt16] { state.withLock { $0.commands } }

    public func i2cWrite(_ bytes: [UInt8]) throws {
        try state.withLock { state in
            let now = clock?.now
            if let busy = state.busyUntil, let now, now < busy {
                throw HALError(.addressNACK, operation: "simulated scd4x write", detail: "stopping (500 ms)")
            }
            guard bytes.count == 2 || bytes.count == 5 else {
                throw HALError(.dataNACK, operation: "simulated scd4x write", detail: "expected 2 or 5 bytes, got \(bytes.count)")
            }
            let command = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
            state.commands.append(command)
            state.output = nil
            var argument: UInt16?
            if bytes.count == 5 {
                guard TableCRC8.sensirion(Array(bytes[2...3])) == bytes[4] else {
                    throw HALError(.dataNACK, operation: "simulated scd4x write", detail: "argument CRC mismatch")
                }
                argument = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
            }
            let idle = state.measuring == nil
            func refuse(_ why: String) -> HALError {
                HALError(.dataNACK, operation: "simulated scd4x write",
                         detail: "command 0x\(String(command, radix: 16)): \(why)")
            }
            switch (command, argument) {
            case (0x21B1, nil), (0x21AC, nil):
                guard idle else { throw refuse("already measuring") }
                state.measuring = (command == 0x21B1 ? .seconds(5) : .seconds(30), now)
                state.consumed = 0
            case (0x3F86, nil):
                state.measuring = nil
                state.busyUntil = now?.advanced(by: .milliseconds(500))
            case (0x3682, nil):
                guard idle else { throw refuse("not in idle mode") }
                state.output = serialWords.enumerated().flatMap { index, word in
                    TableCRC8.framed(word, corrupt: index == 0 && state.corruptedWord == .serial)
                }
            case (0x241D, let value?):
                guard idle else { throw refuse("not in idle mode") }
                state.temperatureOffsetWord = value
            case (0x2427, let value?):
                guard idle else { throw refuse("not in idle mode") }
                state.altitudeWord = value
            case (0xE4B8, nil):
                guard !idle else { throw refuse("not measuring") }
                let ready = Self.ready(state, now: now)
                state.output = TableCRC8.framed(ready ? 0x8006 : 0x8000, corrupt: state.corruptedWord == .dataReady)
            case (0xEC05, nil):
                guard !idle else { throw refuse("not measuring") }
                guard Self.ready(state, now: now) else { return }   // nothing to read: the read is refused
                state.consumed = Self.produced(state, now: now)
                state.measurementsRead += 1
                let environment = state.environment
                state.output = TableCRC8.framed(Self.clamped(environment.co2PPM), corrupt: state.corruptedWord == .co2)
                    + TableCRC8.framed(Self.clamped((environment.temperatureCelsius + 45) * 65535 / 175),
                                       corrupt: state.corruptedWord == .temperature)
                    + TableCRC8.framed(Self.clamped(environment.humidityPercent * 65535 / 100),
                                       corrupt: state.corruptedWord == .humidity)
            default:
                throw refuse("unknown or malformed")
            }
        }
    }

    public func i2cRead(count: Int) throws -> [UInt8] {
        try state.withLock { state in
            if let busy = state.busyUntil, let now = clock?.now, now < busy {
                throw HALError(.addressNACK, operation: "simulated scd4x read", detail: "stopping (500 ms)")
            }
            guard let bytes = state.output else {
                if state.commands.last == 0xEC05 {
                    throw HALError(.addressNACK, operation: "simulated scd4x read", detail: "no measurement in the buffer")
                }
                // Idle with nothing to hand out: a released SDA, so a read-probe scan finds the chip.
                return [UInt8](repeating: 0xFF, count: count)
            }
            state.output = nil
            let padding = max(0, count - bytes.count)
            return Array(bytes.prefix(count)) + [UInt8](repeating: 0xFF, count: padding)
        }
    }

    /// Measurements completed since the start: one per period on the clock; without a clock,
    /// always one more than read.
    private static func produced(_ state: State, now: SimulatedClock.Instant?) -> Int {
        guard let measuring = state.measuring, !state.neverReady else { return state.consumed }
        guard let since = measuring.since, let now else { return state.consumed + 1 }
        return Int(since.duration(to: now) / measuring.period)
    }

    private static func ready(_ state: State, now: SimulatedClock.Instant?) -> Bool {
        produced(state, now: now) > state.consumed
    }

    private static func clamped(_ value: Double) -> UInt16 {
        guard value.isFinite else { return 0 }
        return UInt16(min(max(value.rounded(), 0), 65535))
    }
}
