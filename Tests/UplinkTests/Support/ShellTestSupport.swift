#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Outbox
import Testing

/// A real outbox in a fresh temporary directory, for tests of the ``Uplink`` shell.
func temporaryOutbox() throws -> OutboxStore {
    var template = Array("/tmp/sgw-uplink-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) } }
    let directory = try #require(made)
    return try OutboxStore(path: directory + "/outbox.sqlite")
}

/// Polls `condition` until it holds (at most 10 s); a failed wait shows as a failed expectation.
func eventually(_ condition: @Sendable () async throws -> Bool) async rethrows -> Bool {
    for _ in 0..<2_000 {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return false
}

/// A logger that writes nothing.
let quietLogger = Logger(label: "uplink-test") { _ in SwiftLogNoOpLogHandler() }
