#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Pipeline
import Testing
@testable import Uplink

/// The session seam for formats with a session (announce after CONNACK, commands in), and
/// batches split to fit the broker's maximum packet size, in the pure state machine.
@Suite struct SessionHooksAndSplitTests {
    func connected(window: Int = 5, readingsPerMessage: Int = 1) -> SessionHarness {
        var harness = SessionHarness(window: window, readingsPerMessage: readingsPerMessage)
        harness.start()
        harness.connack()
        return harness
    }

    @Test func everyConnackIsAnnouncedBeforeTheOutboxIsRead() {
        var harness = SessionHarness()
        harness.store(3, tell: false)
        harness.start()
        var session = harness.session
        let actions = session.handle(.transport(generation: 1, .connected), now: .zero)
        let order = actions.filter { $0 == .announce(generation: 1) || $0 == .readBoundary(generation: 1) }
        #expect(order == [.announce(generation: 1), .readBoundary(generation: 1)], "births before any reading")
    }

    @Test func aMessageOnASubscribedTopicIsHandedToTheHooksOnlyWhileConnected() {
        var harness = connected()
        harness.command(topic: "spBv1.0/g/NCMD/n", payload: [1, 2])
        #expect(harness.commands == [.init(topic: "spBv1.0/g/NCMD/n", payload: [1, 2])])
        harness.close()
        harness.command(topic: "spBv1.0/g/NCMD/n", payload: [3])
        #expect(harness.commands.count == 1, "nothing is answered on a connection that is gone")
    }

    @Test func whatAMessageDoesNotCarryGoesNextInOrderAndIsNeverLost() {
        var harness = connected(window: 10, readingsPerMessage: 5)
        harness.carriesAtMost = 2
        harness.store(9)
        harness.pubackAll()
        harness.pubackAll()
        harness.pubackAll()
        #expect(harness.published.map(\.sequences) == [[1, 2], [3, 4], [5, 6], [7, 8], [9]])
        #expect(harness.acknowledged == Array(1...9))
        #expect(harness.stored.isEmpty)
    }

    @Test func aReadingTooLargeEvenAloneIsDroppedCountedAndLoggedAndTheRestGoesOn() {
        var harness = connected(window: 10, readingsPerMessage: 1)
        harness.tooLarge = [2]
        harness.store(3)
        harness.pubackAll()
        #expect(harness.sentSequences() == [1, 3])
        #expect(harness.stored.isEmpty, "the dropped reading left the outbox too")
        #expect(harness.session.counters.tooLarge == 1)
        #expect(harness.logs.contains { $0.level == .error && $0.metadata["seq"] == "2" && $0.metadata["maximum_packet_size"] == "100" })
    }

    // MARK: BatchFitting, with the real SenML JSON encoder

    static let context = EncoderContext(gatewayID: "gw", readingsTopic: "sensorgw/gw/readings")

    static func readings(_ count: Int) -> [Reading] {
        (1...count).map { index in
            Reading(sensorID: "air", quantity: "temperature", value: 20 + Double(index) / 4, unit: .celsius,
                    timestamp: Timestamp(wallSeconds: 1_700_000_000 + Double(index), monotonicNanoseconds: UInt64(index),
                                         clockSynchronized: true),
                    sequence: UInt64(index))
        }
    }

    @Test func thePublishPacketSizeIsMQTT5s() {
        // Fixed header 1 + remaining length 1; topic 2 + 3; packet id 2; properties length 1 + 0; payload 10.
        #expect(BatchFitting.publishPacketSize(topic: "a/b", payloadCount: 10, contentType: nil) == 1 + 1 + 5 + 2 + 1 + 10)
        // Content type property: identifier 1 + length 2 + "x/y" 3.
        #expect(BatchFitting.publishPacketSize(topic: "a/b", payloadCount: 10, contentType: "x/y") == 1 + 1 + 5 + 2 + 1 + 6 + 10)
        // 128 remaining bytes need a two-byte remaining length (MQTT 5.0 section 1.5.5).
        #expect(BatchFitting.publishPacketSize(topic: "a/b", payloadCount: 120, contentType: nil) == 1 + 2 + 128)
    }

    @Test func aBatchTooLargeIsSplitUntilItFitsNeverRefusedWhole() throws {
        let encoder = SenMLCBOREncoder(context: Self.context, maxReadingsPerMessage: 32)
        let readings = Self.readings(32)
        var buffer: [UInt8] = []
        var state: any ReadingEncoder = encoder
        let whole = BatchFitting.fit(readings[...], limit: nil, contentType: encoder.contentType, state: &state, into: &buffer) {
            $0.encode($1, into: &$2)
        }
        guard case .fits(let all) = whole else { Issue.record("no limit, no split"); return }
        #expect(all.carried.count == 32)
        let wholeSize = BatchFitting.publishPacketSize(topic: all.topic, payloadCount: buffer.count, contentType: encoder.contentType)

        let limit = wholeSize / 3
        var sent: [UInt64] = []
        var rest = readings[...]
        while !rest.isEmpty {
            let outcome = BatchFitting.fit(rest, limit: limit, contentType: encoder.contentType, state: &state, into: &buffer) {
                $0.encode($1, into: &$2)
            }
            guard case .fits(let message) = outcome else { Issue.record("a reading fits alone"); return }
            #expect(BatchFitting.publishPacketSize(topic: message.topic, payloadCount: buffer.count,
                                                   contentType: encoder.contentType) <= limit)
            #expect(!message.carried.isEmpty)
            sent += message.carried
            rest = rest.dropFirst(message.carried.count)
        }
        #expect(sent == Array(1...32), "every reading, in order")
    }

    @Test func aReadingThatCannotFitAloneIsReportedAndAStatefulFormatSpendsNoSeqOnTriedSizes() {
        let devices = [EncoderDevice(sensorID: "air", quantities: [.init(name: "temperature", unit: .celsius)])]
        var session = SparkplugBSession(layout: SparkplugBLayout(EncoderContext(gatewayID: "gw", readingsTopic: "t", devices: devices)))
        _ = session.willForNextConnection(wallSeconds: 1)
        _ = session.connected(wallSeconds: 1)
        let seqBefore = session.nextSeq
        var buffer: [UInt8] = []
        let readings = Self.readings(8)
        let tiny = BatchFitting.fit(readings[...], limit: 20, contentType: nil, state: &session, into: &buffer) {
            $0.encode($1, into: &$2)
        }
        #expect(tiny == .tooLarge(dropped: [1], limit: 20))
        #expect(session.nextSeq == seqBefore, "nothing was sent")

        let halved = BatchFitting.fit(readings[...], limit: 120, contentType: nil, state: &session, into: &buffer) {
            $0.encode($1, into: &$2)
        }
        guard case .fits(let message) = halved else { Issue.record("some fit in 120 bytes"); return }
        #expect(message.carried.count < 8 && message.carried == Array(1...UInt64(message.carried.count)))
        #expect(session.nextSeq == seqBefore &+ 1, "one seq for the one message kept, none for the tries")
    }

    @Test func theSessionStateFileKeepsItsBytesAcrossAReplace() throws {
        var template = Array("/tmp/sgw-state-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
        }
        let directory = try #require(made)
        defer {
            unlink(directory + "/state")
            rmdir(directory)
        }
        let path = directory + "/state"
        #expect(SessionStateFile.load(path) == nil, "no file yet")
        #expect(SessionStateFile.store([7], to: path) == nil)
        #expect(SessionStateFile.load(path) == [7])
        #expect(SessionStateFile.store([8], to: path) == nil)
        #expect(SessionStateFile.load(path) == [8])
        #expect(SessionStateFile.store([1], to: directory + "/missing/state") != nil, "an error is a value")
    }
}
