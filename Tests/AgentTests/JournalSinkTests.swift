import Logging
import Testing
@testable import Agent
#if canImport(Glibc)
import Glibc
#endif

/// The native journal protocol, read back from a datagram socket the test owns and decoded here
/// by the protocol's rules (systemd's "Native Journal Protocol").
@Suite struct JournalSinkTests {
    /// Decodes one datagram: `KEY=value\n`, or `KEY\n` + 64-bit little-endian length + bytes + `\n`.
    func decode(_ bytes: [UInt8]) -> [(String, String)]? {
        var fields: [(String, String)] = []
        var index = 0
        while index < bytes.count {
            guard let end = bytes[index...].firstIndex(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\n") })
            else { return nil }
            let key = String(decoding: bytes[index..<end], as: UTF8.self)
            if bytes[end] == UInt8(ascii: "=") {
                guard let newline = bytes[end...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                fields.append((key, String(decoding: bytes[(end + 1)..<newline], as: UTF8.self)))
                index = newline + 1
            } else {
                guard end + 9 <= bytes.count else { return nil }
                var length = 0
                for shift in 0..<8 { length |= Int(bytes[end + 1 + shift]) << (8 * shift) }
                let start = end + 9
                guard start + length < bytes.count, bytes[start + length] == UInt8(ascii: "\n") else { return nil }
                fields.append((key, String(decoding: bytes[start..<(start + length)], as: UTF8.self)))
                index = start + length + 1
            }
        }
        return fields
    }

    func boundSocket(_ path: String) throws -> Int32 {
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        return fd
    }

    func receive(_ fd: Int32) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        return Array(buffer[0..<max(0, count)])
    }

    @Test func anEntryCarriesPriorityMessageAndSensorBusErrnoFields() throws {
        let path = "/tmp/sensorgw-journal-\(getpid()).sock"
        let fd = try boundSocket(path)
        defer { close(fd); unlink(path) }
        let handler = AgentLogHandler(label: "sampler", level: .info, toJournal: true, journal: JournalSink(path: path))
        var logger = Logger(label: "sampler") { _ in handler }
        logger[metadataKey: "sensor"] = "air"
        logger.error("sensor unhealthy", metadata: ["bus": "i2c-1", "errno": "121", "failures": "3"])
        logger.debug("not sent: below the level")
        let fields = try #require(decode(receive(fd)))
        let byKey = Dictionary(fields, uniquingKeysWith: { first, _ in first })
        #expect(byKey["PRIORITY"] == "3", "error is syslog priority 3")
        #expect(byKey["SENSOR"] == "air")
        #expect(byKey["BUS"] == "i2c-1")
        #expect(byKey["ERRNO"] == "121")
        #expect(byKey["SYSLOG_IDENTIFIER"] == "sensorgw")
        #expect(byKey["MESSAGE"] == "sampler: sensor unhealthy bus=i2c-1 errno=121 failures=3 sensor=air")
        #expect(receive(fd).isEmpty, "the debug entry was filtered")
    }

    @Test func aValueWithANewlineUsesTheLengthPrefixedForm() throws {
        let datagram = JournalSink.encode([("MESSAGE", "two\nlines"), ("PRIORITY", "6")])
        #expect(Array(datagram.prefix(8)) == Array("MESSAGE\n".utf8))
        #expect(Array(datagram[8..<16]) == [9, 0, 0, 0, 0, 0, 0, 0])
        let fields = try #require(decode(datagram))
        #expect(fields.map(\.0) == ["MESSAGE", "PRIORITY"])
        #expect(fields.map(\.1) == ["two\nlines", "6"])
    }

    @Test func journalStreamMustNameOurStandardError() {
        var status = stat()
        fstat(2, &status)
        #expect(JournalSink.forStandardError(environment: ["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino)"]) != nil)
        #expect(JournalSink.forStandardError(environment: ["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino &+ 1)"]) == nil,
                "stderr redirected elsewhere: keep writing lines")
        #expect(JournalSink.forStandardError(environment: [:]) == nil)
    }

    @Test func withoutTheSocketTheEntryFallsBackToTheStderrLine() {
        #expect(!JournalSink(path: "/tmp/sensorgw-no-such-journal.sock").send([("MESSAGE", "x")]))
    }
}
