import Foundation
import HAL
import Testing
@testable import Configuration
import Drivers

@Suite("Valid configurations")
struct ValidConfigurationTests {
    typealias Config = GatewayConfiguration

    @Test("Examples/simulated.yaml parses, with its run/certs files in place")
    func simulatedExample() throws {
        let sandbox = try Sandbox(certs: "run/certs")
        let yaml = try String(contentsOfFile: "\(examplesDirectory)/simulated.yaml", encoding: .utf8)
        // The example sits in Examples/ and names the repository's run/ folder as ../run/.
        try FileManager.default.createDirectory(atPath: sandbox.path + "/Examples", withIntermediateDirectories: true)
        let config = try Config.parse(yaml: yaml, file: "simulated.yaml", baseDirectory: sandbox.path + "/Examples", kinds: testKinds)
        let base = sandbox.path + "/Examples/.."
        let expected = Config(
            gateway: .init(id: "dev-laptop"),
            board: .simulated,
            sensors: [
                .init(id: "air", kind: "bme280", bus: .i2c(bus: 1, address: try #require(I2CAddress(0x76))),
                      interval: .seconds(2), options: BME280Kind.Options()),
                .init(id: "shed", kind: "bme280",
                      bus: .spi(device: "/dev/spidev0.0", configuration: SPIConfiguration(mode: .mode0, speedHz: 1_000_000)),
                      interval: .seconds(5),
                      options: BME280Kind.Options(temperature: 2, pressure: 4, humidity: 1)),
                .init(id: "bench", kind: "sht3x", bus: .i2c(bus: 1, address: try #require(I2CAddress(0x44))),
                      interval: .seconds(5), options: SHT3xKind.Options(repeatability: .high)),
                .init(id: "window", kind: "bh1750", bus: .i2c(bus: 1, address: try #require(I2CAddress(0x23))),
                      interval: .seconds(10), options: BH1750Kind.Options()),
            ],
            storage: .init(path: "\(base)/run/outbox.sqlite", flushInterval: .seconds(1)),
            mqtt: .init(
                host: "localhost", port: 18883, clientID: "dev-laptop",
                tls: .mutual(ca: "\(base)/run/certs/ca.pem", certificate: "\(base)/run/certs/client.pem",
                             key: "\(base)/run/certs/client.key")),
            logLevel: .debug,
            warnings: [])
        #expect(config == expected)
        #expect(config.readingsTopic == "sensorgw/dev-laptop/readings")
    }

    @Test("Examples/raspberry-pi.yaml parses once its /etc and /var/lib paths point at real files")
    func raspberryPiExample() throws {
        let sandbox = try Sandbox(certs: "etc/sensorgw")
        try FileManager.default.createDirectory(atPath: "\(sandbox.path)/var/lib", withIntermediateDirectories: true)
        let yaml = try String(contentsOfFile: "\(examplesDirectory)/raspberry-pi.yaml", encoding: .utf8)
            .replacingOccurrences(of: "/etc/sensorgw/", with: "\(sandbox.path)/etc/sensorgw/")
            .replacingOccurrences(of: "/var/lib/sensorgw/", with: "\(sandbox.path)/var/lib/sensorgw/")
        let config = try Config.parse(yaml: yaml, file: "raspberry-pi.yaml", baseDirectory: "/nowhere", kinds: testKinds)
        #expect(config.gateway.id == "greenhouse-1")
        #expect(config.board == .linux)
        #expect(config.sensors.count == 1)
        #expect(config.sensors.first?.bus == .i2c(bus: 1, address: try #require(I2CAddress(0x76))))
        #expect(config.storage.path == "\(sandbox.path)/var/lib/sensorgw/outbox.sqlite")
        #expect(config.mqtt.host == "broker.example.net")
        #expect(config.mqtt.port == 8883)
        #expect(config.mqtt.reconnect == .init(initial: .seconds(1), max: .seconds(60)))
        #expect(config.mqtt.tls == .mutual(
            ca: "\(sandbox.path)/etc/sensorgw/ca.pem", certificate: "\(sandbox.path)/etc/sensorgw/client.pem",
            key: "\(sandbox.path)/etc/sensorgw/client.key"))
        #expect(config.logLevel == .info)
        #expect(config.warnings.isEmpty)
        #expect(config.readingsTopic == "sensorgw/greenhouse-1/readings")
    }

    @Test("Optional keys take their documented defaults")
    func defaults() throws {
        let sandbox = try Sandbox()
        let config = try Config.parse(yaml: minimalWithTLS(), file: configName, baseDirectory: sandbox.path, kinds: testKinds)
        let sensor = try #require(config.sensors.first)
        #expect(sensor.interval == .seconds(10))
        #expect(sensor.options.isEqual(to: BME280Kind.Options(temperature: 1, pressure: 1, humidity: 1)))
        #expect(config.storage.path == "\(sandbox.path)/outbox.sqlite")
        #expect(config.storage.flushInterval == .seconds(1))
        #expect(config.mqtt.port == 8883)
        #expect(config.mqtt.clientID == "gw")
        #expect(config.mqtt.topicPrefix == "sensorgw")
        #expect(config.mqtt.keepalive == .seconds(30))
        #expect(config.mqtt.inflightWindow == 20)
        #expect(config.mqtt.reconnect == .init(initial: .seconds(1), max: .seconds(60)))
        #expect(config.mqtt.tls == .mutual(
            ca: "\(sandbox.path)/certs/ca.pem", certificate: "\(sandbox.path)/certs/client.pem",
            key: "\(sandbox.path)/certs/client.key"))
        #expect(config.logLevel == .info)
        #expect(config.warnings == [])
    }

    @Test("tls: false gives plaintext on port 1883 and a warning for the agent to log")
    func plaintextWarning() throws {
        let sandbox = try Sandbox()
        let config = try Config.parse(yaml: minimalYAML, file: configName, baseDirectory: sandbox.path, kinds: testKinds)
        #expect(config.mqtt.tls == .disabled)
        #expect(config.mqtt.port == 1883)
        #expect(config.warnings == [
            "mqtt.tls is false: readings cross the network unencrypted, and the broker gets no client certificate, "
                + "so it cannot tell this gateway from anyone else who connects",
        ])
    }

    @Test("An I2C address may be written as hex, quoted hex or decimal",
          arguments: ["0x76", "\"0x76\"", "'0X76'", "118"])
    func addressForms(address: String) throws {
        let sandbox = try Sandbox()
        let yaml = minimal(replacingLine: 7, with: "    i2c: { bus: 1, address: \(address) }")
        let config = try Config.parse(yaml: yaml, file: configName, baseDirectory: sandbox.path, kinds: testKinds)
        #expect(config.sensors.first?.bus == .i2c(bus: 1, address: try #require(I2CAddress(0x76))))
    }

    @Test("Every key set explicitly is read")
    func everyKey() throws {
        let sandbox = try Sandbox()
        let yaml = """
            gateway: { id: gw-2 }
            board: linux
            sensors:
              - id: s1
                type: bme280
                spi: { device: /dev/spidev1.2, speed_hz: 500000, mode: 3 }
                interval: 500ms
                oversampling: { temperature: 16, pressure: 0, humidity: 8 }
            storage: { path: \(sandbox.path)/data/outbox.sqlite, flush_interval: 250ms }
            mqtt:
              host: 10.0.0.5
              port: 18883
              client_id: custom-client
              topic_prefix: farm/north
              keepalive: 1m
              inflight_window: 1000
              readings_per_message: 100
              reconnect: { initial: 500ms, max: 1h }
              tls:
                ca: certs/ca.pem
                certificate: ./certs/client.pem
                key: \(sandbox.path)/certs/client.key
            log: { level: trace }
            """
        let config = try Config.parse(yaml: yaml, file: configName, baseDirectory: sandbox.path + "/", kinds: testKinds)
        #expect(config.board == .linux)
        #expect(config.sensors == [
            .init(id: "s1", kind: "bme280",
                  bus: .spi(device: "/dev/spidev1.2", configuration: SPIConfiguration(mode: .mode3, speedHz: 500_000)),
                  interval: .milliseconds(500), options: BME280Kind.Options(temperature: 16, pressure: 0, humidity: 8)),
        ])
        #expect(config.storage == .init(path: "\(sandbox.path)/data/outbox.sqlite", flushInterval: .milliseconds(250)))
        #expect(config.mqtt == .init(
            host: "10.0.0.5", port: 18883, clientID: "custom-client", topicPrefix: "farm/north",
            keepalive: .seconds(60), inflightWindow: 1000,
            reconnect: .init(initial: .milliseconds(500), max: .seconds(3600)),
            tls: .mutual(ca: "\(sandbox.path)/certs/ca.pem", certificate: "\(sandbox.path)/certs/client.pem",
                         key: "\(sandbox.path)/certs/client.key"),
            readingsPerMessage: 100))
        #expect(config.logLevel == .trace)
        #expect(config.readingsTopic == "farm/north/gw-2/readings")
    }

    @Test("load(path:) reads the file and resolves relative paths against its directory")
    func loadResolvesAgainstFileDirectory() throws {
        let sandbox = try Sandbox()
        let file = try sandbox.write("sensorgw.yaml", minimalWithTLS())
        let config = try Config.load(path: file, kinds: testKinds)
        #expect(config.storage.path == "\(sandbox.path)/outbox.sqlite")
        #expect(config.mqtt.tls == .mutual(
            ca: "\(sandbox.path)/certs/ca.pem", certificate: "\(sandbox.path)/certs/client.pem",
            key: "\(sandbox.path)/certs/client.key"))
    }

    @Test("The error description leaves out the parts it does not have")
    func descriptionFormat() {
        #expect(ConfigurationError(file: "a.yaml", line: 3, column: 5, key: "mqtt.port", message: "bad").description
                == "a.yaml:3:5: mqtt.port: bad")
        #expect(ConfigurationError(file: "a.yaml", line: 3, column: 5, message: "bad").description == "a.yaml:3:5: bad")
        #expect(ConfigurationError(file: "a.yaml", message: "bad").description == "a.yaml: bad")
        #expect(ConfigurationError.exitCode == 78)
    }
}
