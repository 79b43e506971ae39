#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension MQTTSettings {
    /// The protocol version, the login and the MQTT 5 properties (`mqtt.protocol`,
    /// `mqtt.username`, `mqtt.password_file`, `mqtt.session_expiry`, `mqtt.message_expiry`,
    /// `mqtt.user_properties`; docs/UPLINKS.md).
    public struct ProtocolOptions: Sendable, Hashable {
        /// Which MQTT the transport speaks.
        public enum Version: Sendable, Hashable {
            case v5
            /// No properties are sent (content type, expiry, user properties) and none are read
            /// from CONNACK: the configured limits are the only ones.
            case v311
        }

        /// One MQTT 5 user property.
        public struct UserProperty: Sendable, Hashable {
            public var name: String
            public var value: String

            /// Creates a property.
            public init(name: String, value: String) {
                self.name = name
                self.value = value
            }
        }

        /// MQTT 5 (default) or 3.1.1.
        public var version = Version.v5
        /// Sent in CONNECT when set.
        public var username: String?
        /// Where the password is; read at each connection, so it is held only while connecting.
        public var passwordFile: String?
        /// Session Expiry Interval in seconds; 0 ends the session with the connection. Above 0
        /// the transport connects without clean start, so the broker resumes the session.
        public var sessionExpirySeconds: UInt32 = 0
        /// Message Expiry Interval put on every reading; nil: none.
        public var messageExpirySeconds: UInt32?
        /// Sent on every reading, in order.
        public var userProperties: [UserProperty] = []

        /// MQTT 5, no login, no session kept, no expiry, no user properties.
        public init() {}
    }
}

/// Reads `mqtt.password_file` for one connection. Its bytes never reach a log line or an
/// error: only the path and the system's reason are named.
enum PasswordFile {
    /// The password (one trailing line break removed), or why it could not be read.
    static func read(_ path: String) -> Result<String, UplinkError> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(failure(path, errno)) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count <= 65_537 {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(failure(path, errno))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        if bytes.last == 0x0A { bytes.removeLast() }
        if bytes.last == 0x0D { bytes.removeLast() }
        guard !bytes.isEmpty, bytes.count <= 65_535 else {
            return .failure(UplinkError(message: "the password file \(path) (mqtt.password_file) is empty or longer than 65,535 bytes"))
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    private static func failure(_ path: String, _ code: Int32) -> UplinkError {
        UplinkError(message: "cannot read the password file \(path) (mqtt.password_file): \(String(cString: strerror(code)))")
    }
}
