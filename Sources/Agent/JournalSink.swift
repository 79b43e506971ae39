#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes log entries to journald's native socket (`/run/systemd/journal/socket`): one datagram
/// of `KEY=value\n` fields per entry, see systemd's "Native Journal Protocol". No libsystemd, so
/// nothing extra to link for the static ARM builds.
///
/// Used only when `JOURNAL_STREAM` names our stderr (systemd connected it to the journal):
/// then structured fields (`SENSOR=`, `BUS=`, `ERRNO=`) can be searched with
/// `journalctl SENSOR=air`. A datagram the socket refuses (too large, socket gone) is reported
/// to the caller, which writes the plain line to stderr instead.
public struct JournalSink: Sendable {
    /// The socket's path.
    public let path: String

    /// A sink for `path` (tests use a socket of their own).
    public init(path: String = "/run/systemd/journal/socket") {
        self.path = path
    }

    /// A sink when `JOURNAL_STREAM` ("device:inode") is our stderr; nil otherwise.
    public static func forStandardError(environment: [String: String]) -> JournalSink? {
        guard let stream = environment["JOURNAL_STREAM"] else { return nil }
        var status = stat()
        guard fstat(2, &status) == 0 else { return nil }
        return stream == "\(status.st_dev):\(status.st_ino)" ? JournalSink() : nil
    }

    /// The datagram for `fields`: `KEY=value\n`, or for a value holding a newline
    /// `KEY\n`, its length as 64-bit little-endian, the bytes, `\n`.
    public static func encode(_ fields: [(key: String, value: String)]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (key, value) in fields {
            let valueBytes = Array(value.utf8)
            bytes += Array(key.utf8)
            if valueBytes.contains(UInt8(ascii: "\n")) {
                bytes.append(UInt8(ascii: "\n"))
                var length = UInt64(valueBytes.count).littleEndian
                withUnsafeBytes(of: &length) { bytes += $0 }
            } else {
                bytes.append(UInt8(ascii: "="))
            }
            bytes += valueBytes
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    /// A metadata key as a journal field name: upper case, `[A-Z0-9_]`, not starting with `_`.
    static func fieldName(_ key: String) -> String {
        let mapped = key.uppercased().map { character -> Character in
            character.isASCII && (character.isLetter || character.isNumber) ? character : "_"
        }
        let name = String(mapped.drop { $0 == "_" })
        return name.isEmpty ? "FIELD" : name
    }

    /// Sends one entry; false when the socket did not take it.
    public func send(_ fields: [(key: String, value: String)]) -> Bool {
        #if os(Linux)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in pathBytes.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count)
        let datagram = Self.encode(fields)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(fd, datagram, datagram.count, 0, socketAddress, length)
            }
        }
        return sent == datagram.count
    }
}
