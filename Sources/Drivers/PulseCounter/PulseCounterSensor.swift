import Configuration
import HAL
import Pipeline
import SensorKit

/// A pulse counter (rain gauge, anemometer, flow meter): counts the line's edges from the
/// kernel's edge stream as they come, and each sample reports the scaled total and rate.
public actor PulseCounterSensor: SensorDriver {
    private let controller: any GPIOController
    private let options: PulseCounterKind.Options
    private let sensorID: String
    private var line: (any GPIOInput)?
    private var consumer: Task<Void, Never>?
    private var tally = PulseTally()
    /// Why the edge stream ended, reported by the next sample (and the line requested again).
    private var failure: (any Error)?
    /// Which request the running consumer serves, so a stream of an earlier request that ends
    /// late is not taken for a failure of the current one.
    private var generation: UInt64 = 0
    /// Edge events taken from the stream so far (tests wait on it).
    private(set) var eventsRecorded: UInt64 = 0

    /// Creates the driver; the line is requested by ``prepareForSampling()``.
    public init(controller: any GPIOController, options: PulseCounterKind.Options, sensorID: String) {
        self.controller = controller
        self.options = options
        self.sensorID = sensorID
    }

    /// Requests the line with edge detection and starts taking its edges; the total survives a
    /// new request after a failure (pulses during the gap are lost, as they would be to the
    /// kernel).
    public func prepareForSampling() async throws {
        await stop()
        failure = nil
        let line = try await GPIOLineRequest.input(options.line.pin, on: controller, sensorID: sensorID,
                                                   configuration: options.line.inputConfiguration(edges: options.edges))
        self.line = line
        // Subscribed before the task runs, so no edge between the request and the task is missed.
        let events = line.edges()
        generation += 1
        let current = generation
        let written = options.line.pin.written
        consumer = Task { [weak self] in
            do {
                for try await event in events { await self?.record(event, generation: current) }
                await self?.ended(HALError(.noSuchDevice, operation: "gpio edges \(written)", detail: "the edge stream ended"),
                                  generation: current)
            } catch {
                await self?.ended(error, generation: current)
            }
        }
    }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        if let failure { throw failure }
        guard line != nil else {
            throw HALError(.invalidArgument, operation: "gpio edges \(options.line.pin)", detail: "the line is not requested")
        }
        let rate = tally.closeWindow()
        var readings = [Reading(sensorID: sensorID, quantity: PulseCounterKind.countQuantity,
                                value: Double(tally.total) * options.scale, unit: options.unit, timestamp: timestamp)]
        if let rate, let rateUnit = options.rateUnit {
            readings.append(Reading(sensorID: sensorID, quantity: PulseCounterKind.rateQuantity,
                                    value: rate * options.scale, unit: rateUnit, timestamp: timestamp))
        }
        return readings
    }

    private func record(_ event: GPIOEdgeEvent, generation: UInt64) {
        guard generation == self.generation else { return }
        tally.record(event)
        eventsRecorded += 1
    }

    private func ended(_ error: any Error, generation: UInt64) {
        // A release by `stop()` finishes the stream too; that is not a failure.
        guard generation == self.generation, line != nil else { return }
        failure = error
    }

    private func stop() async {
        generation += 1
        consumer?.cancel()
        let old = line
        line = nil
        await old?.release()
        consumer = nil
    }
}
