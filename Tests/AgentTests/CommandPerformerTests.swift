import Commands
import Configuration
import Crypto
import Foundation
import Logging
import Pipeline
import Synchronization
import Testing
@testable import Agent

/// The agent's side of docs/COMMANDS.md without a broker: the reply, and the replay memory's
/// file outliving the performer.
/// What the performer sent, in order.
final class SentMessages: Sendable {
    let messages = Mutex<[SessionMessage]>([])
    func withLock<T>(_ body: (inout [SessionMessage]) -> T) -> T { messages.withLock { body(&$0) } }
}

@Suite("Command performer")
struct CommandPerformerTests {
    static let now: Int64 = 1_780_000_000
    let operatorKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: Array(SHA256.hash(data: Array("agent test operator".utf8))))
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sgw-commands-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    var memoryPath: String { directory + "/outbox.sqlite.commands" }

    func performer(sent: SentMessages, allow: Set<CommandName> = [.status, .probe]) -> CommandPerformer {
        let section = GatewayConfiguration.CommandsSection(operatorKeys: [Array(operatorKey.publicKey.rawRepresentation)], allow: allow)
        let actions = CommandActions(status: { Array(#"{"running":true}"#.utf8) }, reload: nil)
        return CommandPerformer(section: section, target: "gw", memoryPath: memoryPath, replyTopic: "r",
                                actions: actions, send: { message in sent.withLock { $0.append(message) } },
                                logger: Logger(label: "test"),
                                clock: { CommandClock(seconds: CommandPerformerTests.now, isSynchronized: true) })
    }

    func signed(_ id: String, _ action: CommandAction = .status) throws -> [UInt8] {
        try RemoteCommand(id: id, target: "gw", issued: Self.now, expires: Self.now + 60, action: action).signed(with: operatorKey)
    }

    func replies(_ sent: SentMessages) -> [String] {
        sent.withLock { $0.map { String(decoding: $0.payload, as: UTF8.self) } }
    }

    @Test func acceptedStatusIsAnsweredAndItsIdOutlivesTheProcess() async throws {
        let sent = SentMessages()
        var first = performer(sent: sent)
        let bytes = try signed("a1")
        await first.handle(bytes)
        #expect(replies(sent) == [#"{"id":"a1","command":"status","accepted":true,"result":{"running":true}}"#])
        #expect(sent.withLock { $0.first.map { ($0.topic, $0.qos, $0.contentType) } } ?? ("", 0, nil) == ("r", 1, "application/json"))
        // A new performer (a restarted agent) reads the memory back from the file.
        var second = performer(sent: sent)
        await second.handle(bytes)
        #expect(replies(sent).last == #"{"id":"a1","command":"status","accepted":false,"reason":"replayed"}"#)
    }

    @Test func garbageIsAnsweredWithoutAnId() async {
        let sent = SentMessages()
        var performer = performer(sent: sent)
        await performer.handle([1, 2, 3])
        #expect(replies(sent) == [#"{"id":null,"command":null,"accepted":false,"reason":"malformed"}"#])
        #expect(!FileManager.default.fileExists(atPath: memoryPath))
    }

    @Test func aDamagedMemoryFileRefusesEverything() async throws {
        try Data([9, 9, 9]).write(to: URL(fileURLWithPath: memoryPath))
        let sent = SentMessages()
        var performer = performer(sent: sent)
        await performer.handle(try signed("a2"))
        #expect(replies(sent) == [#"{"id":null,"command":null,"accepted":false,"reason":"replay_memory_unreadable"}"#])
    }

    @Test func withoutRunningSensorsProbeIsNotSupported() async throws {
        let sent = SentMessages()
        var performer = performer(sent: sent)
        await performer.handle(try signed("p1", .probe(sensor: "air")))
        #expect(replies(sent) == [#"{"id":"p1","command":"probe","accepted":false,"reason":"not_supported"}"#])
    }
}
