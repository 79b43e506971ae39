import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The end-to-end tests' ``Child``: brokers and agents run for seconds to minutes while other
/// tests run in the same process, so they must hold nothing of it but their own standard streams.
struct ChildProcessTests {
    @Test func aChildKeepsNoDescriptorOfTheTestProcessBeyondItsStandardStreams() async throws {
        // A pipe as a concurrently running test would have open (Foundation's are inheritable).
        let pipe = Pipe()
        let writeEnd = pipe.fileHandleForWriting.fileDescriptor
        #expect(fcntl(writeEnd, F_GETFD) & FD_CLOEXEC == 0, "the pipe is inheritable, or this test proves nothing")
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("child-fds-\(UUID().uuidString.prefix(8)).txt").path
        defer { unlink(log) }
        // The shell lists its own descriptors: what it was started with.
        let child = try Child("/bin/sh", ["-c", "ls /proc/$$/fd"], log: log)
        #expect(try await child.stop(signal: 0) == 0)
        let descriptors = child.log.split(separator: "\n").compactMap { Int32($0) }.sorted()
        #expect(descriptors == [0, 1, 2], "inherited: \(descriptors)")
        try pipe.fileHandleForWriting.close()
    }
}
