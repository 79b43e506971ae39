import Configuration
import HAL
import Pipeline
import Sampling
import SensorKit

/// A configured BME280, opened lazily so that a missing bus is a sensor failure (logged,
/// retried) rather than a reason for the whole agent to stop.
actor BME280Sensor: Sensor {
    nonisolated let id: String
    private let configuration: GatewayConfiguration.SensorConfiguration
    private let board: any Board
    private var driver: BME280?

    init(configuration: GatewayConfiguration.SensorConfiguration, board: any Board) {
        id = configuration.id
        self.configuration = configuration
        self.board = board
    }

    func prepare() async throws {
        let driver = try await openDriver()
        try await driver.start()
    }

    func measure(at timestamp: Timestamp) async throws -> [Reading] {
        let driver = try await openDriver()
        return try await driver.measure().readings(sensorID: id, at: timestamp)
    }

    private func openDriver() async throws -> BME280 {
        if let driver { return driver }
        let settings = (configuration.options as? BME280Kind.Options ?? BME280Kind.Options()).settings
        let driver: BME280
        switch configuration.bus {
        case .i2c(let bus, let address):
            driver = BME280(bus: try await board.i2cBus(bus), address: address, settings: settings, clock: board.clock)
        case .spi(let path, let spiConfiguration):
            driver = BME280(spi: try await board.spiDevice(path, configuration: spiConfiguration), settings: settings,
                            clock: board.clock)
        case .none:
            throw HALError(.invalidArgument, operation: "open bme280 \(id)", detail: "a BME280 needs an i2c or spi bus")
        }
        self.driver = driver
        return driver
    }
}
