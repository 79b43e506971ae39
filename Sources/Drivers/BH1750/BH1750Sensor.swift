import Configuration
import HAL
import Pipeline
import Sampling
import SensorKit

/// A configured BH1750, opened lazily so that a missing bus is a sensor failure (logged,
/// retried) rather than a reason for the whole agent to stop.
actor BH1750Sensor: Sensor {
    nonisolated let id: String
    private let configuration: GatewayConfiguration.SensorConfiguration
    private let board: any Board
    private let clock: any Clock<Duration>
    private var driver: BH1750?

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

    private func openDriver() async throws -> BH1750 {
        if let driver { return driver }
        guard case .i2c(let bus, let address) = configuration.bus else {
            throw HALError(.invalidArgument, operation: "open bh1750 \(id)", detail: "a BH1750 needs an i2c bus")
        }
        let options = configuration.options as? BH1750Kind.Options ?? BH1750Kind.Options()
        guard let measurementTime = BH1750MeasurementTime(options.mtreg) else {
            throw HALError(.invalidArgument, operation: "open bh1750 \(id)",
                           detail: "mtreg \(options.mtreg) is outside 31...254")
        }
        let driver = BH1750(bus: try await board.i2cBus(bus), address: address,
                            measurementTime: measurementTime, clock: clock)
        self.driver = driver
        return driver
    }
}
