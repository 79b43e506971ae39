import Foundation
import Testing
@testable import Configuration
import Drivers

/// Each test breaks `minimalYAML` in one place and checks the whole error text: file, line,
/// column, key path and message. Line numbers refer to `minimalYAML`'s layout.
@Suite("Invalid configurations")
struct InvalidConfigurationTests {
    let sandbox: Sandbox
    var d: String { sandbox.path }

    init() throws {
        sandbox = try Sandbox()
    }

    private func expectError(_ yaml: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(errorDescription(yaml, base: d) == expected, sourceLocation: sourceLocation)
    }

    @Test func unknownKey() {
        expectError(minimal(inserting: "  name: gw", before: 3),
                    "sensorgw.yaml:3:3: gateway.name: unknown key; expected one of: id, pseudonym, privacy")
    }

    @Test func unknownTopLevelKey() {
        expectError(minimal(inserting: "mqqt: {}", before: 10),
                    "sensorgw.yaml:10:1: mqqt: unknown key; expected one of: gateway, board, sensors, storage, mqtt, log, metrics, commands")
    }

    @Test func wrongTypeBooleanPort() {
        expectError(minimal(inserting: "  port: yes", before: 12),
                    "sensorgw.yaml:12:9: mqtt.port: expected an integer, found the boolean 'yes'")
    }

    @Test func wrongTypeSectionIsAList() {
        expectError(minimal(replacingLine: 9, with: "  - outbox.sqlite"),
                    "sensorgw.yaml:9:3: storage: expected a mapping, found a list")
    }

    @Test func i2cAddressAboveRange() {
        expectError(minimal(replacingLine: 7, with: "    i2c: { bus: 1, address: 0x80 }"),
                    "sensorgw.yaml:7:29: sensors[0].i2c.address: 0x80 is out of range 0x03...0x77")
    }

    @Test func i2cAddressReserved() {
        expectError(minimal(replacingLine: 7, with: "    i2c: { bus: 1, address: 0x02 }"),
                    "sensorgw.yaml:7:29: sensors[0].i2c.address: 0x02 is out of range 0x03...0x77")
    }

    @Test func i2cAddressNotANumber() {
        expectError(minimal(replacingLine: 7, with: "    i2c: { bus: 1, address: 0x7g }"),
                    "sensorgw.yaml:7:29: sensors[0].i2c.address: expected an integer (decimal, or hexadecimal like 0x76), found '0x7g'")
    }

    @Test func missingRequiredKeyPointsAtParent() {
        expectError(minimal(replacingLine: 11),
                    "sensorgw.yaml:10:1: mqtt.host: missing required key")
    }

    @Test func missingSensorType() {
        expectError(minimal(replacingLine: 6),
                    "sensorgw.yaml:5:5: sensors[0].type: missing required key")
    }

    @Test func missingTopLevelSection() {
        expectError(minimalYAML.replacingOccurrences(of: "storage:\n  path: outbox.sqlite\n", with: ""),
                    "sensorgw.yaml:1:1: storage: missing required key")
    }

    @Test func bothI2CAndSPI() {
        expectError(minimal(inserting: "    spi: { device: /dev/spidev0.0 }", before: 8),
                    "sensorgw.yaml:8:5: sensors[0].spi: a sensor is on exactly one bus: give i2c or spi, not both")
    }

    @Test func noBus() {
        expectError(minimal(replacingLine: 7),
                    "sensorgw.yaml:5:5: sensors[0]: missing bus: add i2c or spi")
    }

    @Test func duplicateSensorID() {
        expectError(minimal(inserting: "  - id: air", "    type: bme280", "    i2c: { bus: 1, address: 0x77 }", before: 8),
                    "sensorgw.yaml:8:9: sensors[1].id: duplicate sensor id 'air' (also sensors[0])")
    }

    @Test func noSensors() {
        expectError(minimalYAML.replacingOccurrences(
                        of: "sensors:\n  - id: air\n    type: bme280\n    i2c: { bus: 1, address: 0x76 }",
                        with: "sensors: []"),
                    "sensorgw.yaml:4:10: sensors: at least one sensor is required")
    }

    @Test func badGatewayID() {
        expectError(minimal(replacingLine: 2, with: "  id: green house"),
                    "sensorgw.yaml:2:7: gateway.id: 'green house' is not a valid id: use 1 to 64 letters, digits, '_' or '-'")
    }

    @Test func missingCertificateFile() {
        expectError(minimalWithTLS(certificate: "certs/missing.pem"),
                    "sensorgw.yaml:14:18: mqtt.tls.certificate: file not found: \(d)/certs/missing.pem (this gateway's PEM client certificate)")
    }

    @Test func keyFileWorldReadable() throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: "\(d)/certs/client.key")
        expectError(minimalWithTLS(),
                    "sensorgw.yaml:15:10: mqtt.tls.key: \(d)/certs/client.key is readable by other users (mode 0644); run chmod 600 \(d)/certs/client.key, or load it as a systemd credential")
    }

    @Test func missingTLSKey() {
        expectError(minimalWithTLS().replacingOccurrences(of: "    key: certs/client.key", with: ""),
                    "sensorgw.yaml:12:3: mqtt.tls.key: missing required key")
    }

    @Test func tlsTrue() {
        expectError(minimal(replacingLine: 12, with: "  tls: true"),
                    "sensorgw.yaml:12:8: mqtt.tls: 'true' is not a TLS setting: give a mapping with ca, certificate and key, or false for plaintext")
    }

    @Test func missingTLS() {
        expectError(minimal(replacingLine: 12),
                    "sensorgw.yaml:10:1: mqtt.tls: missing required key")
    }

    @Test func badDuration() {
        expectError(minimal(inserting: "    interval: 10 seconds", before: 8),
                    "sensorgw.yaml:8:15: sensors[0].interval: invalid duration '10 seconds'; write a whole number and a unit: 500ms, 10s, 5m, 1h or 7d")
    }

    @Test func durationWithoutUnit() {
        expectError(minimal(inserting: "    interval: 10", before: 8),
                    "sensorgw.yaml:8:15: sensors[0].interval: invalid duration '10'; write a whole number and a unit: 500ms, 10s, 5m, 1h or 7d")
    }

    @Test func durationTooShort() {
        expectError(minimal(inserting: "    interval: 50ms", before: 8),
                    "sensorgw.yaml:8:15: sensors[0].interval: 50ms is out of range 100ms...1d")
    }

    @Test func keepaliveNotWholeSeconds() {
        expectError(minimal(inserting: "  keepalive: 5500ms", before: 12),
                    "sensorgw.yaml:12:14: mqtt.keepalive: MQTT counts keepalive in whole seconds")
    }

    @Test func reconnectInitialAboveMax() {
        expectError(minimal(inserting: "  reconnect: { initial: 2m, max: 30s }", before: 12),
                    "sensorgw.yaml:12:34: mqtt.reconnect.max: initial (2m) must not be greater than max (30s)")
    }

    @Test func portZero() {
        expectError(minimal(inserting: "  port: 0", before: 12),
                    "sensorgw.yaml:12:9: mqtt.port: 0 is out of range 1...65535")
    }

    @Test func inflightWindowZero() {
        expectError(minimal(inserting: "  inflight_window: 0", before: 12),
                    "sensorgw.yaml:12:20: mqtt.inflight_window: 0 is out of range 1...1000")
    }

    @Test func readingsPerMessageOutsideItsRange() {
        expectError(minimal(inserting: "  readings_per_message: 0", before: 12),
                    "sensorgw.yaml:12:25: mqtt.readings_per_message: 0 is out of range 1...1000")
        expectError(minimal(inserting: "  readings_per_message: 1001", before: 12),
                    "sensorgw.yaml:12:25: mqtt.readings_per_message: 1001 is out of range 1...1000")
    }

    @Test func topicPrefixWithWildcard() {
        expectError(minimal(inserting: "  topic_prefix: sensorgw/#", before: 12),
                    "sensorgw.yaml:12:17: mqtt.topic_prefix: 'sensorgw/#' contains an MQTT wildcard (+ or #); a topic to publish to cannot")
    }

    @Test func topicPrefixWithTrailingSlash() {
        expectError(minimal(inserting: "  topic_prefix: sensorgw/", before: 12),
                    "sensorgw.yaml:12:17: mqtt.topic_prefix: 'sensorgw/' must not start or end with '/'")
    }

    @Test func unknownSensorType() {
        expectError(minimal(replacingLine: 6, with: "    type: sht99"),
                    "sensorgw.yaml:6:11: sensors[0].type: unknown sensor type 'sht99'; supported: \(testKinds.names.joined(separator: ", "))")
    }

    @Test func badOversampling() {
        expectError(minimal(inserting: "    oversampling: { temperature: 3 }", before: 8),
                    "sensorgw.yaml:8:34: sensors[0].oversampling.temperature: oversampling must be one of 0, 1, 2, 4, 8, 16")
    }

    @Test func unknownBoard() {
        expectError(minimal(replacingLine: 3, with: "board: raspberry"),
                    "sensorgw.yaml:3:8: board: unknown board 'raspberry'; expected simulated, linux, auto or a board profile: \(boardProfileNames)")
    }

    @Test func unknownLogLevel() {
        expectError(minimal(inserting: "log: { level: verbose }", before: 13),
                    "sensorgw.yaml:13:15: log.level: unknown log level 'verbose'; expected one of: trace, debug, info, notice, warning, error, critical")
    }

    @Test func storageDirectoryMissing() {
        expectError(minimal(replacingLine: 9, with: "  path: a/b/outbox.sqlite"),
                    "sensorgw.yaml:9:9: storage.path: directory \(d)/a/b does not exist, nor does its parent \(d)/a")
    }

    @Test func yamlSyntaxError() {
        expectError(minimal(replacingLine: 7, with: "    i2c: { bus: 1, address: 0x76"),
                    "sensorgw.yaml:8:8: invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping at line 7, column 10)")
    }

    @Test func duplicateYAMLKey() {
        expectError(minimal(inserting: "  id: other", before: 3),
                    "sensorgw.yaml:3:3: gateway.id: duplicate key; first at line 2, column 3")
    }

    @Test func topLevelNotAMapping() {
        expectError("- gateway\n- board\n", "sensorgw.yaml:1:1: expected a mapping, found a list")
    }

    @Test func emptyFile() {
        expectError("", "sensorgw.yaml: the file is empty; expected gateway, board, sensors, storage and mqtt")
        expectError("# nothing yet\n", "sensorgw.yaml: the file is empty; expected gateway, board, sensors, storage and mqtt")
    }

    @Test func missingConfigFile() {
        #expect(throws: ConfigurationError(file: "\(d)/absent.yaml", message: "no such file")) {
            try GatewayConfiguration.load(path: "\(d)/absent.yaml", kinds: testKinds)
        }
    }

    @Test("The first error in file order wins, not the first key the schema checks")
    func firstErrorInFileOrder() {
        let yaml = minimal(replacingLine: 3, with: "board: raspberry")
            .replacingOccurrences(of: "address: 0x76", with: "address: 0x80")
            .replacingOccurrences(of: "  host: localhost", with: "  host: localhost\n  port: 0")
        expectError(yaml, "sensorgw.yaml:3:8: board: unknown board 'raspberry'; expected simulated, linux, auto or a board profile: \(boardProfileNames)")
        // And with mqtt before gateway, mqtt's error is first.
        let reordered = "mqtt:\n  host: h\n  port: 0\n  tls: false\n" + yaml.replacingOccurrences(of: "mqtt:\n  host: localhost\n  port: 0\n  tls: false\n", with: "")
        expectError(reordered, "sensorgw.yaml:3:9: mqtt.port: 0 is out of range 1...65535")
    }
}

@Suite("Storage and replay settings")
struct StorageSettingsTests {
    func parse(_ storage: String, mqttExtra: String = "", sensorExtra: String = "") throws(ConfigurationError) -> GatewayConfiguration {
        let yaml = """
            gateway: { id: g }
            board: simulated
            sensors:
              - id: s
                type: bme280
                i2c: { bus: 1, address: 0x76 }\(sensorExtra)
            storage:
              path: /tmp/outbox.sqlite\(storage)
            mqtt:
              host: localhost
              tls: false\(mqttExtra)
            """
        return try GatewayConfiguration.parse(yaml: yaml, file: "c.yaml", baseDirectory: "/tmp", kinds: testKinds)
    }

    @Test func defaultsBoundTheDiskAndReplay() throws {
        let config = try parse("")
        #expect(config.storage.maxBytes == 128 * 1024 * 1024)
        #expect(config.storage.maxAge == nil)
        #expect(config.storage.flushInterval == .seconds(1))
        #expect(config.mqtt.replayRate == 500)
        #expect(config.sensors[0].priority == .normal)
    }

    @Test func sizesDurationsAndPriorityAreRead() throws {
        let config = try parse("\n  max_bytes: 64MB\n  max_age: 7d\n  flush_interval: 0",
                               mqttExtra: "\n  replay_rate: 50", sensorExtra: "\n    priority: critical")
        #expect(config.storage.maxBytes == 64 << 20)
        #expect(config.storage.maxAge == .seconds(7 * 86_400))
        #expect(config.storage.flushInterval == .zero)
        #expect(config.mqtt.replayRate == 50)
        #expect(config.sensors[0].priority == .critical)
    }

    @Test func badSizeNamesLineAndKey() {
        #expect(throws: ConfigurationError.self) { try parse("\n  max_bytes: 64 megs") }
        do {
            _ = try parse("\n  max_bytes: 1KB")
            Issue.record("1KB must be refused")
        } catch {
            #expect(error.description == "c.yaml:9:14: storage.max_bytes: 1KB is out of range 64KB...1024GB")
        }
    }

    @Test func unknownPriorityIsRefused() {
        do {
            _ = try parse("", sensorExtra: "\n    priority: urgent")
            Issue.record("urgent must be refused")
        } catch {
            #expect(error.description == "c.yaml:7:15: sensors[0].priority: unknown priority 'urgent'; use normal or critical")
        }
    }

    @Test func theEncodingIsANameFromTheEncoderRegistry() throws {
        #expect(try parse("").mqtt.encoding == "senml-json")
        #expect(try parse("", mqttExtra: "\n  encoding: senml-cbor").mqtt.encoding == "senml-cbor")
        do {
            _ = try parse("", mqttExtra: "\n  encoding: protobuf")
            Issue.record("protobuf must be refused")
        } catch {
            #expect(error.description
                == "c.yaml:12:13: mqtt.encoding: unknown encoding 'protobuf'; expected one of: senml-json, senml-cbor, sparkplug-b, homeassistant")
        }
    }
}
