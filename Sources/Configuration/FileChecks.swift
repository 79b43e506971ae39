#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Path arithmetic and the file-system checks validation does, with `stat` and `access` so the
/// answers are the ones this process (its user, its groups) will get later.
enum FileChecks {
    /// What `stat` says about a path, reduced to what validation needs.
    enum Status: Equatable {
        case missing
        case directory
        case regularFile(mode: UInt32)
        case other
    }

    static func status(_ path: String) -> Status {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        let mode = UInt32(info.st_mode)
        switch mode & 0o170000 {
        case 0o040000: return .directory
        case 0o100000: return .regularFile(mode: mode & 0o7777)
        default: return .other
        }
    }

    static func isReadable(_ path: String) -> Bool {
        access(path, R_OK) == 0
    }

    /// `path` if absolute, else `path` under `base` (a leading `./` dropped).
    static func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("/") || base.isEmpty { return path }
        var relative = Substring(path)
        while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
        let directory = base.hasSuffix("/") ? String(base.dropLast()) : base
        return "\(directory)/\(relative)"
    }

    /// The directory part of a path: `/a/b` → `/a`, `/a` → `/`, `a` → `.`.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// Mode bits as `chmod` writes them, e.g. `0644`.
    static func octal(_ mode: UInt32) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
