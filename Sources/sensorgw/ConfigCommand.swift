import Agent
import ArgumentParser
import Configuration

/// `sensorgw config check FILE`
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Work with configuration files.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a configuration file without touching hardware or the network (exit 78 if invalid).")

        @Argument(help: "The configuration file.")
        var file: String

        func run() async throws {
            let configuration = try loadConfiguration(file)
            for warning in configuration.warnings {
                printError("warning: \(warning)")
            }
            if configuration.headerProfile == .undetected {
                printError("note: board: auto is read from the device tree when the agent starts; until then each pin: "
                           + "was only checked to exist on some known board (sensorgw probe board shows this one)")
            }
            let tls: String =
                switch configuration.mqtt.tls {
                case .disabled: "plaintext"
                case .mutual: "mutual TLS"
                case .serverOnly: "TLS, password login"
                }
            print("\(file): OK — gateway \(configuration.gateway.id), \(configuration.sensors.count) sensor(s), "
                + "broker \(configuration.mqtt.brokers.map(\.description).joined(separator: ", then ")) (\(tls)), topic \(configuration.readingsTopic)")
        }
    }
}
