import Pipeline
import Sampling

/// A load generator: `readingsPerSample` readings per sample, no hardware.
///
/// Soak and fault tests need streams of 100,000 readings; a real sensor sampled every 100 ms
/// would take hours. Values count up so that a subscriber can see order at a glance.
actor SyntheticSensor: Sensor {
    nonisolated let id: String
    private let readingsPerSample: Int
    private var counter = 0

    init(id: String, readingsPerSample: Int) {
        self.id = id
        self.readingsPerSample = max(1, readingsPerSample)
    }

    func prepare() async throws {}

    func measure(at timestamp: Timestamp) async throws -> [Reading] {
        (0..<readingsPerSample).map { _ in
            counter += 1
            return Reading(sensorID: id, quantity: "counter", value: Double(counter),
                           unit: SenMLUnit(rawValue: "count"), timestamp: timestamp)
        }
    }
}
