/// Rules of hosted brokers that a configuration can be checked against when it loads, cheaply
/// and by the broker's host name alone. Breaking one is a warning, not an error: the platform may
/// change its limits, and a private endpoint may have another name (docs/UPLINKS.md).
enum PlatformRules {
    /// AWS IoT Core's message broker quotas: a topic has at most 7 forward slashes and 256
    /// bytes, a client id at most 128 bytes.
    static let awsMaximumSlashes = 7
    static let awsMaximumTopicBytes = 256
    static let awsMaximumClientIDBytes = 128

    /// What AWS IoT Core would refuse, when `host` is one of its endpoints.
    static func warnings(_ configuration: GatewayConfiguration, file: String) -> [String] {
        let mqtt = configuration.mqtt
        guard mqtt.host.hasSuffix(".amazonaws.com"), mqtt.host.contains(".iot.") else { return [] }
        var warnings: [String] = []
        let topics = [("readings", configuration.readingsTopic), ("status", configuration.statusTopic)]
            + (configuration.availabilityTopic.map { [("availability", $0)] } ?? [])
        for (key, topic) in topics {
            let slashes = topic.utf8.count { $0 == UInt8(ascii: "/") }
            if slashes > awsMaximumSlashes {
                warnings.append("\(file): mqtt.topics.\(key): '\(topic)' has \(slashes) slashes; AWS IoT Core refuses a topic with more than \(awsMaximumSlashes)")
            }
            if topic.utf8.count > awsMaximumTopicBytes {
                warnings.append("\(file): mqtt.topics.\(key): \(topic.utf8.count) bytes; AWS IoT Core refuses a topic longer than \(awsMaximumTopicBytes)")
            }
        }
        if mqtt.clientID.utf8.count > awsMaximumClientIDBytes {
            warnings.append("\(file): mqtt.client_id: \(mqtt.clientID.utf8.count) bytes; AWS IoT Core refuses a client id longer than \(awsMaximumClientIDBytes)")
        }
        return warnings
    }
}
