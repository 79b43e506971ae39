import Agent
import ArgumentParser
import Pipeline

#if canImport(Glibc)
import Glibc
#endif

/// `sensorgw status [--file PATH] [--json] [--stale-after 10s]`
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running agent's health from its status file, without touching the hardware or the outbox.",
        discussion: """
            Exit status: 0 healthy, 1 unhealthy, 3 not running (no status file, agent stopped or \
            gone, or the file is stale), 4 the file cannot be read or is not a status file.
            """)

    @Option(name: .long, help: "The status file (default: $RUNTIME_DIRECTORY/status.json, else /run/sensorgw/status.json).")
    var file: String?

    @Flag(name: .long, help: "Print the status file's JSON instead of the table.")
    var json = false

    @Option(name: .long, help: "A file written longer ago than this means the agent hangs or is gone (e.g. 10s, 500ms, 1m).")
    var staleAfter = "10s"

    /// Larger than any status file the agent writes (a few hundred bytes per sensor).
    static let maximumFileSize = 1 << 20

    func validate() throws {
        guard StatusReport.parseDuration(staleAfter) != nil else {
            throw ValidationError("'\(staleAfter)' is not a duration like 10s (units: ms, s, m, h)")
        }
    }

    func run() async throws {
        let environment = currentEnvironment()
        let path = file ?? Self.defaultPath(environment)
        let staleAfter = StatusReport.parseDuration(staleAfter) ?? StatusReport.defaultStaleAfter
        let bytes: [UInt8]
        switch Self.read(path) {
        case .success(let content):
            bytes = content
        case .failure(let failure):
            printError("sensorgw status: \(failure.message)")
            throw ExitCode(failure.outcome.exitCode)
        }
        let status: AgentStatus
        do {
            status = try StatusJSON.decode(bytes)
        } catch {
            printError("sensorgw status: \(path) is not a status file: \(error)")
            throw ExitCode(StatusReport.Outcome.unusable("").exitCode)
        }
        let now = SystemClock.now().wallSeconds
        let outcome = StatusReport.judge(status, now: now, staleAfter: staleAfter,
                                         processAlive: Self.processAlive(status.pid))
        if json {
            print(String(decoding: bytes, as: UTF8.self), terminator: bytes.last == UInt8(ascii: "\n") ? "" : "\n")
        } else {
            print(StatusReport.render(status, now: now), terminator: "")
        }
        if case .notRunning(let reason) = outcome {
            printError("sensorgw status: not running: \(reason) (\(path))")
        }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }

    /// `$RUNTIME_DIRECTORY/status.json` (its first directory), else the unit's `/run/sensorgw`.
    static func defaultPath(_ environment: [String: String]) -> String {
        RuntimeFile.path("status.json", environment: environment) ?? "/run/sensorgw/status.json"
    }

    struct ReadFailure: Error {
        var outcome: StatusReport.Outcome
        var message: String
    }

    /// The file's bytes; a missing file means no agent (exit 3), anything else an unusable file (exit 4).
    static func read(_ path: String) -> Result<[UInt8], ReadFailure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            let reason = String(cString: strerror(code))
            if code == ENOENT {
                let message = "not running: no status file at \(path) (is the agent running? the unit writes it to /run/sensorgw)"
                return .failure(ReadFailure(outcome: .notRunning(message), message: message))
            }
            let message = "cannot read \(path): \(reason)"
            return .failure(ReadFailure(outcome: .unusable(message), message: message))
        }
        defer { close(fd) }
        var content: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let message = "cannot read \(path): \(String(cString: strerror(errno)))"
                return .failure(ReadFailure(outcome: .unusable(message), message: message))
            }
            if count == 0 { break }
            content.append(contentsOf: buffer[..<count])
            if content.count > maximumFileSize {
                let message = "\(path) is larger than \(maximumFileSize) bytes: not a status file"
                return .failure(ReadFailure(outcome: .unusable(message), message: message))
            }
        }
        return .success(content)
    }

    /// Whether a process with this id exists (EPERM: it does, under another user).
    static func processAlive(_ pid: Int) -> Bool {
        guard pid > 0, pid <= Int(Int32.max) else { return false }
        return kill(pid_t(pid), 0) == 0 || errno == EPERM
    }
}
