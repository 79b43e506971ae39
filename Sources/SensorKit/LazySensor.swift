import HAL
import Pipeline
import Sampling

/// What a chip's driver offers the sampler: a check of the chip (id, calibration, settings) and
/// one measurement as readings. Each driver in `Drivers` conforms in its folder.
public protocol SensorDriver: Sendable {
    /// Checks the chip and reads what is read once; called again after any failure, since the
    /// chip may have been reset or replaced.
    func prepareForSampling() async throws
    /// Takes one measurement and returns its readings stamped with `timestamp`.
    func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading]
}

/// A driver for an output line (a relay) whose state can be set between samples
/// (`set_output`, docs/COMMANDS.md).
public protocol OutputDriver: SensorDriver {
    /// Drives the line to `on` and keeps it there; later samples report it.
    func set(_ on: Bool) async throws
}

/// A configured sensor whose driver is opened on first use, so that a missing bus or a bad
/// setting is a sensor failure (logged, retried with backoff) rather than a reason for the
/// whole agent to stop. Kinds build one in `makeSensor` with a closure that opens their driver.
public actor LazySensor: Sensor {
    public nonisolated let id: String
    private let open: @Sendable () async throws -> any SensorDriver
    private var driver: (any SensorDriver)?

    /// Creates a sensor; `open` runs at the first `prepare` or `measure`, and again after it failed.
    public init(id: String, open: @escaping @Sendable () async throws -> any SensorDriver) {
        self.id = id
        self.open = open
    }

    public func prepare() async throws {
        try await opened().prepareForSampling()
    }

    public func measure(at timestamp: Timestamp) async throws -> [Reading] {
        try await opened().sample(sensorID: id, at: timestamp)
    }

    /// Sets this sensor's output line; throws `unsupported` if its driver is not an output.
    /// Shares the driver the sampler uses, so the next sample reports the new state.
    public func setOutput(_ on: Bool) async throws {
        guard let output = try await opened() as? any OutputDriver else {
            throw HALError(.unsupported, operation: "set output", detail: "sensor \(id) is not an output")
        }
        try await output.set(on)
    }

    private func opened() async throws -> any SensorDriver {
        if let driver { return driver }
        let opened = try await open()
        driver = opened
        return opened
    }
}
