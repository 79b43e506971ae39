import YAML

/// `mqtt.failover: [{host, port}, ...]`: brokers tried after `mqtt.host`, in order, sharing the
/// TLS files, client id and topics. A port left out defaults as `mqtt.port` does (8883 with
/// TLS, 1883 without), so it is filled in only once the whole `mqtt` section is read.
extension SchemaReader {
    /// Most failover brokers: a longer list is more likely a pasted inventory than a cluster, and
    /// a whole round of dead brokers is what the reconnect backoff waits after.
    static let maxFailoverBrokers = 8

    /// A failover entry as written: its port only if given, and where it is for later errors.
    struct FailoverEntry {
        var host: String
        var port: Int?
        var path: String
        var mark: Mark?
    }

    /// A host name as `mqtt.host` and each failover entry take it.
    func brokerHost(_ node: Node, path: String) throws(ConfigurationError) -> String {
        let text = try reader.nonEmptyString(node, path: path)
        guard !text.contains(where: \.isWhitespace) else {
            throw fail(path, at: node.mark, "a host name cannot contain spaces")
        }
        return text
    }

    func failover(_ node: Node, path: String) throws(ConfigurationError) -> [FailoverEntry] {
        let items = try reader.items(node, path: path)
        guard !items.isEmpty else {
            throw fail(path, at: node.mark, "an empty list: name at least one broker, or leave failover out")
        }
        guard items.count <= Self.maxFailoverBrokers else {
            throw fail(path, at: node.mark,
                       "\(items.count) brokers listed; at most \(Self.maxFailoverBrokers) are tried after mqtt.host")
        }
        var entries: [FailoverEntry] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            var host: String?
            var port: Int?
            try reader.forEachEntry(of: item, path: itemPath, allowed: ["host", "port"]) {
                (key, value, _, keyPath) throws(ConfigurationError) in
                if key == "host" {
                    host = try brokerHost(value, path: keyPath)
                } else {
                    port = try reader.integer(value, path: keyPath, in: 1...65535)
                }
            }
            guard let host else { throw reader.missing("\(itemPath).host", in: item.mark) }
            entries.append(FailoverEntry(host: host, port: port, path: itemPath, mark: item.mark))
        }
        return entries
    }

    /// The entries with their ports filled in; a broker listed twice (or equal to `mqtt.host`
    /// and `mqtt.port`) is refused at its second appearance. Host names compare without case,
    /// as DNS does.
    func failoverBrokers(_ entries: [FailoverEntry], primary: Config.MQTTConfiguration.Broker, defaultPort: Int,
                         mqttPath: String) throws(ConfigurationError) -> [Config.MQTTConfiguration.Broker] {
        var seen: [(key: String, where: String)] = [("\(primary.host.lowercased()):\(primary.port)", "\(mqttPath).host")]
        var brokers: [Config.MQTTConfiguration.Broker] = []
        for entry in entries {
            let broker = Config.MQTTConfiguration.Broker(host: entry.host, port: entry.port ?? defaultPort)
            let key = "\(broker.host.lowercased()):\(broker.port)"
            if let first = seen.first(where: { $0.key == key }) {
                throw fail(entry.path, at: entry.mark, "\(broker.host):\(broker.port) is listed twice (first as \(first.where))")
            }
            seen.append((key, entry.path))
            brokers.append(broker)
        }
        return brokers
    }
}
