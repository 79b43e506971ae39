#if os(Linux)
import HAL
import HALLinux
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A real temporary directory laid out like the parts of `/sys` and `/proc` a test needs, read
/// through the real ``LinuxSystemFiles`` with the directory as its root: the kernel-driven
/// kinds are tested on real `open`/`read`/`opendir`, with paths as on a board.
final class KernelTestTree {
    /// The temporary directory.
    let root: String
    private var created: [String] = []

    init() throws {
        var template = Array("/tmp/sensorgw-sysfs-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw HALError(.other, errno: errno, operation: "mkdtemp") }
        root = String(cString: made)
    }

    deinit {
        // Deepest first: files, then their directories.
        for path in created.reversed() {
            if unlink(path) != 0 { rmdir(path) }
        }
        rmdir(root)
    }

    /// The reader of this tree.
    var files: LinuxSystemFiles { LinuxSystemFiles(root: root) }

    /// Writes `text` at `path` (absolute, as on the board), making directories on the way.
    func write(_ path: String, _ text: String) throws {
        var directory = root
        for component in path.split(separator: "/").dropLast() {
            directory += "/\(component)"
            if mkdir(directory, 0o755) == 0 { created.append(directory) }
        }
        let full = root + path
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw HALError(.other, errno: errno, operation: "create \(full)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw HALError(.other, errno: errno, operation: "write \(full)") }
        if !created.contains(full) { created.append(full) }
    }

    /// Removes the file at `path`, as a driver unbinding removes its attributes.
    func remove(_ path: String) {
        unlink(root + path)
        created.removeAll { $0 == root + path }
    }
}
#endif
