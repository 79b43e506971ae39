import Agent
import ArgumentParser
import Configuration
import Drivers
import HAL
import Pipeline
import SensorKit
import SimulatedBoard

/// `sensorgw probe ...`: look at buses and sensors by hand.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe", abstract: "Probe buses and sensors by hand.",
        discussion: "sensorgw probe <kind> reads one sample from a sensor of any kind in the catalog; sensorgw probe --list lists them.",
        subcommands: [ProbeSensorCommand.self, I2C.self, ProbeGPIOCommand.self, ProbeBoardCommand.self, ProbeDumpCommand.self],
        defaultSubcommand: ProbeSensorCommand.self)

    struct I2C: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "i2c", abstract: "I2C bus tools.", subcommands: [Scan.self])

        struct Scan: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List the devices that answer on an I2C bus (read-probe, reserved addresses skipped).")

            @Option(help: "The bus number N of /dev/i2c-N.")
            var bus: Int

            @Flag(help: "Use a simulated board (every I2C chip of the catalog at its default address) instead of /dev/i2c-N.")
            var simulated = false

            @Flag(help: "Print JSON instead of a grid.")
            var json = false

            func run() async throws {
                let board: any Board = simulated ? Self.simulatedCatalogBoard(bus: bus) : LinuxBoard()
                let found = try await withHALErrorExit { try await Probes.scanI2C(board: board, bus: bus) }
                if json {
                    let list = found.map { "\"\($0)\"" }.joined(separator: ",")
                    print("{\"bus\":\(bus),\"addresses\":[\(list)]}")
                } else {
                    print(ScanGrid.render(found), terminator: "")
                }
            }

            /// One chip of each I2C kind at its default address (the first kind wins a shared one).
            static func simulatedCatalogBoard(bus: Int) -> SimulatedBoard {
                var taken: Set<I2CAddress> = []
                var sensors: [GatewayConfiguration.SensorConfiguration] = []
                for kind in SensorRegistry.builtIn.kinds {
                    guard kind.buses.contains(.i2c), let address = kind.defaultI2CAddress,
                          taken.insert(address).inserted else { continue }
                    sensors.append(.init(id: kind.name, kind: kind.name, bus: .i2c(bus: bus, address: address),
                                         options: kind.defaultOptions))
                }
                return SimulatedBoard(sensors: sensors, registry: .builtIn)
            }
        }
    }
}

/// `sensorgw probe <kind> ...` and `sensorgw probe --list`.
struct ProbeSensorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensor", abstract: "Read one sample from a sensor of a catalog kind and print it normalized.")

    @Argument(help: "The sensor kind, e.g. bme280 (see --list).")
    var kind: String?

    @Flag(help: "List the sensor kinds: the table of docs/SENSORS.md (chip, buses, options, quantities, transactions, conversion time, tests).")
    var list = false

    @Option(help: "I2C bus number N of /dev/i2c-N.")
    var bus: Int?

    @Option(help: "I2C address (default: the kind's usual one).", transform: parseAddress)
    var address: I2CAddress?

    @Option(help: "SPI device path, e.g. /dev/spidev0.0 (instead of --bus).")
    var spi: String?

    @Flag(help: "Use a simulated chip instead of the hardware.")
    var simulated = false

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "With --list: the table exactly as docs/SENSORS.md has it (markdown).")
    var markdown = false

    func validate() throws {
        if markdown, !list { throw ValidationError("--markdown goes with --list") }
        if list { return }
        guard let name = kind else { throw ValidationError("name a sensor kind, or give --list") }
        guard let kind = SensorRegistry.builtIn.kind(named: name) else {
            throw ValidationError("unknown sensor kind '\(name)'; known: \(SensorRegistry.builtIn.kinds.map(\.name).joined(separator: ", "))")
        }
        if kind.buses.isEmpty {
            guard bus == nil, spi == nil else { throw ValidationError("a \(name) is on no bus") }
            return
        }
        guard (bus == nil) != (spi == nil) else {
            throw ValidationError("give either --bus N (with --address) or --spi PATH")
        }
        if spi != nil, !kind.buses.contains(.spi) { throw ValidationError("a \(name) has no SPI interface") }
        if bus != nil, !kind.buses.contains(.i2c) { throw ValidationError("a \(name) has no I2C interface") }
        if bus != nil, address == nil, kind.defaultI2CAddress == nil { throw ValidationError("give --address") }
    }

    func run() async throws {
        let registry = SensorRegistry.builtIn
        if list {
            let text = json ? SensorListing.json(registry) : markdown ? SensorListing.markdown() : SensorListing.table(registry)
            print(text, terminator: "")
            return
        }
        guard let name = kind, let kind = registry.kind(named: name) else { return }  // validate() checked
        let location: GatewayConfiguration.SensorConfiguration.SensorBus
        if let spi {
            location = .spi(device: spi, configuration: Probes.probeSPIConfiguration)
        } else if let bus, let address = address ?? kind.defaultI2CAddress {
            location = .i2c(bus: bus, address: address)
        } else {
            location = .none
        }
        let board: any Board = simulated ? SimulatedBoard(probing: kind, on: location, registry: registry) : LinuxBoard()
        let result = try await withHALErrorExit { try await Probes.read(kind, on: location, board: board) }
        if json {
            let encoder = SenMLJSONEncoder(gatewayID: "probe")
            print("[" + result.readings.compactMap { encoder.encode($0).map { String($0.dropFirst().dropLast()) } }.joined(separator: ",") + "]")
        } else {
            print(SensorListing.readingsTable(result), terminator: "")
        }
    }
}

/// Parses `0x76`, `118` or `0X76` into a 7-bit address.
func parseAddress(_ text: String) throws -> I2CAddress {
    let lower = text.lowercased()
    let value = lower.hasPrefix("0x") ? Int(lower.dropFirst(2), radix: 16) : Int(lower)
    guard let value, let address = I2CAddress(value), I2CAddress.scannable.contains(address.rawValue) else {
        throw ValidationError("'\(text)' is not an I2C address between 0x03 and 0x77")
    }
    return address
}

/// Prints a bus error in words and exits 74 (EX_IOERR) instead of a trace.
func withHALErrorExit<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as HALError {
        printError("error: \(error)")
        throw ExitCode(74)
    }
}
