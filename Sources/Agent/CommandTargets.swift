import Pipeline
import Sampling
import SensorKit
import Synchronization

/// The running sensors a command may reach by id (`probe`, `set_output`): the same instances
/// the sampler uses, replaced whenever the sampler is (start, reload).
final class CommandTargets: Sendable {
    private let sensors = Mutex<[String: LazySensor]>([:])

    /// Takes the sensors of a new set of schedules.
    func replace(with schedules: [SensorSchedule]) {
        var byID: [String: LazySensor] = [:]
        for schedule in schedules {
            if let sensor = schedule.sensor as? LazySensor { byID[sensor.id] = sensor }
        }
        sensors.withLock { $0 = byID }
    }

    /// The sensor with `id`, if one runs.
    func sensor(_ id: String) -> LazySensor? { sensors.withLock { $0[id] } }
}

extension CommandTargets {
    /// Reads `id` once, outside its schedule and without its pipeline: what the chip says now.
    func probe(_ id: String) async -> CommandReply.Outcome {
        guard let sensor = sensor(id) else { return .failed("no sensor \(id) is running") }
        do {
            let readings = try await sensor.measure(at: SystemClock.now())
            var writer = JSONObjectWriter()
            writer.string("sensor", id)
            writer.array("readings", readings) { entry, reading in
                entry.string("quantity", reading.quantity)
                entry.string("unit", reading.unit.rawValue)
                switch reading.value {
                case .number(let value): entry.number("value", value)
                case .boolean(let value): entry.bool("value", value)
                case .text(let value): entry.string("value", value)
                case .bytes(let value): entry.integer("bytes", value.count)
                }
            }
            return .accepted(result: writer.finish())
        } catch {
            return .failed("\(error)")
        }
    }

    /// Drives output `id` to `on`.
    func setOutput(_ id: String, on: Bool) async -> CommandReply.Outcome {
        guard let sensor = sensor(id) else { return .failed("no output \(id) is running") }
        do {
            try await sensor.setOutput(on)
            var writer = JSONObjectWriter()
            writer.string("output", id)
            writer.bool("state", on)
            return .accepted(result: writer.finish())
        } catch {
            return .failed("\(error)")
        }
    }
}
