import HAL
import Pipeline
import SensorKit

/// A digital input (reed switch, PIR, button) read once per sample: its logical level, after
/// the line's bias, active-low inversion and debounce.
public actor GPIOInputSensor: SensorDriver {
    private let controller: any GPIOController
    private let options: GPIOInputLineOptions
    private let sensorID: String
    private var line: (any GPIOInput)?

    /// Creates the driver; the line is requested by ``prepareForSampling()``.
    public init(controller: any GPIOController, options: GPIOInputLineOptions, sensorID: String) {
        self.controller = controller
        self.options = options
        self.sensorID = sensorID
    }

    /// Requests the line (again after a failure: another process may have taken it meanwhile).
    public func prepareForSampling() async throws {
        if let line { await line.release() }
        line = nil
        // Edges are not asked for: a sample reads the level. The kernel (libgpiod 2.x) applies
        // the debounce period to the level it returns, edge detection or not.
        line = try await GPIOLineRequest.input(options.pin, on: controller, sensorID: sensorID,
                                               configuration: options.inputConfiguration(edges: .none))
    }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        guard let line else {
            throw HALError(.invalidArgument, operation: "gpio read \(options.pin)", detail: "the line is not requested")
        }
        return [GPIOStateReading.reading(try await line.read(), sensorID: sensorID, at: timestamp)]
    }
}
