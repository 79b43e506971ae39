import HAL

/// The HC-SR04's arithmetic, from its datasheet ("Ultrasonic Ranging Module HC-SR04",
/// ElecFreaks): a trigger pulse of at least 10 µs starts a burst of eight 40 kHz cycles; the
/// echo line is then high for the sound's round trip, so range = high time × speed of sound / 2.
/// The module measures 2 cm to 4 m; with nothing in range the echo stays high about 38 ms.
public enum HCSR04Echo {
    /// The speed of sound used, m/s (dry air at 20 °C).
    public static let speedOfSound = 343.0
    /// The shortest trigger pulse the datasheet allows.
    public static let triggerPulse = Duration.microseconds(10)
    /// The datasheet's measuring range, m.
    public static let range = 0.02...4.0
    /// How long to wait for the echo to end: the 38 ms no-obstacle echo plus margin.
    public static let timeout = Duration.milliseconds(60)

    /// The distance for an echo that rose and fell at these kernel timestamps (ns), or nil
    /// when the timestamps are not in order.
    public static func distanceMetres(riseNanoseconds: UInt64, fallNanoseconds: UInt64) -> Double? {
        guard fallNanoseconds > riseNanoseconds else { return nil }
        return Double(fallNanoseconds - riseNanoseconds) / 1e9 * speedOfSound / 2
    }

    /// What to make of the echo's edges in arrival order: the first rising edge and the falling
    /// edge after it; nil while the pair is incomplete.
    public static func echoPair(_ edges: [GPIOEdgeEvent]) -> (rise: UInt64, fall: UInt64)? {
        guard let rise = edges.firstIndex(where: { $0.edge == .rising }),
              let fall = edges[rise...].first(where: { $0.edge == .falling }) else { return nil }
        return (edges[rise].timestampNanoseconds, fall.timestampNanoseconds)
    }
}
