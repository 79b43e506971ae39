import Foundation
import Testing

/// Runs `sensorgw` with arguments (and `environment` added to the tests'); returns its exit
/// status and everything it printed.
func sensorgw(_ arguments: [String], in workspace: Workspace,
              environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
    let log = workspace.path("cli-\(UUID().uuidString.prefix(6)).txt")
    let child = try Child(sensorgwBinary, arguments, log: log, environment: environment)
    try await waitUntil(timeout: .seconds(30), "sensorgw \(arguments.joined(separator: " "))") { !child.isRunning }
    return (try await child.stop(), child.log)
}

@Suite struct CommandLineTests {
    /// A mutual-TLS configuration with the workspace's certificates and `key` as written; the
    /// key is on line 11, column 10. `extra` goes after `host: localhost`.
    static func mutualTLSConfig(key: String, extra: String = "") -> String {
        """
        gateway: { id: g1 }
        board: simulated
        sensors:
          - { id: air, type: bme280, i2c: { bus: 1, address: 0x76 } }
        storage: { path: outbox.sqlite }
        mqtt:
          host: localhost\(extra)
          tls:
            ca: certs/ca.pem
            certificate: certs/client.pem
            key: \(key)

        """
    }

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

    @Test("board: auto passes config check without a device tree, and run resolves it (or stops at the board key)")
    func boardAutoIsResolvedAtStartNotByConfigCheck() async throws {
        let workspace = try Workspace("cli-auto")
        let config = workspace.path("auto.yaml")
        try """
            gateway: { id: g1 }
            board: auto
            sensors:
              - { id: door, type: gpio_input, pin: 11, bias: pull_up, active_low: true }
            storage: { path: outbox.sqlite }
            mqtt: { host: localhost, tls: false }

            """.write(toFile: config, atomically: true, encoding: .utf8)
        let check = try await sensorgw(["config", "check", config], in: workspace)
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("board: auto is read from the device tree when the agent starts"))
        // The build machine has no device tree (no board): the start stops at the board key.
        let hasDeviceTree = FileManager.default.fileExists(atPath: "/proc/device-tree/model")
            || FileManager.default.fileExists(atPath: "/sys/firmware/devicetree/base/model")
        if !hasDeviceTree {
            let run = try await sensorgw(["run", "--config", config], in: workspace)
            #expect(run.status == 78, "\(run.output)")
            #expect(run.output.contains("\(config):2:8: board: auto: no device-tree model"), "\(run.output)")
            #expect(!FileManager.default.fileExists(atPath: workspace.path("outbox.sqlite")))
        }
    }

    @Test("config check exits 78 on TLS files OpenSSL refuses and on a repeated key, naming file, line and key")
    func badTLSMaterialAndDuplicateKeysExit78() async throws {
        let workspace = try Workspace("cli-tls")
        let certs = workspace.certificates.path
        try "not a key\n".write(toFile: "\(certs)/garbage.key", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: "\(certs)/garbage.key")
        func config(key: String, extra: String = "") -> String { Self.mutualTLSConfig(key: "certs/\(key)", extra: extra) }
        let cases: [(name: String, yaml: String, expected: String)] = [
            ("garbage-key", config(key: "garbage.key"),
             ":11:10: mqtt.tls.key: \(certs)/garbage.key is not a PEM private key (OpenSSL cannot read it)"),
            // make-test-certs.sh's subscriber key is real, but not client.pem's.
            ("other-key", config(key: "subscriber.key"),
             ":11:10: mqtt.tls.key: \(certs)/subscriber.key is not the private key of the certificate \(certs)/client.pem"),
            ("duplicate", config(key: "client.key", extra: "\n  port: 8883\n  port: 8884"),
             ":9:3: mqtt.port: duplicate key; first at line 8, column 3"),
        ]
        for (name, yaml, expected) in cases {
            let file = workspace.path("\(name).yaml")
            try yaml.write(toFile: file, atomically: true, encoding: .utf8)
            let result = try await sensorgw(["config", "check", file], in: workspace)
            #expect(result.status == 78, "\(name): \(result.output)")
            #expect(result.output.contains("error: \(file)\(expected)"), "\(name): \(result.output)")
        }
        // The same files with the right key pass, and the certificate (a year) earns no warning.
        let good = workspace.path("good.yaml")
        try config(key: "client.key").write(toFile: good, atomically: true, encoding: .utf8)
        let result = try await sensorgw(["config", "check", good], in: workspace)
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.output.contains("warning"), "\(result.output)")
    }

    /// The agent reads `$CREDENTIALS_DIRECTORY` from its own environment, as systemd sets it
    /// for a service with `LoadCredential=` (the unit tests pass the directory in instead).
    @Test func aKeyNamedAsASystemdCredentialIsReadFromCredentialsDirectory() async throws {
        let workspace = try Workspace("cli-credential")
        let file = workspace.path("credential.yaml")
        try Self.mutualTLSConfig(key: #""%d/client.key""#).write(toFile: file, atomically: true, encoding: .utf8)
        let service = try await sensorgw(["config", "check", file], in: workspace,
                                         environment: ["CREDENTIALS_DIRECTORY": workspace.certificates.path])
        #expect(service.status == 0, "\(service.output)")
        let shell = try await sensorgw(["config", "check", file], in: workspace, environment: ["CREDENTIALS_DIRECTORY": ""])
        #expect(shell.status == 78, "\(shell.output)")
        #expect(shell.output.contains("error: \(file):11:10: mqtt.tls.key: '%d/client.key' names a systemd credential, "
                                      + "but $CREDENTIALS_DIRECTORY is not set"), "\(shell.output)")
    }

    @Test func simulatedProbesPrintAGridAndANormalizedReading() async throws {
        let workspace = try Workspace("cli-probe")
        let scan = try await sensorgw(["probe", "i2c", "scan", "--bus", "1", "--simulated", "--json"], in: workspace)
        #expect(scan.status == 0)
        #expect(scan.output.trimmingCharacters(in: .whitespacesAndNewlines) == #"{"bus":1,"addresses":["0x10","0x18","0x23","0x29","0x38","0x40","0x44","0x48","0x62","0x68","0x76"]}"#)

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
        let bme280 = list.output.components(separatedBy: "\n\n").first { $0.hasPrefix("bme280 ") }
        #expect(bme280?.contains("[i2c,spi]") == true)
        #expect(bme280?.contains("humidity [%RH 0..100]") == true)
        #expect(bme280?.contains("conversion  datasheet 9.1 max formula") == true)
        let markdown = try await sensorgw(["probe", "--list", "--markdown"], in: workspace)
        #expect(markdown.output.hasPrefix("| kind | chip | buses (default address) |"))
        #expect(markdown.output.contains("| `bme680` | Bosch BME680 |"))
        let json = try await sensorgw(["probe", "--list", "--json"], in: workspace)
        #expect(json.output.hasPrefix(#"[{"kind":"bme280","buses":["i2c","spi"]"#))

        let unknown = try await sensorgw(["probe", "sht99", "--bus", "1"], in: workspace)
        #expect(unknown.status == 64)
        #expect(unknown.output.contains("unknown sensor kind 'sht99'"))
    }

    @Test func aMissingBusIsAClearErrorNotACrash() async throws {
        let workspace = try Workspace("cli-nobus")
        let result = try await sensorgw(["probe", "i2c", "scan", "--bus", "97"], in: workspace)
        #expect(result.status == 74)
        #expect(result.output.contains("/dev/i2c-97"))
        #expect(result.output.contains("noSuchDevice"))
    }
}
