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

    @Test func topicLayoutsFillPrefixAndGatewayAndDefaultToToday() throws {
        let defaults = try parse("")
        #expect(defaults.readingsTopic == "sensorgw/gw/readings" && defaults.statusTopic == "sensorgw/gw/status")
        #expect(defaults.mqtt.topics.discoveryPrefix == "homeassistant")
        let custom = try parse("  topic_prefix: farm\n  topics: { readings: \"site/{gateway}/data\", status: \"{prefix}/ops/{gateway}\", discovery_prefix: ha }\n")
        #expect(custom.readingsTopic == "site/gw/data")
        #expect(custom.statusTopic == "farm/ops/gw")
        #expect(custom.mqtt.topics.discoveryPrefix == "ha")
    }

    @Test func theAvailabilityTopicDefaultsBesideTheOthersAndCanBeMovedOrSwitchedOff() throws {
        #expect(try parse("").availabilityTopic == "sensorgw/gw/availability")
        #expect(try parse("  topic_prefix: farm\n  topics: { availability: \"{prefix}/up/{gateway}\" }\n").availabilityTopic == "farm/up/gw")
        let off = try parse("  topics: { availability: false }\n")
        #expect(off.availabilityTopic == nil && off.mqtt.topics.availability == nil)
        #expect(errorDescription(minimalYAML + "  topics: { availability: \"{prefix}/{gateway}/status\" }\n", base: "/tmp")
            == "\(configName):13:27: mqtt.topics.availability: the online/offline status needs a topic of its own, not the status topic")
        #expect(errorDescription(minimalYAML + "  topics: { readings: \"a/{gateway}\", availability: \"a/{gateway}\" }\n", base: "/tmp")
            == "\(configName):13:52: mqtt.topics.availability: the online/offline status needs a topic of its own, not the readings topic")
        #expect(errorDescription(minimalYAML + "  topics: { availability: \"{prefix}/{board}\" }\n", base: "/tmp")
            == "\(configName):13:27: mqtt.topics.availability: unknown placeholder '{board}': use {prefix} and {gateway}")
        #expect(errorDescription(minimalYAML + "  topics: { availability: true }\n", base: "/tmp")?
            .hasPrefix("\(configName):13:27: mqtt.topics.availability:") == true, "true is not a topic")
    }

    @Test func badTopicLayoutsNameFileLineAndKey() {
        #expect(errorDescription(minimalYAML + "  topics: { readings: \"a/{sensor}\" }\n", base: "/tmp")
            == "\(configName):13:23: mqtt.topics.readings: unknown placeholder '{sensor}': use {prefix} and {gateway}")
        #expect(errorDescription(minimalYAML + "  topics: { readings: \"a/#\" }\n", base: "/tmp")?
            .contains("mqtt.topics.readings: 'a/#' contains an MQTT wildcard") == true)
        #expect(errorDescription(minimalYAML + "  topics: { status: \"{prefix}/{gateway}/readings\" }\n", base: "/tmp")?
            .contains("mqtt.topics.status: status reports need a topic of their own") == true)
        #expect(errorDescription(minimalYAML + "  topics: { discovery_prefix: \"ha/{gateway}\" }\n", base: "/tmp")?
            .contains("mqtt.topics.discovery_prefix: the discovery prefix takes no placeholders") == true)
        #expect(errorDescription(minimalYAML + "  topics: { state: x }\n", base: "/tmp")?.contains("mqtt.topics.state: unknown key") == true)
    }
}
