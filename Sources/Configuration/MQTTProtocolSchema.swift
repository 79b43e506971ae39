import YAML

extension GatewayConfiguration {
    /// The MQTT protocol settings of the `mqtt` section beside the broker's address: the
    /// protocol version, the login, and the MQTT 5 properties the uplink sends (docs/UPLINKS.md).
    public struct MQTTProtocolOptions: Sendable, Equatable {
        /// `protocol`: which MQTT the uplink speaks.
        public enum Version: String, Sendable, Equatable, CaseIterable {
            /// MQTT 5.0, the default: properties, reason codes, the broker's limits.
            case v5 = "5"
            /// MQTT 3.1.1, for brokers that speak nothing newer (Azure IoT Hub): no properties
            /// are sent, and `max_packet_size` and `inflight_window` are the only limits.
            case v311 = "3.1.1"
        }

        /// One MQTT 5 user property (a name and a value, both UTF-8).
        public struct UserProperty: Sendable, Equatable {
            public var name: String
            public var value: String

            /// Creates a property.
            public init(name: String, value: String) {
                self.name = name
                self.value = value
            }
        }

        /// `protocol`: `"5"` (default) or `"3.1.1"`.
        public var version = Version.v5
        /// `username`: sent in CONNECT; nil: none (the client certificate identifies the gateway).
        public var username: String?
        /// `password_file`: a file only its owner can read (or `%d/NAME`, a systemd credential)
        /// holding the password; read at each connection, never kept in the configuration.
        public var passwordFile: String?
        /// `session_expiry`: how long the broker keeps this client's session after the connection
        /// drops (MQTT 5 Session Expiry Interval); zero, the default, ends it with the connection.
        public var sessionExpiry: Duration = .zero
        /// `message_expiry`: how long the broker may hold a reading for a subscriber that is away
        /// (MQTT 5 Message Expiry Interval on every reading); nil: no expiry.
        public var messageExpiry: Duration?
        /// `user_properties`: name/value pairs sent on every reading, in file order.
        public var userProperties: [UserProperty] = []

        /// The defaults: MQTT 5, no login, no session kept, no expiry, no user properties.
        public init() {}

        /// The keys of `mqtt` these options read.
        static let keys = ["protocol", "username", "password_file", "session_expiry", "message_expiry", "user_properties"]
        /// MQTT 5 counts both expiry intervals in whole seconds in four bytes.
        static let expiry = Duration.seconds(1)...Duration.seconds(Int64(UInt32.max))
        /// Enough to label readings; a broker counts them against its packet size.
        static let maximumUserProperties = 16
        /// An MQTT UTF-8 string is at most 65,535 bytes.
        static let maximumStringBytes = 65_535
    }
}

extension SchemaReader {
    /// ``GatewayConfiguration/MQTTProtocolOptions`` as read so far, with where each key was, so
    /// that keys which need MQTT 5 can be refused at their own line once `protocol` is known.
    struct MQTTProtocolReading {
        var options = Config.MQTTProtocolOptions()
        var versionMark: Mark?
        var onlyV5: [(key: String, mark: Mark?)] = []
        var passwordMark: Mark?
    }

    /// Reads one of ``GatewayConfiguration/MQTTProtocolOptions/keys``.
    func mqttProtocolOption(_ name: String, _ value: Node, path: String,
                            into reading: inout MQTTProtocolReading) throws(ConfigurationError) {
        switch name {
        case "protocol":
            let text = try reader.string(value, path: path)
            guard let version = Config.MQTTProtocolOptions.Version(rawValue: text) else {
                throw fail(path, at: value.mark, "'\(NodeReader.excerpt(text))' is not an MQTT version; expected \"5\" or \"3.1.1\"")
            }
            reading.options.version = version
            reading.versionMark = value.mark
        case "username":
            reading.options.username = try mqttString(value, path: path)
        case "password_file":
            let file = try secretFile(value, path: path, what: "the password for mqtt.username, on one line")
            if let problem = Self.passwordProblem(file) { throw fail(path, at: value.mark, problem) }
            reading.options.passwordFile = file
            reading.passwordMark = value.mark
        case "session_expiry":
            reading.options.sessionExpiry = try wholeSeconds(value, path: path, in: Duration.zero...Config.MQTTProtocolOptions.expiry.upperBound)
            if reading.options.sessionExpiry > .zero { reading.onlyV5.append((path, value.mark)) }
        case "message_expiry":
            reading.options.messageExpiry = try wholeSeconds(value, path: path, in: Config.MQTTProtocolOptions.expiry)
            reading.onlyV5.append((path, value.mark))
        default:
            reading.options.userProperties = try userProperties(value, path: path)
            if !reading.options.userProperties.isEmpty { reading.onlyV5.append((path, value.mark)) }
        }
    }

    /// The checks that need the whole section: a password needs a username, and MQTT 3.1.1
    /// has no properties to carry the MQTT 5 options.
    func finishMQTTProtocol(_ reading: MQTTProtocolReading, path: String) throws(ConfigurationError) -> Config.MQTTProtocolOptions {
        if reading.options.passwordFile != nil, reading.options.username == nil {
            throw fail("\(path).password_file", at: reading.passwordMark, "a password needs mqtt.username beside it")
        }
        if reading.options.version == .v311, let first = reading.onlyV5.first {
            throw fail(first.key, at: first.mark, "needs MQTT 5, and mqtt.protocol is \"3.1.1\"; remove the key or set protocol: \"5\"")
        }
        return reading.options
    }

    /// What is wrong with a password file's contents, never quoting them.
    static func passwordProblem(_ file: String) -> String? {
        switch FileReading.contents(of: file, limit: Config.MQTTProtocolOptions.maximumStringBytes + 2) {
        case .failed(let code):
            return "cannot read \(file): \(FileReading.describe(errno: code))"
        case .tooLarge:
            return "\(file) is longer than an MQTT password may be (65,535 bytes)"
        case .bytes(let bytes):
            let password = MQTTPasswordText.strip(bytes)
            if password.isEmpty { return "\(file) is empty; write the password in it, on one line" }
            if password.count > Config.MQTTProtocolOptions.maximumStringBytes {
                return "\(file) is longer than an MQTT password may be (65,535 bytes)"
            }
            if password.contains(0x0A) { return "\(file) holds more than one line; the password is its only line" }
            return nil
        }
    }

    private func mqttString(_ node: Node, path: String) throws(ConfigurationError) -> String {
        let text = try reader.nonEmptyString(node, path: path)
        guard text.utf8.count <= Config.MQTTProtocolOptions.maximumStringBytes else {
            throw fail(path, at: node.mark, "\(text.utf8.count) bytes; an MQTT string is at most 65,535")
        }
        guard !text.contains("\u{0}") else { throw fail(path, at: node.mark, "an MQTT string cannot contain a NUL character") }
        return text
    }

    private func wholeSeconds(_ node: Node, path: String, in range: ClosedRange<Duration>) throws(ConfigurationError) -> Duration {
        let duration = try reader.duration(node, path: path, in: range)
        guard duration.components.attoseconds == 0 else {
            throw fail(path, at: node.mark, "MQTT counts expiry in whole seconds")
        }
        return duration
    }

    private func userProperties(_ node: Node, path: String) throws(ConfigurationError) -> [Config.MQTTProtocolOptions.UserProperty] {
        var properties: [Config.MQTTProtocolOptions.UserProperty] = []
        guard case .mapping(let mapping) = node else {
            throw fail(path, at: node.mark, "expected a mapping of names to values, found \(reader.kind(of: node))")
        }
        let limit = Config.MQTTProtocolOptions.maximumUserProperties
        for (index, pair) in mapping.enumerated() {
            guard case .scalar(let key) = pair.key else {
                throw fail(path, at: pair.key.mark, "property names must be plain text, found \(reader.kind(of: pair.key))")
            }
            let keyPath = "\(path).\(key.string)"
            guard index < limit else {
                throw fail(keyPath, at: pair.key.mark, "more than \(limit) user properties; each one is sent with every reading")
            }
            let name = try mqttString(pair.key, path: keyPath)
            properties.append(.init(name: name, value: try mqttString(pair.value, path: keyPath)))
        }
        return properties
    }
}

/// How a password file's bytes become the password: one trailing line break (what `echo` and
/// editors add) is not part of it.
enum MQTTPasswordText {
    static func strip(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        var end = bytes.endIndex
        if end > 0, bytes[end - 1] == 0x0A { end -= 1 }
        if end > 0, bytes[end - 1] == 0x0D { end -= 1 }
        return bytes[..<end]
    }
}
