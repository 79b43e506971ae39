import Configuration
import HAL
import Pipeline
import Sampling
import SensorKit

/// A configured SHT3x, opened lazily so that a missing bus is a sensor failure (logged,
/// retried) rather than a reason for the whole agent to stop.
actor SHT3xSensor: Sensor {
    nonisolated let id: String
    private let configuration: GatewayConfiguration.SensorConfiguration
    private let board: any Board
    private let clock: any Clock<Duration>
    private var driver: SHT3x?

    init(configuration: GatewayConfiguration.SensorConfiguration, board: any Board,
         clock: any Clock<Duration> = ContinuousClock()) {
        id = configuration.id
        self.configuration = configuration
        self.board = board
        self.clock = clock
    }

    func prepare() async throws {
        try await openDriver().start()
    }

    func measure(at timestamp: Timestamp) async throws -> [Reading] {
        try await openDriver().measure().readings(sensorID: id, at: timestamp)
    }

    private func openDriver() async throws -> SHT3x {
        if let driver { return driver }
        guard case .i2c(let bus, let address) = configuration.bus else {
            throw HALError(.invalidArgument, operation: "open sht3x \(id)", detail: "an SHT3x needs an i2c bus")
        }
        let options = configuration.options as? SHT3xKind.Options ?? SHT3xKind.Options()
        let driver = SHT3x(bus: try await board.i2cBus(bus), address: address,
                           repeatability: options.repeatability, clock: clock)
        self.driver = driver
        return driver
    }
}
