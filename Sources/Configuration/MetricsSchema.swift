import YAML

extension GatewayConfiguration {
    /// The optional `metrics` section.
    public struct MetricsSection: Sendable, Equatable {
        /// Where `GET /metrics` is served; nil (the default) serves nothing.
        public var listen: ListenAddress?

        public init(listen: ListenAddress? = nil) {
            self.listen = listen
        }
    }

    /// A loopback address and port: the metrics endpoint is never reachable from the network.
    public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
        /// A numeric loopback address: `127.x.y.z` or `::1`.
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Whether ``host`` is IPv6 (`::1`).
        public var isIPv6: Bool { host.contains(":") }

        /// As written in the file: `127.0.0.1:9464`, `[::1]:9464`.
        public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

        /// Parses `host:port` and accepts only loopback hosts; `localhost` is 127.0.0.1 (no
        /// name lookup: /etc/hosts could point it elsewhere). Returns the reason otherwise.
        public static func parse(_ text: String) -> Result<ListenAddress, ListenAddressError> {
            let host: Substring
            let portText: Substring
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                    return .failure(.malformed)
                }
                host = text[text.index(after: text.startIndex)..<close]
                portText = text[text.index(close, offsetBy: 2)...]
            } else {
                guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return .failure(.malformed) }
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            }
            guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), (1...5).contains(portText.count),
                  let port = Int(portText), (1...65535).contains(port) else {
                return .failure(.badPort)
            }
            if host == "localhost" { return .success(ListenAddress(host: "127.0.0.1", port: port)) }
            if host == "::1" { return .success(ListenAddress(host: "::1", port: port)) }
            let octets = host.split(separator: ".", omittingEmptySubsequences: false)
            let numbers = octets.compactMap { octet -> Int? in
                guard (1...3).contains(octet.count), octet.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
                return Int(octet).flatMap { $0 <= 255 ? $0 : nil }
            }
            guard octets.count == 4, numbers.count == 4 else { return .failure(.notLoopback) }
            // 127.0.0.0/8 is loopback (RFC 1122 section 3.2.1.3); everything else can be reached from outside.
            guard numbers[0] == 127 else { return .failure(.notLoopback) }
            return .success(ListenAddress(host: numbers.map(String.init).joined(separator: "."), port: port))
        }
    }

    /// Why a `metrics.listen` value is refused.
    public enum ListenAddressError: Error, Sendable, Equatable {
        case malformed, badPort, notLoopback
    }
}

extension SchemaReader {
    /// `metrics: { listen: "127.0.0.1:9464" }`.
    func metrics(_ node: Node, path: String) throws(ConfigurationError) -> GatewayConfiguration.MetricsSection {
        var section = GatewayConfiguration.MetricsSection()
        try reader.forEachEntry(of: node, path: path, allowed: ["listen"]) { (_, value, _, keyPath) throws(ConfigurationError) in
            let text = try reader.string(value, path: keyPath)
            let excerpt = NodeReader.excerpt(text)
            switch GatewayConfiguration.ListenAddress.parse(text) {
            case .success(let address):
                section.listen = address
            case .failure(.malformed):
                throw fail(keyPath, at: value.mark,
                           "'\(excerpt)' is not an address and port; write 127.0.0.1:9464 or [::1]:9464")
            case .failure(.badPort):
                throw fail(keyPath, at: value.mark, "'\(excerpt)' has no valid port; use 1 to 65535, e.g. 127.0.0.1:9464")
            case .failure(.notLoopback):
                throw fail(keyPath, at: value.mark,
                           "'\(excerpt)' is not a loopback address; the metrics endpoint listens on this board only "
                           + "(127.0.0.1, [::1] or localhost): scrape it from a local Prometheus agent or through an SSH tunnel")
            }
        }
        return section
    }
}
