import Outbox
import Testing
@testable import Uplink

/// The session state machine alone, in virtual time, with no broker and no outbox file.
@Suite struct UplinkSessionTests {
    /// A harness connected to the broker, with `backlog` readings stored before the CONNACK.
    func connected(backlog: Int = 0, window: Int = 5, readingsPerMessage: Int = 1, replayRate: Int = 1000,
                   drainTimeout: Duration = .seconds(10)) -> SessionHarness {
        var harness = SessionHarness(window: window, readingsPerMessage: readingsPerMessage, replayRate: replayRate,
                                     drainTimeout: drainTimeout)
        if backlog > 0 { harness.store(backlog, tell: false) }
        harness.start()
        harness.connack()
        return harness
    }

    @Test func neverMoreThanTheWindowOutstanding() {
        var harness = connected(window: 4)
        harness.store(50)
        #expect(harness.outstanding.count == 4)
        #expect(harness.sentSequences() == [1, 2, 3, 4])
        // Answer one at a time, out of order, while more readings arrive.
        for round in 0..<30 {
            if let packetID = harness.outstanding.keys.sorted().dropFirst(round % 2).first { harness.puback(packetID) }
            if round % 3 == 0 { harness.store(2) }
            #expect(harness.outstanding.count <= 4)
        }
        #expect(harness.mostOutstanding == 4)
        // Each lane is in order and nothing was sent twice on one connection.
        #expect(harness.sentSequences() == Array(1...UInt64(harness.sentSequences().count)))
    }

    @Test func theOutboxIsReadOnceForManyAcknowledgementsNotOncePerFreedSlot() {
        var harness = connected(window: 5)
        harness.store(300)
        var rounds = 0
        while !harness.stored.isEmpty && rounds < 1000 {
            // One PUBACK at a time, as they come off the wire.
            if let packetID = harness.outstanding.keys.sorted().first { harness.puback(packetID) }
            #expect(harness.outstanding.count <= 5)
            rounds += 1
        }
        #expect(harness.stored.isEmpty)
        #expect(harness.sentSequences() == Array(1...300), "in order, each once")
        // One read fetched all 300 (the read-ahead); one more found the outbox empty.
        #expect(harness.reads <= 2)
    }

    @Test func onlyAnAcknowledgedReadingLeavesTheOutbox() {
        var harness = connected(window: 3)
        harness.store(3)
        let packetIDs = harness.outstanding.keys.sorted()
        harness.puback(packetIDs[1])
        #expect(harness.acknowledged == [2])
        #expect(harness.stored.keys.sorted() == [1, 3])
        #expect(harness.session.counters.acknowledged == 1)
    }

    @Test func aRefusedPubackKeepsTheReadingStoredAndItIsResentAfterReconnect() {
        var harness = connected(window: 5)
        harness.store(3)
        let packetIDs = harness.outstanding.keys.sorted()
        harness.puback(packetIDs[0])
        harness.puback(packetIDs[1], reason: 0x87)  // not authorized
        harness.puback(packetIDs[2])
        #expect(harness.acknowledged == [1, 3])
        #expect(harness.stored.keys.sorted() == [2], "a refusal is not an acknowledgement")
        #expect(harness.session.counters.refused == 1)
        #expect(harness.logs.contains { $0.level == .error && $0.metadata["seq"] == "2" && $0.metadata["reason"] == "135" })
        #expect(harness.incidents == [.publishRefused(reasonCode: 0x87)], "reported for the metrics")

        let firstGeneration = harness.generation
        harness.close()
        #expect(harness.logged("broker connection lost"))
        harness.advance(by: .seconds(1))  // the reconnect backoff
        #expect(harness.connects == 2)
        harness.connack()
        #expect(harness.generation == firstGeneration + 1)
        #expect(harness.sentSequences(generation: harness.generation) == [2], "resent with its original number")
        harness.pubackAll()
        #expect(harness.stored.isEmpty)
    }

    @Test func aReconnectResendsTheUnacknowledgedInOrderWithTheirNumbers() {
        var harness = connected(window: 4)
        harness.store(6)
        #expect(harness.sentSequences() == [1, 2, 3, 4])
        let packetIDs = harness.outstanding.keys.sorted()
        harness.puback(packetIDs[0])
        harness.puback(packetIDs[2])  // 1 and 3 acknowledged; 2 and 4 on the wire; 5, 6 waiting
        #expect(harness.sentSequences() == [1, 2, 3, 4, 5, 6])
        harness.close()
        // Late answers from the dead connection must not acknowledge anything.
        harness.send(.transport(generation: harness.generation, .published(packetID: packetIDs[1], reasonCode: 0)))
        #expect(harness.acknowledged == [1, 3])
        harness.advance(by: .seconds(1))
        harness.connack()
        #expect(harness.sentSequences(generation: harness.generation) == [2, 4, 5, 6])
        harness.store(2)
        harness.pubackAll()
        harness.pubackAll()
        #expect(harness.stored.isEmpty)
        #expect(Set(harness.acknowledged) == Set(1...8))
    }

    @Test func reconnectDelaysGrowWithJitterAndResetAfterAConnection() {
        var harness = SessionHarness(reconnectInitial: .seconds(1), reconnectMax: .seconds(4), random: 0)
        harness.start()
        var delays: [Duration] = []
        for _ in 0..<4 {
            harness.close("refused")
            delays.append(harness.timerStarts.last { $0.0 == .reconnect }?.1 ?? .zero)
            harness.advance(by: delays.last ?? .zero)
        }
        // Equal jitter with the lowest draw: half of each step; steps 1, 2, 4, 4 s.
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(2)])
        #expect(harness.connects == 5)
        harness.connack()
        harness.close()
        #expect(harness.timerStarts.last { $0.0 == .reconnect }?.1 == .milliseconds(500), "a connection resets the backoff")
    }

    @Test func aConnectionWithoutConnackInTimeIsGivenUp() {
        var harness = SessionHarness()
        harness.start()
        harness.advance(by: .seconds(29))
        #expect(harness.connects == 1)
        harness.advance(by: .seconds(1))  // max(10 s, keepalive 30 s)
        // Never connected: "could not connect", not "lost", and counted as a timeout.
        #expect(harness.logs.contains { $0.message == "could not connect to broker" && $0.metadata["kind"] == "timed_out"
            && $0.metadata["reason"]?.contains("no CONNACK from broker.test:8883 within 30 s") == true })
        #expect(!harness.logged("broker connection lost"))
        #expect(harness.session.counters.connectFailures == [.timedOut: 1])
        #expect(!harness.transportOpen)
        harness.advance(by: .seconds(1))
        #expect(harness.connects == 2)
    }

    @Test func theBacklogIsPacedWhileLiveReadingsGoOutAtOnce() {
        // 1,000 readings waited through an outage; replay at 100 per second, window 10. The
        // broker answers within 10 ms; a live reading arrives every 100 ms.
        var harness = connected(backlog: 1000, window: 10, replayRate: 100)
        var liveStoredAt: [UInt64: Duration] = [:]
        for step in 1...500 {
            if step % 10 == 0 { liveStoredAt[harness.store(1).lowerBound] = harness.now }
            harness.advance(by: .milliseconds(10))
            harness.pubackAll()
        }
        let backlog = harness.sentSequences().filter { $0 <= 1000 }
        #expect(backlog == Array(1...UInt64(backlog.count)), "the backlog goes in order")
        // 5 s at 100/s plus the first burst of 10: about 510, far from the whole backlog.
        #expect(backlog.count >= 500 && backlog.count <= 520, "\(backlog.count) backlog readings in 5 s")
        // No second of the replay carries more than the rate and the burst.
        for second in 1...4 {
            let inSecond = harness.published.filter { $0.at >= .seconds(second) && $0.at < .seconds(second + 1) }
                .flatMap(\.sequences).filter { $0 <= 1000 }
            #expect(inSecond.count >= 95 && inSecond.count <= 105, "second \(second): \(inSecond.count)")
        }
        // Live readings are not paced: each went out the moment it was stored.
        let live = harness.published.filter { $0.sequences.allSatisfy { $0 > 1000 } }
        #expect(live.flatMap(\.sequences) == Array(1001...1050))
        for publish in live {
            #expect(publish.at == liveStoredAt[publish.sequences[0]], "live reading \(publish.sequences[0])")
        }
    }

    @Test func stopDrainsWhatIsInFlightAndFinishesOnTheLastAcknowledgement() {
        var harness = connected(window: 5)
        harness.store(3)
        harness.stop()
        #expect(!harness.finished, "three readings wait for their PUBACKs")
        harness.store(1, tell: true)  // the storage service's last flush
        harness.pubackAll()
        #expect(harness.finished)
        #expect(harness.stored.isEmpty)
        #expect(!harness.transportOpen)
        #expect(harness.timers.isEmpty, "no timer outlives the session")
        #expect(harness.willPublishedWhileOpen == true, "the will goes out by hand before the DISCONNECT")
    }

    @Test func stopFinishesAtTheDeadlineWithUnansweredMessagesStillStored() {
        var harness = connected(window: 5, drainTimeout: .seconds(10))
        harness.store(4)
        harness.stop()
        harness.advance(by: .milliseconds(9_999))
        #expect(!harness.finished)
        harness.advance(by: .milliseconds(1))
        #expect(harness.finished)
        #expect(harness.stored.keys.sorted() == [1, 2, 3, 4], "unanswered readings stay for the next start")
        #expect(harness.logged("stopping with readings in flight; they stay stored and are sent after restart"))
        #expect(!harness.transportOpen)
    }

    @Test func stopWhileDisconnectedFinishesAtOnce() {
        var harness = SessionHarness()
        harness.start()
        harness.close()
        harness.stop()
        #expect(harness.finished)
        #expect(harness.timers.isEmpty)
        #expect(harness.willPublishedWhileOpen == nil, "no connection, no will to publish: the broker has sent it")
    }

    @Test func aBatchOfNReadingsIsOneMessageAndOnePubackAcknowledgesAllN() {
        var harness = connected(window: 2, readingsPerMessage: 10)
        harness.store(25)
        #expect(harness.published.map(\.sequences.count) == [10, 10], "two messages fill a window of two")
        #expect(harness.outstanding.count == 2)
        harness.puback(harness.published[0].packetID)
        #expect(harness.acknowledged == Array(1...10))
        #expect(harness.session.counters.acknowledged == 10)
        #expect(harness.published.map(\.sequences.count) == [10, 10, 5])
        harness.pubackAll()
        #expect(harness.stored.isEmpty)
    }

    @Test func readingsTheEncoderRefusesAreCountedAndNeverBlock() {
        var harness = connected(window: 1, readingsPerMessage: 1)
        harness.unencodable = [2]
        harness.store(3)
        harness.pubackAll()
        harness.pubackAll()
        #expect(harness.sentSequences() == [1, 3])
        #expect(harness.session.counters.unencodable == 1)
    }

    @Test func aFailedPublishDropsTheConnectionAndEverythingIsResentOnTheNext() {
        var harness = connected(window: 5)
        harness.store(2)
        harness.publishFails = true
        harness.store(1)
        #expect(!harness.transportOpen)
        #expect(harness.logged("publish failed; will retry after reconnect"))
        harness.publishFails = false
        harness.advance(by: .seconds(1))
        harness.connack()
        #expect(harness.sentSequences(generation: harness.generation) == [1, 2, 3])
    }

    @Test func dropsAreReportedAndMarkedOnlyOnTheReportsPuback() {
        var harness = SessionHarness()
        harness.drops = .init(totals: DropCounts(capacity: 7), unreported: DropCounts(capacity: 3), pending: 12)
        harness.start()
        harness.connack()
        #expect(harness.statusReports.map(\.sinceLastReport) == [DropCounts(capacity: 3)])
        #expect(harness.markedReported.isEmpty)
        let statusPacketID = harness.outstanding.keys.sorted()[0]
        harness.puback(statusPacketID)
        #expect(harness.markedReported == [DropCounts(capacity: 7)])
        // Nothing new to report: no second message.
        harness.drops.unreported = DropCounts()
        harness.send(.dropsChanged)
        #expect(harness.statusReports.count == 1)
    }

    @Test func aRecoveredOutboxIsReportedOnce() {
        var harness = SessionHarness(recoveryReported: false)
        harness.start()
        harness.connack()
        #expect(harness.statusReports.map(\.reportsRecovery) == [true])
        harness.pubackAll()
        harness.close()
        harness.advance(by: .seconds(1))
        harness.connack()
        #expect(harness.statusReports.count == 1)
    }
}

@Suite struct UplinkSessionBatchReplayTests {
    @Test func aPacedBacklogStillGoesOutInFullBatches() {
        // 100 readings of backlog, 10 per message, 50 per second, window 2 (burst 20).
        var harness = SessionHarness(window: 2, readingsPerMessage: 10, replayRate: 50)
        harness.store(100, tell: false)
        harness.start()
        harness.connack()
        for _ in 0..<300 {
            harness.advance(by: .milliseconds(10))
            harness.pubackAll()
        }
        #expect(harness.sentSequences() == Array(1...100))
        #expect(harness.published.allSatisfy { $0.sequences.count == 10 }, "\(harness.published.map(\.sequences.count))")
    }
}
