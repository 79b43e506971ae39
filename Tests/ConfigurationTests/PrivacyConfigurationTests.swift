import Foundation
import Testing
@testable import Configuration
import Pipeline
import SensorKit

/// The privacy keys (docs/PRIVACY.md). Line numbers refer to `minimalYAML` with lines inserted
/// (the BME280 entry ends on line 7; `gateway:` is line 1, its `id` line 2).
@Suite("Privacy: redaction, coarsening, pseudonym")
struct PrivacyConfigurationTests {
    let sandbox: Sandbox
    var d: String { sandbox.path }

    init() throws {
        sandbox = try Sandbox()
    }

    /// The key of docs' example, 32 bytes, mode 0600.
    static let key = "0123456789abcdef0123456789abcdef"

    private func parse(_ yaml: String) throws -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: yaml, file: configName, baseDirectory: d, kinds: testKinds)
    }

    private func expectError(_ yaml: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(errorDescription(yaml, base: d) == expected, sourceLocation: sourceLocation)
    }

    @Test func everyPrivacyKeyIsRead() throws {
        let config = try parse(minimal(inserting:
            "    privacy: { redact: [humidity], time_resolution: 5s }",
            "    quantities:",
            "      temperature: { coarsen: 0.5 }",
            "      pressure: { unit: hPa, redact: false, coarsen: 1 }",
            before: 8).replacingOccurrences(of: "  id: gw\n", with: "  id: gw\n  privacy: { time_resolution: 1m }\n"))
        #expect(config.gateway.timeResolution == .seconds(60))
        let sensor = config.sensors[0]
        #expect(sensor.privacy == GatewayConfiguration.SensorPrivacy(redactAll: false, timeResolution: .seconds(5)))
        #expect(sensor.quantities == [
            QuantitySettings(quantity: "temperature", coarsening: ValueCoarsening(step: 0.5)),
            QuantitySettings(quantity: "pressure", unit: SenMLUnit(rawValue: "hPa"), coarsening: ValueCoarsening(step: 1)),
            QuantitySettings(quantity: "humidity", redacted: true),
        ])
        let wire = config.wirePrivacy
        #expect(wire.redactedQuantities == [WirePrivacy.SensorQuantity(sensorID: "air", quantity: "humidity")])
        #expect(wire.timeResolutions == ["air": TimeCoarsening(.seconds(5))])
        #expect(wire.defaultTimeResolution == TimeCoarsening(.seconds(60)))
        // Without a pseudonym the wire id is the configured one.
        #expect(config.gateway.wireID == "gw" && config.readingsTopic == "sensorgw/gw/readings")
    }

    @Test func aSensorRedactedWholeGetsAPipelineThatStoresNothing() throws {
        let config = try parse(minimal(inserting: "    privacy: { redact: true }", before: 8))
        #expect(config.sensors[0].privacy.redactAll)
        #expect(config.wirePrivacy.redactedSensors == ["air"])
        let kind = try #require(SensorRegistry.builtIn.kind(named: "bme280"))
        var pipeline = kind.pipeline(for: config.sensors[0])
        let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 1, clockSynchronized: true)
        let result = pipeline.process([Reading(sensorID: "air", quantity: "temperature", value: 21, unit: .celsius, timestamp: stamp),
                                       Reading(sensorID: "air", quantity: "humidity", value: 40, unit: .relativeHumidity, timestamp: stamp)])
        #expect(result.passed.isEmpty)
        #expect(result.dropped.map(\.reason) == ["redacted", "redacted"])
    }

    @Test func badPrivacySettingsNameFileLineAndKey() {
        expectError(minimal(inserting: "    quantities: { temperature: { coarsen: 0 } }", before: 8),
                    "sensorgw.yaml:8:43: sensors[0].quantities.temperature.coarsen: the step must be greater than zero, found 0")
        expectError(minimal(inserting: "    quantities: { temperature: { coarsen: -0.5 } }", before: 8),
                    "sensorgw.yaml:8:43: sensors[0].quantities.temperature.coarsen: the step must be greater than zero, found -0.5")
        expectError(minimal(inserting: "    quantities: { temperature: { coarsen: .nan } }", before: 8),
                    "sensorgw.yaml:8:43: sensors[0].quantities.temperature.coarsen: expected a finite number, found '.nan'")
        expectError(minimal(inserting: "    quantities: { temperature: { redact: yes } }", before: 8),
                    "sensorgw.yaml:8:42: sensors[0].quantities.temperature.redact: expected true or false, found the boolean 'yes'")
        expectError(minimal(inserting: "    privacy: { hide: true }", before: 8),
                    "sensorgw.yaml:8:16: sensors[0].privacy.hide: unknown key; expected one of: redact, time_resolution")
        expectError(minimal(inserting: "    privacy: { redact: [humidity, wind] }", before: 8),
                    "sensorgw.yaml:8:35: sensors[0].privacy.redact[1]: unknown quantity 'wind' for type bme280; expected one of: temperature, pressure, humidity")
        expectError(minimal(inserting: "    privacy: { redact: 1 }", before: 8),
                    "sensorgw.yaml:8:24: sensors[0].privacy.redact: expected true, false or a list of quantities, found the integer 1")
        expectError(minimal(inserting: "    privacy: { time_resolution: 0s }", before: 8),
                    "sensorgw.yaml:8:33: sensors[0].privacy.time_resolution: 0s is out of range 1ms...1d")
        expectError(minimal(inserting: "  privacy: { resolution: 1m }", before: 3),
                    "sensorgw.yaml:3:14: gateway.privacy.resolution: unknown key; expected one of: time_resolution")
    }

    // MARK: pseudonym

    private func pseudonymYAML(key: String = "pseudonym.key", hardwareID: String = "\"10000000a1b2c3d4\"") -> String {
        minimal(inserting: "  pseudonym: { key: \(key), hardware_id: \(hardwareID) }", before: 3)
    }

    /// The id computed independently with Python's `hmac` module:
    /// `hmac.new(b"0123456789abcdef0123456789abcdef", b"10000000a1b2c3d4", sha256).hexdigest()[:16]`.
    @Test func thePseudonymIsTheIdOnTheWire() throws {
        try sandbox.write("pseudonym.key", Self.key, mode: 0o600)
        let config = try parse(pseudonymYAML())
        #expect(config.gateway.id == "gw")
        #expect(config.gateway.wireID == "gw-08455facb091f4c9")
        #expect(config.readingsTopic == "sensorgw/gw-08455facb091f4c9/readings")
        #expect(config.statusTopic == "sensorgw/gw-08455facb091f4c9/status")
        #expect(config.mqtt.clientID == "gw-08455facb091f4c9")
    }

    @Test func aMissingShortOrShareableKeyIsAConfigError() throws {
        expectError(pseudonymYAML(),
                    "sensorgw.yaml:3:21: gateway.pseudonym.key: file not found: \(d)/pseudonym.key "
                        + "(the pseudonym key: head -c 32 /dev/urandom > FILE; chmod 600 FILE)")
        try sandbox.write("pseudonym.key", "short", mode: 0o600)
        expectError(pseudonymYAML(),
                    "sensorgw.yaml:3:21: gateway.pseudonym.key: \(d)/pseudonym.key holds 5 bytes; a pseudonym key needs at least 16 "
                        + "(head -c 32 /dev/urandom > \(d)/pseudonym.key)")
        try sandbox.write("pseudonym.key", Self.key, mode: 0o640)
        expectError(pseudonymYAML(),
                    "sensorgw.yaml:3:21: gateway.pseudonym.key: \(d)/pseudonym.key is readable by its group (mode 0640); "
                        + "run chmod 600 \(d)/pseudonym.key, or load it as a systemd credential")
        try sandbox.write("pseudonym.key", Self.key, mode: 0o604)
        expectError(pseudonymYAML(),
                    "sensorgw.yaml:3:21: gateway.pseudonym.key: \(d)/pseudonym.key is readable by other users (mode 0604); "
                        + "run chmod 600 \(d)/pseudonym.key, or load it as a systemd credential")
        expectError(minimal(inserting: "  pseudonym: { hardware_id: auto }", before: 3),
                    "sensorgw.yaml:3:3: gateway.pseudonym.key: missing required key")
        expectError(minimal(inserting: "  pseudonym: { serial: auto }", before: 3),
                    "sensorgw.yaml:3:16: gateway.pseudonym.serial: unknown key; expected one of: key, hardware_id")
    }

    @Test func autoTakesTheFirstSerialNumberFileThatHoldsOne() throws {
        let empty = try sandbox.write("empty", "\0")
        let serial = try sandbox.write("serial-number", "10000000a1b2c3d4\0")
        let machine = try sandbox.write("machine-id", "0123456789abcdef0123456789abcdef\n")
        #expect(try HardwareIdentity.read(files: ["\(d)/absent", empty, serial, machine]).get() == "10000000a1b2c3d4")
        #expect(try HardwareIdentity.read(files: ["\(d)/absent", machine]).get() == "0123456789abcdef0123456789abcdef")
        guard case .failure(let missing) = HardwareIdentity.read(files: ["\(d)/absent", empty]) else {
            Issue.record("an empty serial number is no hardware id")
            return
        }
        #expect(missing.description == "no hardware id found (tried \(d)/absent, \(empty)); give one: hardware_id: \"<serial number>\"")
    }

    /// With a pseudonym on, neither the serial number nor the configured id reaches the broker
    /// in any encoding: the encoders are made from the configuration as the agent makes them.
    @Test func theSerialNumberNeverAppearsInAnyEncodedMessage() throws {
        try sandbox.write("pseudonym.key", Self.key, mode: 0o600)
        let serial = "10000000a1b2c3d4"
        let config = try parse(pseudonymYAML().replacingOccurrences(of: "id: gw\n", with: "id: greenhouse-serial\n"))
        let devices = [EncoderDevice(sensorID: "air", quantities: [.init(name: "temperature", unit: .celsius)])]
        let context = EncoderContext(gatewayID: config.gateway.wireID, readingsTopic: config.readingsTopic, devices: devices,
                                     sparkplugGroupID: config.mqtt.sparkplugGroupID, sparkplugEdgeNodeID: config.mqtt.sparkplugEdgeNodeID)
        let reading = Reading(sensorID: "air", quantity: "temperature", value: 21.5, unit: .celsius,
                              timestamp: Timestamp(wallSeconds: 1_700_000_000, monotonicNanoseconds: 9, clockSynchronized: true),
                              sequence: 1)
        var wire: [(String, [UInt8])] = [("client id", Array(config.mqtt.clientID.utf8)), ("status topic", Array(config.statusTopic.utf8))]
        for factory in ReadingEncoders.all {
            let encoder = factory.makeEncoder(context)
            var buffer: [UInt8] = []
            let message = encoder.encode([reading][...], into: &buffer)
            wire.append((message.topic, buffer))
            if var hooks = encoder.makeConnectionHooks() {
                if let will = hooks.willForNextConnection(wallSeconds: 0) { wire.append((will.topic, will.payload)) }
                for sent in hooks.connected(wallSeconds: 0) { wire.append((sent.topic, sent.payload)) }
                let data = hooks.encode([reading][...], into: &buffer)
                wire.append((data.topic, buffer))
            }
        }
        #expect(wire.count > ReadingEncoders.all.count)
        for (topic, payload) in wire {
            for text in [Array(topic.utf8), payload] {
                #expect(!contains(text, Array(serial.utf8)), "\(topic)")
                #expect(!contains(text, Array("greenhouse-serial".utf8)), "\(topic)")
            }
        }
        #expect(wire.contains { contains(Array($0.0.utf8) + $0.1, Array("gw-08455facb091f4c9".utf8)) })
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<$0 + needle.count]) == needle }
    }
}
