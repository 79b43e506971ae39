import HAL
import Outbox
import Pipeline

/// A configured sensor the sampler can read.
public protocol Sensor: Sendable {
    /// The sensor's id from the configuration.
    var id: String { get }
    /// Checks the chip and reads what is read once (chip id, calibration). Called again after a
    /// failure that may mean the chip was replaced or lost power.
    func prepare() async throws
    /// Takes one measurement and returns its readings stamped with `timestamp`.
    func measure(at timestamp: Timestamp) async throws -> [Reading]
}

/// How one sensor is scheduled.
public struct SensorSchedule: Sendable {
    /// The sensor.
    public var sensor: any Sensor
    /// Time between the starts of two measurements.
    public var interval: Duration
    /// How its readings fare when the outbox is full.
    public var priority: ReadingPriority
    /// A measurement that takes longer than this is a failure (a sensor that takes seconds to
    /// answer must not hold its slot forever).
    public var timeout: Duration
    /// The stages its readings pass before they are stored (validation first).
    public var pipeline: ReadingPipeline
    /// The bus as the logs name it (`i2c-1`, `/dev/spidev0.0`), for journald's `BUS=` field;
    /// nil for a sensor on no bus.
    public var bus: String?

    /// Creates a schedule.
    public init(sensor: any Sensor, interval: Duration, priority: ReadingPriority = .normal,
                timeout: Duration = .seconds(2), pipeline: ReadingPipeline = ReadingPipeline(), bus: String? = nil) {
        self.sensor = sensor
        self.interval = interval
        self.priority = priority
        self.timeout = timeout
        self.pipeline = pipeline
        self.bus = bus
    }
}

/// Whether a sensor is delivering.
public enum SensorHealth: String, Sendable, Hashable {
    /// Not read yet.
    case starting
    /// The last measurement succeeded.
    case healthy
    /// Several measurements in a row failed; the sensor is retried with backoff.
    case unhealthy
}
