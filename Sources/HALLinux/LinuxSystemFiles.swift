#if os(Linux)
import HAL
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `read(2)`, named apart from ``LinuxSystemFiles/read(_:)``.
private func readBytes(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(fd, buffer, count)
    #else
    Musl.read(fd, buffer, count)
    #endif
}

/// The kernel's sysfs and procfs files through plain `open`/`read`/`opendir`/`statvfs`.
///
/// The calls run off Swift's cooperative pool: most sysfs reads return at once, but some make
/// the driver talk to its device first (a DS18B20's `w1_slave` converts for up to 750 ms, an
/// IIO `_raw` read may start a conversion), and a blocked cooperative thread stalls unrelated
/// tasks. The executor is concurrent, so one slow file does not delay another.
public struct LinuxSystemFiles: SystemFiles {
    /// Prepended to every path: empty for the real root, a temporary directory in tests.
    public let root: String
    private let executor: BlockingExecutor

    /// Creates a reader of the tree at `root` (`""`: the real `/`).
    public init(root: String = "") {
        self.root = root
        executor = BlockingExecutor(concurrentLabel: "sensorgw.sysfs")
    }

    public func read(_ path: String) async throws -> [UInt8] {
        let full = root + path
        return try await executor.run { try Self.readFile(full, shownAs: path) }
    }

    public func list(_ directory: String) async throws -> [String] {
        let full = root + directory
        return try await executor.run { try Self.listDirectory(full, shownAs: directory) }
    }

    public func fileSystemUsage(_ path: String) async throws -> FileSystemUsage {
        let full = root + path
        return try await executor.run { try Self.usage(full, shownAs: path) }
    }

    /// Reads to end of file in one or more `read` calls; sysfs answers a whole attribute in the
    /// first, so a second call that returns 0 ends it.
    static func readFile(_ path: String, shownAs shown: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LinuxErrno.error(errno, operation: "open \(shown)") }
        defer { close(fd) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { readBytes(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw LinuxErrno.error(errno, operation: "read \(shown)")
            }
            if count == 0 { return content }
            content += chunk[0..<count]
            guard content.count <= maximumFileSize else {
                throw HALError(.badData, operation: "read \(shown)",
                               detail: "longer than \(maximumFileSize) bytes: not a sysfs or procfs file")
            }
        }
    }

    static func listDirectory(_ path: String, shownAs shown: String) throws -> [String] {
        guard let directory = opendir(path) else { throw LinuxErrno.error(errno, operation: "list \(shown)") }
        defer { closedir(directory) }
        var names: [String] = []
        errno = 0
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        if errno != 0 { throw LinuxErrno.error(errno, operation: "list \(shown)") }
        return names.sorted()
    }

    static func usage(_ path: String, shownAs shown: String) throws -> FileSystemUsage {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { throw LinuxErrno.error(errno, operation: "statvfs \(shown)") }
        let fragment = UInt64(info.f_frsize)
        return FileSystemUsage(totalBytes: UInt64(info.f_blocks) * fragment,
                               availableBytes: UInt64(info.f_bavail) * fragment,
                               freeBytes: UInt64(info.f_bfree) * fragment)
    }
}
#endif
