#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The small files the agent keeps in systemd's runtime directory (`/run/sensorgw`, tmpfs: no
/// SD-card writes) for other programs to read: the metrics textfile and `status.json`.
public enum RuntimeFile {
    /// `name` in the first directory of `$RUNTIME_DIRECTORY` (systemd may list several,
    /// colon-separated); nil when systemd set none.
    public static func path(_ name: String, environment: [String: String]) -> String? {
        environment["RUNTIME_DIRECTORY"].map { runtime in
            (runtime.split(separator: ":").first.map(String.init) ?? runtime) + "/" + name
        }
    }

    /// Writes `bytes` to `path + ".tmp"` and renames it over `path`, so a reader never sees
    /// half a file; false (errno set) on failure. Readable by all: these files hold no secret,
    /// and their readers (node_exporter, `sensorgw status`) run as other users, whatever the
    /// service's UMask.
    static func replace(_ path: String, with bytes: [UInt8]) -> Bool {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        fchmod(fd, 0o644)
        var rest = bytes[...]
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                let saved = errno
                close(fd)
                unlink(temporary)
                errno = saved
                return false
            }
            rest = rest.dropFirst(written)
        }
        close(fd)
        return rename(temporary, path) == 0
    }
}
