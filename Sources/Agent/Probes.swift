import Configuration
import HAL
import Pipeline
import SensorKit

/// The hand-held checks behind `sensorgw probe`.
public enum Probes {
    /// Read-probes every non-reserved address of an I2C bus, like `i2cdetect -r`.
    public static func scanI2C(board: any Board, bus: Int) async throws -> [I2CAddress] {
        try await board.i2cBus(bus).scan()
    }

    /// Reads one sample from a sensor of `kind` on `bus`, with the kind's default options, and
    /// returns its readings after the kind's validation.
    public static func read(_ kind: any SensorKind, on bus: GatewayConfiguration.SensorConfiguration.SensorBus,
                            board: any Board, sensorID: String = "probe") async throws -> ProbeResult {
        let configuration = GatewayConfiguration.SensorConfiguration(
            id: sensorID, kind: kind.name, bus: bus, options: kind.defaultOptions)
        let sensor = kind.makeSensor(configuration, board: board)
        try await sensor.prepare()
        var pipeline = kind.pipeline(for: configuration)
        let (passed, dropped) = pipeline.process(try await sensor.measure(at: SystemClock.now()))
        return ProbeResult(readings: passed, dropped: dropped)
    }

    /// What one probe read.
    public struct ProbeResult: Sendable {
        /// The readings that passed validation.
        public var readings: [Reading]
        /// The readings the kind's validation refused (a chip reporting nonsense shows here).
        public var dropped: [DroppedReading]
    }

    /// The SPI clocking probes use: mode 0 at 1 MHz, which every chip in the catalog accepts.
    public static let probeSPIConfiguration = SPIConfiguration(mode: .mode0, speedHz: 1_000_000)
}
