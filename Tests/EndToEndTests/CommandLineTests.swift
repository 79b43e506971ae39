import Foundation
import Testing

/// Runs `sensorgw` with arguments; returns its exit status and everything it printed.
func sensorgw(_ arguments: [String], in workspace: Workspace) async throws -> (status: Int32, output: String) {
    let log = workspace.path("cli-\(UUID().uuidString.prefix(6)).txt")
    let child = try Child(sensorgwBinary, arguments, log: log)
    try await waitUntil(timeout: .seconds(30), "sensorgw \(arguments.joined(separator: " "))") { !child.isRunning }
    return (try await child.stop(), child.log)
}

@Suite struct CommandLineTests {
    @Test func badConfigurationExits78NamingFileLineAndKeyBeforeTouchingAnything() async throws {
        let workspace = try Workspace("cli-config")
        let config = workspace.path("bad.yaml")
        try """
            gateway:
              id: g1
            board: simulated
            sensors:
              - id: air
                type: bme280
                i2c: { bus: 1, address: 0x80 }
            storage:
              path: outbox.sqlite
            mqtt:
              host: localhost
              tls: false

            """.write(toFile: config, atomically: true, encoding: .utf8)
        for command in [["config", "check", config], ["run", "--config", config]] {
            let result = try await sensorgw(command, in: workspace)
            #expect(result.status == 78, "\(command): \(result.output)")
            #expect(result.output.contains("\(config):7:"), "\(result.output)")
            #expect(result.output.contains("sensors[0].i2c.address"), "\(result.output)")
        }
        // Nothing was started: no outbox was created.
        #expect(!FileManager.default.fileExists(atPath: workspace.path("outbox.sqlite")))
    }

    @Test func configCheckAcceptsAGoodFileAndWarnsAboutPlaintext() async throws {
        let workspace = try Workspace("cli-good")
        let config = workspace.path("good.yaml")
        try """
            gateway: { id: g1 }
            board: simulated
            sensors:
              - { id: air, type: bme280, i2c: { bus: 1, address: 0x76 } }
            storage: { path: outbox.sqlite }
            mqtt: { host: localhost, tls: false }

            """.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try await sensorgw(["config", "check", config], in: workspace)
        #expect(result.status == 0)
        #expect(result.output.contains("plaintext"))
        #expect(result.output.contains("OK"))
    }

    @Test func simulatedProbesPrintAGridAndANormalizedReading() async throws {
        let workspace = try Workspace("cli-probe")
        let scan = try await sensorgw(["probe", "i2c", "scan", "--bus", "1", "--simulated", "--json"], in: workspace)
        #expect(scan.status == 0)
        #expect(scan.output.trimmingCharacters(in: .whitespacesAndNewlines) == #"{"bus":1,"addresses":["0x23","0x44","0x76"]}"#)

        let grid = try await sensorgw(["probe", "i2c", "scan", "--bus", "1", "--simulated"], in: workspace)
        #expect(grid.output.contains("70: -- -- -- -- -- -- 76 --"))

        let reading = try await sensorgw(["probe", "bme280", "--bus", "1", "--address", "0x76", "--simulated"], in: workspace)
        #expect(reading.status == 0)
        // A table: header, then quantity, value, unit per reading.
        let rows = reading.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(rows.first == ["quantity", "value", "unit"])
        #expect(rows.dropFirst().map { $0.first } == ["temperature", "pressure", "humidity"])
        #expect(rows.dropFirst().map { $0.last } == ["Cel", "Pa", "%RH"])
        #expect(rows.dropFirst().allSatisfy { $0.count == 3 && Double($0[1]) != nil })

        let spi = try await sensorgw(["probe", "bme280", "--spi", "/dev/spidev0.0", "--simulated", "--json"], in: workspace)
        #expect(spi.status == 0)
        #expect(spi.output.hasPrefix("[{\"bn\":") && spi.output.contains(#""u":"%RH""#))
    }

    @Test func theSensorListNamesEveryKindWithItsBusesAndUnits() async throws {
        let workspace = try Workspace("cli-list")
        let list = try await sensorgw(["probe", "--list"], in: workspace)
        #expect(list.status == 0)
        let bme280 = list.output.split(separator: "\n").first { $0.hasPrefix("bme280 ") }
        #expect(bme280?.contains("i2c,spi") == true)
        #expect(bme280?.contains("humidity [%RH 0..100]") == true)
        let json = try await sensorgw(["probe", "--list", "--json"], in: workspace)
        #expect(json.output.hasPrefix(#"[{"kind":"bme280","buses":["i2c","spi"]"#))

        let unknown = try await sensorgw(["probe", "bme680", "--bus", "1"], in: workspace)
        #expect(unknown.status == 64)
        #expect(unknown.output.contains("unknown sensor kind 'bme680'"))
    }

    @Test func aMissingBusIsAClearErrorNotACrash() async throws {
        let workspace = try Workspace("cli-nobus")
        let result = try await sensorgw(["probe", "i2c", "scan", "--bus", "97"], in: workspace)
        #expect(result.status == 74)
        #expect(result.output.contains("/dev/i2c-97"))
        #expect(result.output.contains("noSuchDevice"))
    }
}
