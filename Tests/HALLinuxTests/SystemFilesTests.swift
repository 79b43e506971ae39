#if os(Linux)
import HAL
@testable import HALLinux
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// ``LinuxSystemFiles`` on a real temporary directory: what sysfs attribute reads look like to
/// `open`/`read`/`opendir`/`statvfs`, and their failures as HAL errors.
@Suite("Reading kernel files")
struct SystemFilesTests {
    /// A temporary directory with `files` (relative path → content), removed by `cleanup`.
    final class Directory {
        let root: String
        private var made: [String] = []
        init(_ files: [String: String]) throws {
            var template = Array("/tmp/sensorgw-files-XXXXXX".utf8CString)
            guard let path = mkdtemp(&template) else { throw HALError(.other, operation: "mkdtemp") }
            root = String(cString: path)
            for (relative, text) in files.sorted(by: { $0.key < $1.key }) {
                var directory = root
                for component in relative.split(separator: "/").dropLast() {
                    directory += "/\(component)"
                    if mkdir(directory, 0o755) == 0 { made.append(directory) }
                }
                let fd = open(root + "/" + relative, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                let bytes = Array(text.utf8)
                _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
                made.append(root + "/" + relative)
            }
        }
        deinit {
            for path in made.reversed() where unlink(path) != 0 { rmdir(path) }
            rmdir(root)
        }
    }

    @Test func readsWholeFilesAndTextWithoutTheNewline() async throws {
        let long = String(repeating: "x", count: 10_000)
        let directory = try Directory(["sys/class/thermal/thermal_zone0/temp": "48686\n", "big": long])
        let files = LinuxSystemFiles(root: directory.root)
        #expect(try await files.read("/sys/class/thermal/thermal_zone0/temp") == Array("48686\n".utf8))
        #expect(try await files.readText("/sys/class/thermal/thermal_zone0/temp") == "48686")
        // More than one 4096-byte read call.
        #expect(try await files.read("/big").count == 10_000)
    }

    @Test func listsSortedWithoutDotEntries() async throws {
        let directory = try Directory(["d/b": "", "d/a": "", "d/c/x": ""])
        #expect(try await LinuxSystemFiles(root: directory.root).list("/d") == ["a", "b", "c"])
    }

    @Test func absentFilesAreNoSuchDeviceNamingThePathAsOnTheBoard() async throws {
        let directory = try Directory(["here": "1"])
        let files = LinuxSystemFiles(root: directory.root)
        do {
            _ = try await files.read("/sys/bus/w1/devices/28-0/w1_slave")
            Issue.record("read an absent file")
        } catch let error as HALError {
            #expect(error.kind == .noSuchDevice)
            #expect(error.errno == ENOENT)
            #expect(error.operation == "open /sys/bus/w1/devices/28-0/w1_slave")
        }
        await #expect(throws: HALError.self) { try await files.list("/nowhere") }
        // A directory opens but reading it is EISDIR: not a device that vanished.
        do {
            _ = try await files.read("/")
            Issue.record("read a directory")
        } catch let error as HALError {
            #expect(error.errno == EISDIR)
            #expect(error.kind != .noSuchDevice)
        }
    }

    @Test func statvfsOfARealDirectory() async throws {
        let directory = try Directory(["x": "1"])
        let usage = try await LinuxSystemFiles(root: directory.root).fileSystemUsage("/")
        #expect(usage.totalBytes > 0)
        #expect(usage.availableBytes <= usage.freeBytes && usage.freeBytes <= usage.totalBytes)
        #expect(usage.usedPercent >= 0 && usage.usedPercent <= 100)
    }

    @Test func usedPercentIsWhatDfShows() {
        // df: used = size − free, use% = used / (used + avail): reserved blocks count as used.
        let usage = FileSystemUsage(totalBytes: 1000, availableBytes: 350, freeBytes: 400)
        #expect(usage.usedPercent == 600.0 / 950.0 * 100)
    }
}
#endif
