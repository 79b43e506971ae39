#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension GatewayConfiguration {
    /// The hardening settings of `mqtt.tls` beside its three files (docs/SECURITY.md).
    public struct TLSOptions: Sendable, Equatable {
        /// The oldest TLS version the uplink accepts (`min_version`).
        public enum Version: String, Sendable, Equatable, CaseIterable {
            case tls12 = "1.2"
            case tls13 = "1.3"
        }

        /// `min_version`: default 1.2; 1.0 and 1.1 are refused (RFC 8996).
        public var minVersion: Version = .tls12
        /// `pin_sha256`: SHA-256 digests (32 bytes each) of the server's SubjectPublicKeyInfo;
        /// empty: no pinning. The server's key must match one of them, on top of the chain and
        /// host name checks.
        public var pinnedKeys: [[UInt8]] = []
        /// `crl`: a PEM file of certificate revocation lists, checked against the server's
        /// certificate; nil: none.
        public var crl: String?
        /// `alpn`: the protocols offered in the ClientHello's ALPN extension, in order.
        public var alpn: [String] = []

        /// No hardening beyond the defaults.
        public init() {}
    }
}

extension GatewayConfiguration.TLSOptions {
    /// The bundle Debian's ca-certificates package keeps up to date, used for `ca: system`.
    public static let systemCAFile = "/etc/ssl/certs/ca-certificates.crt"
    /// The most `pin_sha256` entries: the current key and backups, not a trust store.
    static let maximumPins = 8
    /// The keys of `mqtt.tls` these options add.
    static let keys = ["min_version", "pin_sha256", "crl", "alpn"]
}

extension SchemaReader {
    /// Reads one of ``GatewayConfiguration/TLSOptions/keys`` into `options`.
    func tlsOption(_ name: String, _ value: Node, path: String, into options: inout Config.TLSOptions,
                   warnings: inout [String]) throws(ConfigurationError) {
        switch name {
        case "min_version":
            let text = try reader.string(value, path: path)
            if let version = Config.TLSOptions.Version(rawValue: text) {
                options.minVersion = version
            } else if ["1", "1.0", "1.1"].contains(text) {
                throw fail(path, at: value.mark, "TLS \(text) is refused: RFC 8996 retired TLS 1.0 and 1.1; use \"1.2\" or \"1.3\"")
            } else {
                throw fail(path, at: value.mark, "'\(NodeReader.excerpt(text))' is not a TLS version; expected \"1.2\" or \"1.3\"")
            }
        case "pin_sha256":
            options.pinnedKeys = try pins(value, path: path)
        case "crl":
            let file = try readableFile(value, path: path, what: "PEM certificate revocation lists from the broker's CA")
            switch TLSMaterial.crl(file, clock: clock) {
            case .failure(let problem): throw fail(path, at: value.mark, problem.message)
            case .success(let warning?): warnings.append(fail(path, at: value.mark, warning).description)
            case .success(nil): break
            }
            options.crl = file
        default:
            options.alpn = try alpn(value, path: path)
        }
    }

    /// One pin or a list of up to eight, each the base64 of a 32-byte SHA-256 digest.
    private func pins(_ node: Node, path: String) throws(ConfigurationError) -> [[UInt8]] {
        let items: [(Node, String)]
        if case .sequence = node {
            items = try reader.items(node, path: path).enumerated().map { ($0.element, "\(path)[\($0.offset)]") }
            guard !items.isEmpty else { throw fail(path, at: node.mark, "an empty list pins nothing; give at least one pin or leave the key out") }
            guard items.count <= Config.TLSOptions.maximumPins else {
                throw fail(path, at: node.mark,
                           "\(items.count) pins; at most \(Config.TLSOptions.maximumPins) (the current key and its backups)")
            }
        } else {
            items = [(node, path)]
        }
        var pins: [[UInt8]] = []
        for (item, itemPath) in items {
            let text = try reader.nonEmptyString(item, path: itemPath)
            guard let digest = Base64.decode(text), digest.count == 32 else {
                throw fail(itemPath, at: item.mark,
                           "'\(NodeReader.excerpt(text))' is not the base64 of a SHA-256 digest (44 characters ending in '='); "
                               + "make one with: openssl x509 -in server.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64")
            }
            pins.append(digest)
        }
        return pins
    }

    /// One protocol name or a list, each 1 to 255 bytes (RFC 7301 section 3.1).
    private func alpn(_ node: Node, path: String) throws(ConfigurationError) -> [String] {
        let items: [(Node, String)]
        if case .sequence = node {
            items = try reader.items(node, path: path).enumerated().map { ($0.element, "\(path)[\($0.offset)]") }
            guard !items.isEmpty else { throw fail(path, at: node.mark, "an empty list offers no protocol; leave the key out instead") }
        } else {
            items = [(node, path)]
        }
        var names: [String] = []
        for (item, itemPath) in items {
            let text = try reader.nonEmptyString(item, path: itemPath)
            guard text.utf8.count <= 255 else {
                throw fail(itemPath, at: item.mark, "an ALPN protocol name is at most 255 bytes; this one has \(text.utf8.count)")
            }
            names.append(text)
        }
        return names
    }

    /// A path as written, with a leading `%d/` (systemd's specifier for the credentials
    /// directory) resolved under ``credentialsDirectory`` (`$CREDENTIALS_DIRECTORY`, which
    /// systemd sets for a service with `LoadCredential=`).
    func credentialPath(_ text: String, node: Node, path: String) throws(ConfigurationError) -> String {
        guard text.hasPrefix("%d/") else { return text }
        let name = String(text.dropFirst(3))
        guard let directory = credentialsDirectory, !directory.isEmpty else {
            throw fail(path, at: node.mark,
                       "'\(NodeReader.excerpt(text))' names a systemd credential, but $CREDENTIALS_DIRECTORY is not set; "
                           + "it is set for a service with LoadCredential=\(NodeReader.excerpt(name)):FILE (check as the service: "
                           + "systemd-run -P -p LoadCredential=\(NodeReader.excerpt(name)):FILE sensorgw config check CONFIG)")
        }
        return FileChecks.resolve(name, against: directory)
    }
}

/// Standard base64 (RFC 4648 section 4) with its padding, strict: no line breaks or spaces.
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard bytes.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 4 * 3)
        var index = 0
        while index < bytes.count {
            var group: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let byte = bytes[index + offset]
                let value: UInt32
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
                case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
                case UInt8(ascii: "+"): value = 62
                case UInt8(ascii: "/"): value = 63
                case UInt8(ascii: "=") where index + 4 == bytes.count && offset >= 2: value = 0; padding += 1
                default: return nil
                }
                // A data character after '=' is not base64.
                if byte != UInt8(ascii: "="), padding > 0 { return nil }
                group = group << 6 | value
            }
            output.append(UInt8(group >> 16))
            if padding < 2 { output.append(UInt8(group >> 8 & 0xFF)) }
            if padding < 1 { output.append(UInt8(group & 0xFF)) }
            index += 4
        }
        return output
    }
}
