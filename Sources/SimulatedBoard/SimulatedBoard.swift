import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A board where every bus is simulated and each configured sensor has a model of its chip,
/// put there by the sensor's kind (``SimulatedSensorKind``).
///
/// The models follow ``SimulatedWeather``, refreshed before every transaction.
public final class SimulatedBoard: Board {
    private let i2cBuses: [Int: SimulatedI2CBus]
    private let spiDevices: [String: any SPIDevice]
    private let weatherFollowers: [@Sendable (SimulatedWeather) -> Void]
    /// What drivers wait on: real time by default, a virtual clock in tests.
    public let clock: any Clock<Duration>
    /// The fake sysfs/procfs tree the kernel-driven kinds' models put there.
    public let simulatedFiles: SimulatedSystemFiles
    /// The in-memory GPIO lines: a test drives inputs and reads outputs through it.
    public let gpio: SimulatedGPIO
    private let signals: [(line: GPIOLineAddress, interval: Duration)]
    /// The signal generators, started with the first GPIO use (nil until then).
    private let signalTasks = Mutex<[Task<Void, Never>]?>(nil)

    /// Builds the buses and chips for `sensors`; a sensor whose kind has no model gets none (it
    /// then fails like a chip that does not answer).
    ///
    /// A sensor with `simulated: { fixture: PATH }` gets its capture replayed instead of the
    /// kind's model: from `fixtures[sensor.id]`, else read from PATH here (a fixture that does
    /// not load leaves the sensor without a chip; ``loadFixtures(for:)`` reports why first).
    public init(sensors: [GatewayConfiguration.SensorConfiguration], registry: SensorRegistry,
                clock: any Clock<Duration> = ContinuousClock(), fixtures: [String: DeviceFixture] = [:]) {
        self.clock = clock
        var layout = SimulatedBoardLayout()
        for sensor in sensors {
            if let path = sensor.simulatedFixture {
                if let fixture = fixtures[sensor.id] ?? (try? DeviceFixture.load(path: path)) {
                    layout.attach(fixture, for: sensor)
                }
                continue
            }
            guard let kind = registry.kind(named: sensor.kind) as? any SimulatedSensorKind else { continue }
            kind.attachModel(for: sensor, to: &layout)
        }
        i2cBuses = layout.i2cBuses
        spiDevices = layout.spiDevices
        weatherFollowers = layout.weatherFollowers
        simulatedFiles = layout.files
        gpio = layout.gpio
        signals = layout.signals
    }

    deinit {
        signalTasks.withLock { tasks in tasks?.forEach { $0.cancel() } }
    }

    public var files: any SystemFiles { WeatherSystemFiles(files: simulatedFiles, board: self) }

    /// The fixtures `sensors` name, each loaded and checked, so a bad one stops start-up with
    /// its file and line instead of leaving a sensor silently without a chip.
    /// - Throws: ``ConfigurationError`` for the first fixture that does not load.
    public static func loadFixtures(for sensors: [GatewayConfiguration.SensorConfiguration])
        throws(ConfigurationError) -> [String: DeviceFixture] {
        var fixtures: [String: DeviceFixture] = [:]
        for sensor in sensors {
            guard let path = sensor.simulatedFixture else { continue }
            fixtures[sensor.id] = try DeviceFixture.load(path: path)
        }
        return fixtures
    }

    /// A board with one chip of `kind` at `bus`, for `probe --simulated`.
    public convenience init(probing kind: any SensorKind, on bus: GatewayConfiguration.SensorConfiguration.SensorBus,
                            registry: SensorRegistry) {
        let sensor = GatewayConfiguration.SensorConfiguration(id: "probe", kind: kind.name, bus: bus,
                                                              options: kind.defaultOptions)
        self.init(sensors: [sensor], registry: registry)
    }

    public func gpioController() async throws -> any GPIOController {
        signalTasks.withLock { tasks in
            guard tasks == nil else { return }
            tasks = signals.map { gpio.simulateSignal(on: $0.line, interval: $0.interval) }
        }
        return gpio
    }

    public func i2cBus(_ number: Int) async throws -> any I2CBus {
        // An empty simulated bus still exists, like an I2C adapter with nothing attached.
        guard let bus = i2cBuses[number] else { return SimulatedI2CBus() }
        return WeatherI2CBus(bus: bus, board: self)
    }

    public func spiDevice(_ path: String, configuration: SPIConfiguration) async throws -> any SPIDevice {
        guard let device = spiDevices[path] else {
            throw HALError(.noSuchDevice, operation: "open \(path)", detail: "no simulated chip on this SPI device")
        }
        return WeatherSPIDevice(device: device, board: self)
    }

    /// Sets every model's environment from the time of day.
    func updateWeather() {
        let weather = SimulatedWeather.at(wallSeconds: SystemClock.now().wallSeconds)
        for follow in weatherFollowers { follow(weather) }
    }
}

/// Refreshes the simulated weather before each transaction.
private struct WeatherI2CBus: I2CBus {
    let bus: SimulatedI2CBus
    let board: SimulatedBoard

    func transaction(address: I2CAddress, _ operations: [I2COperation]) async throws -> [[UInt8]] {
        board.updateWeather()
        return try await bus.transaction(address: address, operations)
    }
}

private struct WeatherSPIDevice: SPIDevice {
    let device: any SPIDevice
    let board: SimulatedBoard
    var configuration: SPIConfiguration { device.configuration }

    func transaction(_ operations: [SPIOperation]) async throws -> [[UInt8]] {
        board.updateWeather()
        return try await device.transaction(operations)
    }
}

/// Refreshes the simulated weather before each file read, as the buses do before a transaction.
private struct WeatherSystemFiles: SystemFiles {
    let files: SimulatedSystemFiles
    let board: SimulatedBoard

    func read(_ path: String) async throws -> [UInt8] {
        board.updateWeather()
        return try await files.read(path)
    }

    func list(_ directory: String) async throws -> [String] { try await files.list(directory) }
    func fileSystemUsage(_ path: String) async throws -> FileSystemUsage { try await files.fileSystemUsage(path) }
}

/// `sin` from the C library, named apart so the weather reads plainly.
func sine(_ x: Double) -> Double { sin(x) }
