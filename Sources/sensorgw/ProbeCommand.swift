import Agent
import ArgumentParser
import HAL
import Pipeline

/// `sensorgw probe ...`: look at buses and sensors by hand.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe", abstract: "Probe buses and sensors by hand.",
        subcommands: [I2C.self, BME280Probe.self, ProbeGPIOCommand.self])

    struct I2C: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "i2c", abstract: "I2C bus tools.", subcommands: [Scan.self])

        struct Scan: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List the devices that answer on an I2C bus (read-probe, reserved addresses skipped).")

            @Option(help: "The bus number N of /dev/i2c-N.")
            var bus: Int

            @Flag(help: "Use a simulated board (a BME280 at 0x76) instead of /dev/i2c-N.")
            var simulated = false

            @Flag(help: "Print JSON instead of a grid.")
            var json = false

            func run() async throws {
                let board: any Board = simulated ? SimulatedBoard.demo(i2cBus: bus) : LinuxBoard()
                let found = try await withHALErrorExit { try await Probes.scanI2C(board: board, bus: bus) }
                if json {
                    let list = found.map { "\"\($0)\"" }.joined(separator: ",")
                    print("{\"bus\":\(bus),\"addresses\":[\(list)]}")
                } else {
                    print(ScanGrid.render(found), terminator: "")
                }
            }
        }
    }

    struct BME280Probe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bme280", abstract: "Read one sample from a Bosch BME280 and print it normalized.")

        @Option(help: "I2C bus number N of /dev/i2c-N.")
        var bus: Int?

        @Option(help: "I2C address (0x76 or 0x77).", transform: parseAddress)
        var address: I2CAddress = I2CAddress(UInt8(0x76))!

        @Option(help: "SPI device path, e.g. /dev/spidev0.0 (instead of --bus).")
        var spi: String?

        @Flag(help: "Use a simulated chip instead of the hardware.")
        var simulated = false

        @Flag(help: "Print SenML JSON.")
        var json = false

        func validate() throws {
            guard (bus == nil) != (spi == nil) else {
                throw ValidationError("give either --bus N (with --address) or --spi PATH")
            }
        }

        func run() async throws {
            let location: Probes.BME280Location =
                if let spi { .spi(path: spi) } else { .i2c(bus: bus ?? 1, address: address) }
            let board: any Board
            if simulated {
                switch location {
                case .i2c(let bus, let address): board = SimulatedBoard.demo(i2cBus: bus, address: address)
                case .spi(let path): board = SimulatedBoard.demo(address: nil, spiDevice: path)
                }
            } else {
                board = LinuxBoard()
            }
            let readings = try await withHALErrorExit { try await Probes.readBME280(board: board, at: location) }
            if json {
                let encoder = SenMLJSONEncoder(gatewayID: "probe")
                print("[" + readings.compactMap { encoder.encode($0).map { String($0.dropFirst().dropLast()) } }.joined(separator: ",") + "]")
            } else {
                for reading in readings {
                    print("\(reading.quantity): \(reading.value) \(reading.unit)")
                }
            }
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

/// Prints a bus error in words and exits 1 (74, EX_IOERR, for I/O faults) instead of a trace.
func withHALErrorExit<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as HALError {
        printError("error: \(error)")
        throw ExitCode(74)
    }
}
