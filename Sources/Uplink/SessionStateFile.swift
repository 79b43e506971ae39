#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A few bytes of session state (Sparkplug B's last `bdSeq`) kept in a small file beside the
/// outbox: written to a temporary file, synced, then renamed over the old one, so a power cut
/// leaves either the old state or the new one, never half of either.
public enum SessionStateFile {
    /// Most bytes read back: the state is tiny, anything larger is not ours.
    public static let maxBytes = 4096

    /// The stored bytes (at most `limit`), or nil when there is no file or it cannot be read.
    public static func load(_ path: String, limit: Int = maxBytes) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: limit)
        var total = 0
        while total < limit {
            let count = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return read(fd, base + total, limit - total)
            }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            total += count
        }
        return Array(bytes.prefix(total))
    }

    /// Replaces the file's contents with `bytes`; returns what went wrong, or nil.
    public static func store(_ bytes: [UInt8], to path: String) -> String? {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return "open \(temporary): \(String(cString: strerror(errno)))" }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(fd, base + written, bytes.count - written)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let reason = String(cString: strerror(errno))
                close(fd)
                return "write \(temporary): \(reason)"
            }
            written += count
        }
        guard fsync(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            return "fsync \(temporary): \(reason)"
        }
        close(fd)
        guard rename(temporary, path) == 0 else { return "rename to \(path): \(String(cString: strerror(errno)))" }
        return nil
    }
}
