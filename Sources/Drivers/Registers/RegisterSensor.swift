import HAL
import Pipeline
import SensorKit

/// Runs a ``RegisterSensorDescription``: checks the id, and per sample writes the trigger,
/// waits its delay on the board's clock and reads the values in the plan's blocks.
///
/// Transactions per sample: one for the trigger (if any) plus one per block of
/// ``RegisterReadPlan``.
public struct RegisterSensor: SensorDriver {
    /// What the configuration says of the chip.
    public let description: RegisterSensorDescription
    /// The bus.
    public let transport: RegisterTransport
    /// The reads of one sample.
    public let plan: RegisterReadPlan
    private let clock: any Clock<Duration>

    /// Creates a driver; nothing is sent until ``prepareForSampling()`` or ``sample(sensorID:at:)``.
    public init(description: RegisterSensorDescription, transport: RegisterTransport,
                clock: any Clock<Duration> = ContinuousClock()) {
        self.description = description
        self.transport = transport
        self.plan = RegisterReadPlan(fields: description.fields, autoIncrement: description.autoIncrement)
        self.clock = clock
    }

    private func operation(_ step: String) -> String {
        "\(description.chip ?? "registers") \(transport.location) \(step)"
    }

    /// Reads the id register when the description has one.
    /// - Throws: ``HALError`` `.badData` naming the expected and found id, or the bus's error.
    public func prepareForSampling() async throws {
        guard let identity = description.identity else { return }
        let bytes = try await transport.read(identity.register, count: identity.length)
        guard identity.matches(bytes) else {
            let found = bytes.count == identity.length ? hex(identity.byteOrder.integer(bytes), bytes: identity.length)
                : "\(bytes.count) of \(identity.length) bytes"
            throw HALError(.badData, operation: operation("id check"),
                           detail: "expected \(hex(identity.expected, bytes: identity.length)) at register "
                               + "\(hex(UInt32(identity.register), bytes: 1)), found \(found)")
        }
    }

    /// One sample: the trigger, its delay, then one read per block.
    /// - Throws: ``HALError`` from the bus, `.badData` for a short read; `CancellationError`
    ///   while waiting.
    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        if let trigger = description.trigger {
            try await transport.write(trigger.register, trigger.bytes)
            if trigger.delay > .zero { try await clock.sleep(for: trigger.delay, tolerance: nil) }
        }
        var results: [[UInt8]] = []
        for block in plan.blocks {
            let bytes = try await transport.read(UInt8(block.start), count: block.count)
            guard bytes.count == block.count else {
                throw HALError(.badData, operation: operation("read"),
                               detail: "expected \(block.count) bytes from register \(hex(UInt32(block.start), bytes: 1)), got \(bytes.count)")
            }
            results.append(bytes)
        }
        return try description.fields.map { field in
            guard let bytes = plan.bytes(of: field, in: results) else {
                throw HALError(.other, operation: operation("read"), detail: "no block holds \(field.quantity)")
            }
            return Reading(sensorID: sensorID, quantity: field.quantity, value: field.value(from: bytes),
                           unit: field.unit, timestamp: timestamp)
        }
    }
}

/// `value` as `0x` and two hex digits per byte.
func hex(_ value: UInt32, bytes: Int) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(bytes * 2 - digits.count, 0)) + digits
}
