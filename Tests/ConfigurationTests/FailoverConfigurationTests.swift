import Configuration
import Testing

/// `mqtt.failover`: brokers tried after `mqtt.host`, read in order with ports defaulting as
/// `mqtt.port` does, and refused with file, line and key.
@Suite struct FailoverConfigurationTests {
    typealias Broker = GatewayConfiguration.MQTTConfiguration.Broker

    /// minimalYAML has 12 lines; `mqttExtra` starts at line 13, inside `mqtt`.
    func parse(_ mqttExtra: String) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: minimalYAML + mqttExtra, file: configName, baseDirectory: "/tmp", kinds: testKinds)
    }

    @Test func theListIsReadInOrderAfterTheHost() throws {
        let config = try parse("  failover:\n    - host: b.example\n    - { host: c.example, port: 9883 }\n")
        // Plaintext here: a port left out is 1883, as mqtt.port's is.
        #expect(config.mqtt.failover == [Broker(host: "b.example", port: 1883), Broker(host: "c.example", port: 9883)])
        #expect(config.mqtt.brokers.map(\.description) == ["localhost:1883", "b.example:1883", "c.example:9883"])
        #expect(try parse("").mqtt.failover.isEmpty, "no failover: one broker, as before")
    }

    @Test func aPortLeftOutDefaultsTo8883WithTLS() throws {
        let sandbox = try Sandbox()
        let config = try GatewayConfiguration.parse(yaml: minimalWithTLS() + "  failover: [{host: b.example}]\n",
                                                    file: configName, baseDirectory: sandbox.path, kinds: testKinds)
        #expect(config.mqtt.failover == [Broker(host: "b.example", port: 8883)])
    }

    @Test func aBrokerListedTwiceIsRefusedAtItsSecondPlace() {
        #expect(errorDescription(minimalYAML + "  failover: [{host: b.example}, {host: B.example, port: 1883}]\n", base: "/tmp")
            == "\(configName):13:33: mqtt.failover[1]: B.example:1883 is listed twice (first as mqtt.failover[0])")
        // mqtt.host is localhost, port 1883 by default: the same broker again.
        #expect(errorDescription(minimalYAML + "  failover:\n    - host: LOCALHOST\n", base: "/tmp")
            == "\(configName):14:7: mqtt.failover[0]: LOCALHOST:1883 is listed twice (first as mqtt.host)")
        // Another port is another broker.
        #expect(errorDescription(minimalYAML + "  failover: [{host: localhost, port: 1884}]\n", base: "/tmp") == nil)
    }

    @Test func moreThanEightBrokersAreRefused() {
        let nine = (1...9).map { "{host: b\($0).example}" }.joined(separator: ", ")
        #expect(errorDescription(minimalYAML + "  failover: [\(nine)]\n", base: "/tmp")
            == "\(configName):13:13: mqtt.failover: 9 brokers listed; at most 8 are tried after mqtt.host")
        let eight = (1...8).map { "{host: b\($0).example}" }.joined(separator: ", ")
        #expect(errorDescription(minimalYAML + "  failover: [\(eight)]\n", base: "/tmp") == nil)
    }

    @Test func badEntriesNameFileLineAndKey() {
        #expect(errorDescription(minimalYAML + "  failover: [{host: b.example, port: 0}]\n", base: "/tmp")
            == "\(configName):13:38: mqtt.failover[0].port: 0 is out of range 1...65535")
        #expect(errorDescription(minimalYAML + "  failover: [{host: \"b c\"}]\n", base: "/tmp")
            == "\(configName):13:21: mqtt.failover[0].host: a host name cannot contain spaces")
        #expect(errorDescription(minimalYAML + "  failover: [{port: 1884}]\n", base: "/tmp")
            == "\(configName):13:14: mqtt.failover[0].host: missing required key")
        #expect(errorDescription(minimalYAML + "  failover: []\n", base: "/tmp")
            == "\(configName):13:13: mqtt.failover: an empty list: name at least one broker, or leave failover out")
        #expect(errorDescription(minimalYAML + "  failover: [{host: b.example, tls: false}]\n", base: "/tmp")
            == "\(configName):13:32: mqtt.failover[0].tls: unknown key; expected one of: host, port")
        #expect(errorDescription(minimalYAML + "  failover: b.example\n", base: "/tmp")?
            .hasPrefix("\(configName):13:13: mqtt.failover: expected a list, found") == true)
    }
}
