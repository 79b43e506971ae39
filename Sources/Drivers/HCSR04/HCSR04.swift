import HAL
import Pipeline
import SensorKit

/// An HC-SR04 ultrasonic ranger on two GPIO lines: each sample pulses the trigger and times the
/// echo from the kernel's edge timestamps, so the scheduler's latency does not enter the range.
public actor HCSR04: SensorDriver {
    private let controller: any GPIOController
    private let options: HCSR04Kind.Options
    private let sensorID: String
    private let clock: any Clock<Duration>
    private var trigger: (any GPIOOutput)?
    private var echo: (any GPIOInput)?

    /// Creates the driver; the lines are requested by ``prepareForSampling()``.
    public init(controller: any GPIOController, options: HCSR04Kind.Options, sensorID: String,
                clock: any Clock<Duration>) {
        self.controller = controller
        self.options = options
        self.sensorID = sensorID
        self.clock = clock
    }

    /// Requests the trigger low and the echo with both edges.
    public func prepareForSampling() async throws {
        await release()
        trigger = try await GPIOLineRequest.output(options.trigger, on: controller, sensorID: sensorID,
                                                   configuration: GPIOOutputConfiguration(initialValue: false))
        echo = try await GPIOLineRequest.input(options.echo, on: controller, sensorID: sensorID,
                                               configuration: GPIOInputConfiguration(edges: .both))
    }

    /// One ranging: trigger pulse, then the echo's rise and fall within ``HCSR04Echo/timeout``.
    /// - Throws: ``HAL/HALError`` `timeout` when the echo does not come back in time (a
    ///   disconnected module), `badData` for an echo outside the datasheet's range.
    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        guard let trigger, let echo else {
            throw HALError(.invalidArgument, operation: "hcsr04 \(sensorID)", detail: "the lines are not requested")
        }
        // Subscribed before the pulse, so the echo's rising edge cannot come before we listen.
        let edges = echo.edges()
        try await trigger.set(true)
        try await clock.sleep(for: HCSR04Echo.triggerPulse, tolerance: nil)
        try await trigger.set(false)
        let pair = try await Self.echo(from: edges, clock: clock, timeout: HCSR04Echo.timeout)
        guard let pair, let distance = HCSR04Echo.distanceMetres(riseNanoseconds: pair.rise, fallNanoseconds: pair.fall) else {
            throw HALError(.timeout, operation: "hcsr04 echo \(options.echo)",
                           detail: "no complete echo within \(HCSR04Echo.timeout); check the wiring and the 5 V supply")
        }
        guard HCSR04Echo.range.contains(distance) else {
            throw HALError(.badData, operation: "hcsr04 echo \(options.echo)",
                           detail: "echo of \(distance) m is outside the module's 0.02...4 m (nothing in range?)")
        }
        return [Reading(sensorID: sensorID, quantity: HCSR04Kind.quantity, value: distance, unit: HCSR04Kind.unit,
                        timestamp: timestamp)]
    }

    /// The first rise and the fall after it, or nil when `timeout` passed first.
    private static func echo(from edges: AsyncThrowingStream<GPIOEdgeEvent, any Error>, clock: any Clock<Duration>,
                             timeout: Duration) async throws -> (rise: UInt64, fall: UInt64)? {
        try await withThrowingTaskGroup(of: (rise: UInt64, fall: UInt64)?.self) { group in
            group.addTask {
                var seen: [GPIOEdgeEvent] = []
                for try await event in edges {
                    seen.append(event)
                    if let pair = HCSR04Echo.echoPair(seen) { return pair }
                }
                return nil
            }
            group.addTask {
                try await clock.sleep(for: timeout, tolerance: nil)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private func release() async {
        await trigger?.release()
        await echo?.release()
        trigger = nil
        echo = nil
    }
}
