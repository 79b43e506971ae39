import Agent
import ArgumentParser

/// `sensorgw`: the agent (`run`) and the hand-held tools (`config check`, `probe`).
@main
struct SensorGW: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensorgw",
        abstract: "Reads sensors over I2C, SPI and GPIO and forwards them, encrypted, to an MQTT broker.",
        version: SensorGatewayVersion.current,
        subcommands: [RunCommand.self, ConfigCommand.self, ProbeCommand.self, BenchCommand.self, StatusCommand.self,
                      EnvelopeCommand.self, CommandCommand.self])
}
