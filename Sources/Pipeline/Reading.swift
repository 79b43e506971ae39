/// One normalized measurement of one quantity by one sensor.
///
/// A reading becomes durable in the outbox before it is sent; the outbox gives it its
/// per-gateway ``sequence`` number, which travels with it to the broker so that the upstream can
/// drop duplicates after a crash or reconnect.
public struct Reading: Sendable, Hashable {
    /// The sensor's id from the configuration, e.g. `air`.
    public var sensorID: String
    /// The measured quantity, e.g. `temperature`.
    public var quantity: String
    /// The value in ``unit`` (a number for almost every sensor).
    public var value: ReadingValue
    /// The SenML unit (RFC 8428 registry), e.g. `Cel`, `Pa`, `%RH`.
    public var unit: SenMLUnit
    /// The time the reading was taken.
    public var timestamp: Timestamp
    /// The per-gateway sequence number; 0 until the outbox assigns one.
    public var sequence: UInt64

    /// Creates a reading of any kind of value.
    public init(sensorID: String, quantity: String, value: ReadingValue, unit: SenMLUnit,
                timestamp: Timestamp, sequence: UInt64 = 0) {
        self.sensorID = sensorID
        self.quantity = quantity
        self.value = value
        self.unit = unit
        self.timestamp = timestamp
        self.sequence = sequence
    }

    /// Creates a numeric reading, what nearly every driver makes.
    public init(sensorID: String, quantity: String, value: Double, unit: SenMLUnit,
                timestamp: Timestamp, sequence: UInt64 = 0) {
        self.init(sensorID: sensorID, quantity: quantity, value: .number(value), unit: unit,
                  timestamp: timestamp, sequence: sequence)
    }

    /// The numeric value, or nil when the reading carries a boolean, text or bytes.
    public var number: Double? { value.number }
}

/// A SenML unit symbol from the RFC 8428 registry.
public struct SenMLUnit: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The registered symbol.
    public var rawValue: String
    /// Wraps a symbol.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Degrees Celsius.
    public static let celsius = SenMLUnit(rawValue: "Cel")
    /// Pascal.
    public static let pascal = SenMLUnit(rawValue: "Pa")
    /// Relative humidity in percent.
    public static let relativeHumidity = SenMLUnit(rawValue: "%RH")

    public var description: String { rawValue }
}

/// When a reading was taken, on both clocks a board has.
///
/// A board without a battery-backed clock boots with a wrong wall clock until NTP syncs it, so
/// the wall time alone cannot be trusted: the monotonic time and the sync flag travel with it.
public struct Timestamp: Sendable, Hashable {
    /// Seconds since the Unix epoch by the wall clock (CLOCK_REALTIME).
    public var wallSeconds: Double
    /// Nanoseconds since boot by CLOCK_MONOTONIC.
    public var monotonicNanoseconds: UInt64
    /// Whether the kernel said the wall clock was synchronized when the reading was taken.
    public var clockSynchronized: Bool
    /// For a reading taken before the clock synced: its wall time re-based once the clock synced
    /// in the same boot (sync offset + ``monotonicNanoseconds``, see ``ClockRebase``). Computed
    /// once and stored beside ``wallSeconds``, which is never rewritten; nil until then, and
    /// forever for a reading whose boot ended before the clock synced.
    public var rebasedWallSeconds: Double?
    /// The boot the monotonic time counts from (`/proc/sys/kernel/random/boot_id`), kept for a
    /// reading taken before the clock synced: its wall time is known only relative to that boot.
    /// The outbox fills it in when it reads such a reading back; nil otherwise.
    public var bootID: String?

    /// Creates a timestamp.
    public init(wallSeconds: Double, monotonicNanoseconds: UInt64, clockSynchronized: Bool,
                rebasedWallSeconds: Double? = nil, bootID: String? = nil) {
        self.wallSeconds = wallSeconds
        self.monotonicNanoseconds = monotonicNanoseconds
        self.clockSynchronized = clockSynchronized
        self.rebasedWallSeconds = rebasedWallSeconds
        self.bootID = bootID
    }
}
