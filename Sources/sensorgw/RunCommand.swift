import Agent
import ArgumentParser
import Configuration
import Drivers
import Logging
import Metrics
import SensorKit
import SimulatedBoard

#if canImport(Glibc)
import Glibc
#endif

/// `sensorgw run --config FILE`
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the agent until SIGTERM or SIGINT.")

    @Option(name: .long, help: "The configuration file.")
    var config: String

    /// The running board's device tree.
    static let boardDetection = GatewayConfiguration.BoardDetection.deviceTree(root: "/")

    func run() async throws {
        // `board: auto` and header pins are resolved here, on the board, not by `config check`.
        let configuration = try loadConfiguration(config, boardDetection: Self.boardDetection)
        let environment = currentEnvironment()
        let level = Logger.Level(rawValue: configuration.logLevel.rawValue) ?? .info
        let toJournal = environment["JOURNAL_STREAM"] != nil
        // Native journal entries with SENSOR=/BUS=/ERRNO= fields when systemd connected our stderr to it.
        let journal = JournalSink.forStandardError(environment: environment)
        LoggingSystem.bootstrap { label in
            AgentLogHandler(label: label, level: level, toJournal: toJournal, journal: journal)
        }
        let metrics = AgentMetrics()
        MetricsSystem.bootstrap(metrics.factory)
        let logger = Logger(label: "sensorgw")
        // A fixture that does not load stops the start with its file and line (exit 78).
        _ = try loadFixtures(configuration.sensors)
        let path = config
        // SIGHUP reads the same file again (a bad fixture refuses the new file like a bad key);
        // a simulated board is rebuilt with the new sensors' models.
        let reload = ReloadSource(
            load: {
                let configuration = try GatewayConfiguration.load(path: path, kinds: SensorRegistry.builtIn.catalog,
                                                                  boardDetection: Self.boardDetection)
                _ = try SimulatedBoard.loadFixtures(for: configuration.sensors)
                return configuration
            },
            makeBoard: makeBoard)
        do {
            try await GatewayAgent.run(configuration: configuration, registry: .builtIn, board: makeBoard(configuration),
                                       logger: logger, environment: environment, metrics: metrics, reload: reload)
        } catch {
            logger.critical("agent failed", metadata: ["error": "\(error)"])
            throw ExitCode(70)  // EX_SOFTWARE: systemd restarts us (Restart=on-failure)
        }
    }
}

/// The buses a configuration's sensors are on.
@Sendable func makeBoard(_ configuration: GatewayConfiguration) -> any Board {
    switch configuration.board {
    case .simulated: SimulatedBoard(sensors: configuration.sensors, registry: .builtIn)
    case .linux: LinuxBoard()
    }
}

/// Loads a configuration or exits with 78 (EX_CONFIG) after printing where it is wrong.
func loadConfiguration(_ path: String,
                       boardDetection: GatewayConfiguration.BoardDetection = .deferred) throws -> GatewayConfiguration {
    do {
        return try GatewayConfiguration.load(path: path, kinds: SensorRegistry.builtIn.catalog,
                                             boardDetection: boardDetection)
    } catch {
        printError("error: \(error)")
        throw ExitCode(ConfigurationError.exitCode)
    }
}

/// The simulated board's fixtures, or exits with 78 (EX_CONFIG) after printing where one is wrong.
func loadFixtures(_ sensors: [GatewayConfiguration.SensorConfiguration]) throws -> [String: DeviceFixture] {
    do {
        return try SimulatedBoard.loadFixtures(for: sensors)
    } catch {
        printError("error: \(error)")
        throw ExitCode(ConfigurationError.exitCode)
    }
}

func currentEnvironment() -> [String: String] {
    var result: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
        let text = String(cString: entry)
        if let equals = text.firstIndex(of: "=") {
            result[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        pointer += 1
    }
    return result
}

func printError(_ text: String) {
    var bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}
