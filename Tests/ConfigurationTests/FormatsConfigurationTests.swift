import Configuration
import Testing

/// `mqtt.encoding`'s new names, `mqtt.sparkplug`, `mqtt.max_packet_size` and the batch limits
/// `bytes_per_message` and `batch_wait`: read, and refused
/// with file, line and key.
@Suite struct FormatsConfigurationTests {
    func parse(_ mqttExtra: String) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: minimalYAML + mqttExtra, file: configName, baseDirectory: "/tmp", kinds: testKinds)
    }

    @Test func sparkplugIdsAndTheMaximumPacketSizeAreRead() throws {
        let config = try parse("  encoding: sparkplug-b\n  sparkplug: { group_id: plant, edge_node_id: line-3 }\n  max_packet_size: 4096\n")
        #expect(config.mqtt.encoding == "sparkplug-b")
        #expect(config.mqtt.sparkplugGroupID == "plant" && config.mqtt.sparkplugEdgeNodeID == "line-3")
        #expect(config.mqtt.maxPacketSize == 4096)
        let defaults = try parse("  encoding: homeassistant\n")
        #expect(defaults.mqtt.sparkplugGroupID == nil && defaults.mqtt.maxPacketSize == nil)
    }

    @Test func badValuesNameFileLineAndKey() {
        // minimalYAML has 12 lines; the extra ones start at line 13.
        #expect(errorDescription(minimalYAML + "  sparkplug: { group_id: a/b }\n", base: "/tmp")
            == "\(configName):13:26: mqtt.sparkplug.group_id: 'a/b' is a Sparkplug id: it cannot contain '/', '+' or '#'")
        #expect(errorDescription(minimalYAML + "  sparkplug: { group: x }\n", base: "/tmp")?
            .hasPrefix("\(configName):13:16: mqtt.sparkplug.group: unknown key") == true)
        #expect(errorDescription(minimalYAML + "  max_packet_size: 100\n", base: "/tmp")?
            .hasPrefix("\(configName):13:20: mqtt.max_packet_size: 100 is out of range") == true)
    }

    @Test func theBatchLimitsAreReadAndDefaultToNoBudgetAndNoWait() throws {
        let config = try parse("  encoding: senml-cbor\n  readings_per_message: 100\n  bytes_per_message: 1400\n  batch_wait: 30s\n")
        #expect(config.mqtt.readingsPerMessage == 100)
        #expect(config.mqtt.bytesPerMessage == 1400)
        #expect(config.mqtt.batchWait == .seconds(30))
        let defaults = try parse("  encoding: senml-cbor\n")
        #expect(defaults.mqtt.bytesPerMessage == nil && defaults.mqtt.batchWait == .zero)
    }

    @Test func badBatchLimitsNameFileLineAndKey() {
        #expect(errorDescription(minimalYAML + "  bytes_per_message: 32\n", base: "/tmp")?
            .hasPrefix("\(configName):13:22: mqtt.bytes_per_message: 32 is out of range") == true)
        let wait = errorDescription(minimalYAML + "  batch_wait: 20min\n", base: "/tmp")
        #expect(wait?.hasPrefix("\(configName):13:15: mqtt.batch_wait:") == true, "\(wait ?? "no error")")
        let typo = errorDescription(minimalYAML + "  batch_age: 5s\n", base: "/tmp")
        #expect(typo?.contains("batch_wait") == true, "the unknown-key error lists the keys: \(typo ?? "no error")")
    }
}
