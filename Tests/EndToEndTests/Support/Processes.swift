import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the package is, found from this file's path (Tests/EndToEndTests/Support/...).
let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The `sensorgw` built next to this test bundle (SENSORGW_BINARY overrides).
let sensorgwBinary: String = {
    if let path = ProcessInfo.processInfo.environment["SENSORGW_BINARY"] { return path }
    let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
    // The test bundle may sit inside a .xctest directory.
    while directory.pathComponents.count > 1 {
        let candidate = directory.appendingPathComponent("sensorgw").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        directory.deleteLastPathComponent()
    }
    return packageRoot.appendingPathComponent(".build/debug/sensorgw").path
}()

/// What runs `sensorgwBinary`: empty to run it directly, or a command it is handed to, from
/// SENSORGW_LAUNCHER split at spaces (an absolute path first), e.g. `/usr/bin/qemu-aarch64 -L
/// SYSROOT` for a cross-built agent: the launcher's process is the agent's, for signals and waits.
let sensorgwLauncher: [String] = (ProcessInfo.processInfo.environment["SENSORGW_LAUNCHER"] ?? "")
    .split(separator: " ").map(String.init)

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A fresh scratch directory with a set of throwaway certificates.
final class Workspace {
    let directory: URL
    var certificates: URL { directory.appendingPathComponent("certs") }

    init(_ name: String) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sensorgw-e2e-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let status = try run("/bin/bash", [packageRoot.appendingPathComponent("Scripts/make-test-certs.sh").path,
                                           certificates.path, "e2e-gateway"])
        guard status == 0 else { throw TestFailure("make-test-certs.sh failed with \(status)") }
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs a command to completion, output discarded; returns its exit status.
@discardableResult
func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

/// A free TCP port on 127.0.0.1 (bound, read, released).
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Whether something accepts TCP connections on 127.0.0.1:port.
func isListening(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return result == 0
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes.
func waitUntil(timeout: Duration, _ what: String, _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    if try condition() { return }
    throw TestFailure("timed out after \(timeout) waiting for \(what)")
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), looked up at run time:
/// spawn.h declares it only for _GNU_SOURCE, which Swift's Glibc module is not built with.
private let closeOthers: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? =
    dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }

/// A child process with its output in a log file.
///
/// Spawned with posix_spawn and reaped with waitpid by this type alone: Foundation's `Process`
/// did not notice its children exiting while the tests awaited on the cooperative pool.
final class Child {
    let pid: pid_t
    let logPath: String
    let name: String
    private var exitStatus: Int32?

    init(_ executable: String, _ arguments: [String], log: String, environment extra: [String: String] = [:]) throws {
        logPath = log
        name = URL(fileURLWithPath: executable).lastPathComponent
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // Nothing else of this process: tests run in parallel, and a broker or agent that kept
        // another test's pipe (Foundation's are not close-on-exec) would hold back that test's
        // end of file until it exited, and keep its sockets and listeners open.
        closeOthers?(&actions, 3)
        // Children start with default signal handling and nothing blocked, whatever the test runner set.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var command = [executable] + arguments
        if executable == sensorgwBinary && !sensorgwLauncher.isEmpty { command = sensorgwLauncher + command }
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        var environment = ProcessInfo.processInfo.environment
        environment.merge(extra) { $1 }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        let rc = posix_spawn(&child, command[0], &actions, &attributes, argv, envp)
        guard rc == 0 else { throw TestFailure("cannot start \(command[0]): errno \(rc)") }
        pid = child
    }

    /// Whether the process is still alive (reaps it when it has ended).
    var isRunning: Bool {
        if exitStatus != nil { return false }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            // WIFEXITED / WEXITSTATUS / WTERMSIG written out: Swift cannot see the macros.
            let signal = status & 0x7f
            exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
            return false
        }
        return result == 0
    }

    /// Sends `signal` and waits for the process to end; returns its exit status (128+N for signal N).
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(20)) async throws -> Int32 {
        if isRunning { kill(pid, signal) }
        try await waitUntil(timeout: timeout, "\(name) (pid \(pid)) to exit") { !isRunning }
        return exitStatus ?? -1
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}
