import Configuration
import HAL

/// Requesting a GPIO sensor's line: the first of its candidate addresses the running kernel
/// has (a header pin's line was named differently by older device trees).
enum GPIOLineRequest {
    /// The consumer name the kernel shows for the line (`gpioinfo`): `sensorgw:<sensor id>`.
    static func consumer(_ sensorID: String) -> String { "sensorgw:\(sensorID)" }

    /// Requests `pin` as an input.
    /// - Throws: ``HAL/HALError``: `noSuchDevice` when no candidate exists, `invalidArgument`
    ///   for a header pin of `board: auto` that was never resolved.
    static func input(_ pin: GPIOPinSetting, on controller: any GPIOController, sensorID: String,
                      configuration: GPIOInputConfiguration) async throws -> any GPIOInput {
        try await onFirstLine(pin) { address in
            try await controller.requestInput(address, consumer: consumer(sensorID), configuration: configuration)
        }
    }

    /// Requests `pin` as an output.
    static func output(_ pin: GPIOPinSetting, on controller: any GPIOController, sensorID: String,
                       configuration: GPIOOutputConfiguration) async throws -> any GPIOOutput {
        try await onFirstLine(pin) { address in
            try await controller.requestOutput(address, consumer: consumer(sensorID), configuration: configuration)
        }
    }

    /// Runs `request` on each candidate until one is not `noSuchDevice`; other errors end it.
    static func onFirstLine<T>(_ pin: GPIOPinSetting,
                               _ request: (GPIOLineAddress) async throws -> T) async throws -> T {
        guard !pin.candidates.isEmpty else {
            throw HALError(.invalidArgument, operation: "gpio request \(pin)",
                           detail: "board: auto was not resolved; the agent resolves header pins at start")
        }
        var last: HALError?
        for address in pin.candidates {
            do {
                return try await request(address)
            } catch let error as HALError where error.kind == .noSuchDevice {
                last = error
            }
        }
        throw last ?? HALError(.noSuchDevice, operation: "gpio request \(pin)")
    }
}
