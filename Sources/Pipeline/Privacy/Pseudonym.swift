import Crypto

/// The pseudonymous device identifier: the id the broker sees instead of the configured
/// `gateway.id`, derived from the hardware's serial number with a key only the operator holds,
/// so the broker never learns the serial number, and ids from different keys cannot be linked.
///
/// `gw-` followed by the first 16 hex digits (64 bits) of HMAC-SHA256(key, hardware id),
/// lowercase: 19 characters, within the 1–64 of `[A-Za-z0-9_-]` a gateway id may use, so it is
/// safe in topics, SenML names and client ids. Stable for one board and one key.
public enum Pseudonym {
    /// The shortest key accepted: 128 bits.
    public static let minimumKeyBytes = 16

    /// HMAC-SHA256 (RFC 2104 with SHA-256, as RFC 4231 tests it) of `message` under `key`.
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return Array(code)
    }

    /// The identifier for `hardwareID` (its UTF-8 bytes) under `key`.
    public static func deviceID(key: [UInt8], hardwareID: String) -> String {
        let digest = hmacSHA256(key: key, message: Array(hardwareID.utf8))
        return "gw-" + hex(digest.prefix(8))
    }

    /// Lowercase hex, two digits a byte.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// A hardware id from the bytes of a serial-number file: the device tree's
    /// `serial-number` is NUL-terminated, `/etc/machine-id` ends in a newline; both are cut
    /// there and surrounding spaces trimmed. Nil when nothing is left.
    public static func hardwareID(fromFile bytes: [UInt8]) -> String? {
        let text = bytes.prefix { $0 != 0 }
        let trimmed = text.drop { $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }
            .reversed().drop { $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }.reversed()
        guard !trimmed.isEmpty else { return nil }
        return String(decoding: Array(trimmed), as: UTF8.self)
    }

    /// Where `hardware_id: auto` looks, in order: the Raspberry Pi's serial number, the same
    /// node on other device-tree boards, then systemd's machine id.
    public static let hardwareIDFiles = [
        "/proc/device-tree/serial-number",
        "/sys/firmware/devicetree/base/serial-number",
        "/etc/machine-id",
    ]
}
