import Foundation
import Testing
@testable import Configuration

/// Every file in `Examples/uplinks/` loads, with stand-ins for the files it names (real
/// certificates from ``TestCertificates`` under the names the profile uses), and sets what its
/// platform needs (docs/UPLINKS.md).
@Suite("Examples/uplinks")
struct UplinkProfileTests {
    static let directory = "\(examplesDirectory)/uplinks"

    /// Loads `name` from a sandbox holding certs/ with every file the profiles name.
    func load(_ name: String) throws -> GatewayConfiguration {
        let sandbox = try Sandbox()
        let made = try sharedCertificates.get()
        for certificate in ["device.pem.crt", "device.pem"] { try sandbox.copy(made.client, to: "certs/\(certificate)") }
        for key in ["private.pem.key", "device.key"] { try sandbox.copy(made.clientKey, to: "certs/\(key)", mode: 0o600) }
        try sandbox.copy(made.ca, to: "certs/emqx-ca.pem")
        try sandbox.write("certs/mqtt.password", "stand-in password\n", mode: 0o600)
        var yaml = try String(contentsOfFile: "\(Self.directory)/\(name)", encoding: .utf8)
        if !FileManager.default.fileExists(atPath: GatewayConfiguration.TLSOptions.systemCAFile) {
            yaml = yaml.replacingOccurrences(of: "ca: system", with: "ca: certs/ca.pem")
        }
        // The storage directory of a real install need not exist here.
        yaml = yaml.replacingOccurrences(of: "/var/lib/sensorgw/outbox.sqlite", with: "outbox.sqlite")
        return try GatewayConfiguration.parse(yaml: yaml, file: name, baseDirectory: sandbox.path, kinds: testKinds,
                                              clock: TLSMaterialTests.midway)
    }

    @Test("Each profile loads, and docs/UPLINKS.md describes each one")
    func everyProfileLoads() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(names == ["aws-iot-core.yaml", "azure-iot-hub.yaml", "emqx.yaml", "hivemq.yaml", "mosquitto.yaml"])
        let page = try String(contentsOfFile: "\(examplesDirectory)/../docs/UPLINKS.md", encoding: .utf8)
        for name in names {
            let configuration = try load(name)
            #expect(configuration.warnings.isEmpty, "\(name): \(configuration.warnings)")
            #expect(configuration.mqtt.tls != .disabled, "\(name) uses TLS")
            #expect(page.contains("Examples/uplinks/\(name)"), "docs/UPLINKS.md names \(name)")
        }
    }

    @Test("AWS IoT Core: 8883, client id is the thing name, topics within 7 slashes, 128 KB packets")
    func aws() throws {
        let configuration = try load("aws-iot-core.yaml")
        let mqtt = configuration.mqtt
        #expect(mqtt.port == 8883)
        #expect(mqtt.clientID == configuration.gateway.id)
        #expect(mqtt.maxPacketSize == 131_072)
        #expect(mqtt.protocolOptions.version == .v5)
        for topic in [configuration.readingsTopic, configuration.statusTopic] {
            #expect(topic.filter { $0 == "/" }.count <= 7 && !topic.hasPrefix("$aws"), "\(topic)")
        }
        #expect(configuration.readingsTopic == "dt/sensorgw/greenhouse-7/readings")
    }

    @Test("AWS IoT Core on 443 with ALPN x-amzn-mqtt-ca, as the profile's comment says")
    func awsOn443() throws {
        let sandbox = try Sandbox()
        let yaml = try String(contentsOfFile: "\(Self.directory)/aws-iot-core.yaml", encoding: .utf8)
            .replacingOccurrences(of: "  port: 8883", with: "  port: 443")
            .replacingOccurrences(of: "    # alpn: x-amzn-mqtt-ca", with: "    alpn: x-amzn-mqtt-ca")
            .replacingOccurrences(of: "certs/device.pem.crt", with: "certs/client.pem")
            .replacingOccurrences(of: "certs/private.pem.key", with: "certs/client.key")
            .replacingOccurrences(of: "ca: system", with: "ca: certs/ca.pem")
            .replacingOccurrences(of: "/var/lib/sensorgw/outbox.sqlite", with: "outbox.sqlite")
        let mqtt = try GatewayConfiguration.parse(yaml: yaml, file: "aws.yaml", baseDirectory: sandbox.path, kinds: testKinds,
                                                  clock: TLSMaterialTests.midway).mqtt
        #expect(mqtt.port == 443 && mqtt.tlsOptions.alpn == ["x-amzn-mqtt-ca"])
    }

    @Test("An AWS topic with more than 7 slashes is a warning at load, not an error")
    func awsSlashWarning() throws {
        let sandbox = try Sandbox()
        let yaml = try String(contentsOfFile: "\(Self.directory)/aws-iot-core.yaml", encoding: .utf8)
            .replacingOccurrences(of: #"readings: "dt/{prefix}/{gateway}/readings""#, with: #"readings: "a/b/c/d/e/f/g/{gateway}/readings""#)
            .replacingOccurrences(of: "ca: system", with: "ca: certs/ca.pem")
            .replacingOccurrences(of: "certs/device.pem.crt", with: "certs/client.pem")
            .replacingOccurrences(of: "certs/private.pem.key", with: "certs/client.key")
            .replacingOccurrences(of: "/var/lib/sensorgw/outbox.sqlite", with: "outbox.sqlite")
        let configuration = try GatewayConfiguration.parse(yaml: yaml, file: "aws.yaml", baseDirectory: sandbox.path, kinds: testKinds,
                                                           clock: TLSMaterialTests.midway)
        #expect(configuration.warnings == [
            "aws.yaml: mqtt.topics.readings: 'a/b/c/d/e/f/g/greenhouse-7/readings' has 8 slashes; AWS IoT Core refuses a topic with more than 7",
        ])
    }

    @Test("Azure IoT Hub: MQTT 3.1.1, the device id as client id and in the username, devices/{id}/messages/events/ only")
    func azure() throws {
        let configuration = try load("azure-iot-hub.yaml")
        let mqtt = configuration.mqtt
        let device = configuration.gateway.id
        #expect(mqtt.protocolOptions.version == .v311)
        #expect(mqtt.clientID == device)
        #expect(mqtt.protocolOptions.username == "my-hub.azure-devices.net/\(device)/?api-version=2021-04-12")
        #expect(mqtt.protocolOptions.passwordFile == nil, "X.509: the certificate is the credential")
        #expect(mqtt.host == "my-hub.azure-devices.net" && mqtt.port == 8883)
        for topic in [configuration.readingsTopic, configuration.statusTopic] {
            #expect(topic.hasPrefix("devices/\(device)/messages/events/"), "\(topic)")
        }
        #expect(mqtt.maxPacketSize == 262_144)
        #expect(mqtt.protocolOptions.userProperties.isEmpty && mqtt.protocolOptions.messageExpiry == nil)
    }

    @Test("EMQX and HiveMQ: a username and a password file over server-only TLS")
    func passwordPlatforms() throws {
        for name in ["emqx.yaml", "hivemq.yaml"] {
            let mqtt = try load(name).mqtt
            let options = mqtt.protocolOptions
            #expect(options.username == "greenhouse-7", "\(name)")
            if case .serverOnly = mqtt.tls {} else { Issue.record("\(name): server-only TLS, the password is the identity") }
            #expect(options.passwordFile?.hasSuffix("/certs/mqtt.password") == true, "\(name)")
            #expect(options.version == .v5)
        }
    }

    @Test("mosquitto: mutual TLS on 8883 with the MQTT 5 options")
    func mosquitto() throws {
        let mqtt = try load("mosquitto.yaml").mqtt
        #expect(mqtt.port == 8883)
        #expect(mqtt.protocolOptions.username == nil)
        #expect(mqtt.protocolOptions.messageExpiry == .seconds(86_400))
        #expect(mqtt.protocolOptions.userProperties == [.init(name: "site", value: "greenhouse")])
    }
}
