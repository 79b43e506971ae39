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
    /// The value in ``unit``.
    public var value: Double
    /// The SenML unit (RFC 8428 registry), e.g. `Cel`, `Pa`, `%RH`.
    public var unit: SenMLUnit
    /// The time the reading was taken.
    public var timestamp: Timestamp
    /// The per-gateway sequence number; 0 until the outbox assigns one.
    public var sequence: UInt64

    /// Creates a reading.
    public init(sensorID: String, quantity: String, value: Double, unit: SenMLUnit,
                timestamp: Timestamp, sequence: UInt64 = 0) {
        self.sensorID = sensorID
        self.quantity = quantity
        self.value = value
        self.unit = unit
        self.timestamp = timestamp
        self.sequence = sequence
    }
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

    /// Creates a timestamp.
    public init(wallSeconds: Double, monotonicNanoseconds: UInt64, clockSynchronized: Bool) {
        self.wallSeconds = wallSeconds
        self.monotonicNanoseconds = monotonicNanoseconds
        self.clockSynchronized = clockSynchronized
    }
}
