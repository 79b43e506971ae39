import HAL
import Pipeline
import SensorKit

/// A relay (or any output line) whose state is reported: the line is requested as an output
/// at `initial` and each sample reports the state it holds; a signed `set_output` command
/// (docs/COMMANDS.md) changes it.
public actor RelayOutput: OutputDriver {
    private let controller: any GPIOController
    private let options: RelayKind.Options
    private let sensorID: String
    private var line: (any GPIOOutput)?
    /// The logical state the line was last set to.
    private var state: Bool

    /// Creates the driver; the line is requested by ``prepareForSampling()``.
    public init(controller: any GPIOController, options: RelayKind.Options, sensorID: String) {
        self.controller = controller
        self.options = options
        self.sensorID = sensorID
        state = options.initial
    }

    /// Requests the line as an output holding the current state (the initial one at start, so a
    /// new request after a failure does not flip the relay).
    public func prepareForSampling() async throws {
        if let line { await line.release() }
        line = nil
        line = try await GPIOLineRequest.output(options.pin, on: controller, sensorID: sensorID,
                                                configuration: GPIOOutputConfiguration(activeLow: options.activeLow,
                                                                                       initialValue: state))
    }

    /// Drives the line; if it is not requested yet (or was lost), requests it holding `on`.
    public func set(_ on: Bool) async throws {
        guard let line else {
            state = on
            try await prepareForSampling()
            return
        }
        try await line.set(on)
        state = on
    }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        guard line != nil else {
            throw HALError(.invalidArgument, operation: "gpio output \(options.pin)", detail: "the line is not requested")
        }
        return [GPIOStateReading.reading(state, sensorID: sensorID, at: timestamp)]
    }
}
