import Commands
import Configuration
import Drivers
import SensorKit
import Testing
@testable import Agent

/// What a reload applies live and what it refuses, from two parsed configurations.
@Suite struct ReloadPlanTests {
    func parse(sensors: String = "  - { id: air, type: bme280, i2c: { bus: 1, address: 0x76 }, interval: 1s }",
               storagePath: String = "outbox.sqlite", host: String = "localhost", board: String = "simulated",
               gateway: String = "g1", level: String = "info") throws -> GatewayConfiguration {
        let yaml = """
            gateway:
              id: \(gateway)
            board: \(board)
            sensors:
            \(sensors)
            storage:
              path: \(storagePath)
            mqtt:
              host: \(host)
              tls: false
            log:
              level: \(level)

            """
        return try GatewayConfiguration.parse(yaml: yaml, file: "test.yaml", baseDirectory: "/tmp",
                                              kinds: SensorRegistry.builtIn.catalog)
    }

    @Test func theSameConfigurationChangesNothing() throws {
        let plan = ReloadPlan(running: try parse(), new: try parse())
        #expect(plan.changesNothing)
        #expect(plan.refusals.isEmpty && plan.warnings.isEmpty)
    }

    @Test func aNewSensorOrIntervalRestartsTheSamplerOnly() throws {
        let added = try parse(sensors: """
              - { id: air, type: bme280, i2c: { bus: 1, address: 0x76 }, interval: 1s }
              - { id: box, type: sht3x, i2c: { bus: 1, address: 0x44 }, interval: 2s }
            """)
        let plan = ReloadPlan(running: try parse(), new: added)
        #expect(plan.restartSampler && !plan.reconnectUplink && plan.refusals.isEmpty)
        let retimed = try parse(sensors: "  - { id: air, type: bme280, i2c: { bus: 1, address: 0x76 }, interval: 5s }")
        #expect(ReloadPlan(running: try parse(), new: retimed).restartSampler)
    }

    @Test func brokerSettingsReconnectTheUplinkOnly() throws {
        let plan = ReloadPlan(running: try parse(), new: try parse(host: "broker.example"))
        #expect(plan.reconnectUplink && !plan.restartSampler && plan.refusals.isEmpty)
    }

    @Test func storageBoardAndGatewayChangesAreRefused() throws {
        let running = try parse()
        #expect(ReloadPlan(running: running, new: try parse(storagePath: "other.sqlite")).refusals
                    == ["storage changed; the outbox is never reopened by a reload: restart the service to apply it"])
        #expect(ReloadPlan(running: running, new: try parse(board: "linux")).refusals
                    == ["board changed: restart the service to apply it"])
        #expect(ReloadPlan(running: running, new: try parse(gateway: "g2")).refusals
                    == ["gateway.id changed: restart the service to apply it"])
        var pseudonymous = running
        pseudonymous.gateway.wireID = "gw-0123456789abcdef"
        #expect(ReloadPlan(running: running, new: pseudonymous).refusals
                    == ["gateway.pseudonym or gateway.privacy changed: restart the service to apply it"])
        // No message may be sealed to a mix of old and new keys, nor the envelope dropped live.
        var sealed = running
        sealed.mqtt.envelope = GatewayConfiguration.EnvelopeKeys(recipient: Array(repeating: 9, count: 32),
                                                                 signingKey: Array(repeating: 7, count: 32))
        #expect(ReloadPlan(running: running, new: sealed).refusals == ["mqtt.envelope changed: restart the service to apply it"])
        #expect(ReloadPlan(running: sealed, new: running).refusals == ["mqtt.envelope changed: restart the service to apply it"])
        // Who may command the board, and what, changes only with a restart (docs/COMMANDS.md).
        var commanded = running
        commanded.commands = GatewayConfiguration.CommandsSection(operatorKeys: [Array(repeating: 5, count: 32)], allow: [.status])
        var widened = commanded
        widened.commands?.allow.insert(.reload)
        #expect(ReloadPlan(running: running, new: commanded).refusals == ["commands changed: restart the service to apply it"])
        #expect(ReloadPlan(running: commanded, new: widened).refusals == ["commands changed: restart the service to apply it"])
        #expect(ReloadPlan(running: commanded, new: commanded).refusals.isEmpty)
        // Refused as a whole: a sensor edit in the same file waits too.
        let mixed = try parse(sensors: "  - { id: air, type: bme280, i2c: { bus: 1, address: 0x76 }, interval: 5s }",
                              storagePath: "other.sqlite")
        #expect(!ReloadPlan(running: running, new: mixed).refusals.isEmpty)
    }

    @Test func aLogLevelChangeIsAcceptedWithAWarning() throws {
        let plan = ReloadPlan(running: try parse(), new: try parse(level: "debug"))
        #expect(plan.refusals.isEmpty)
        #expect(plan.warnings == ["log.level changed: it takes effect at the next restart"])
    }
}
