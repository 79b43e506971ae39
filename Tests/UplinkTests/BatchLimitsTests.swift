import Pipeline
import Testing
@testable import Uplink

/// A batch closes on the first of three limits: its count (`readings_per_message`), its payload
/// bytes (`bytes_per_message`) and the age of its oldest reading (`batch_wait`); backlog and a
/// stop never wait. Worked in virtual time on the pure session, and on real encoders for bytes.
@Suite struct BatchLimitsTests {
    func connected(readingsPerMessage: Int = 10, batchWait: Duration = .seconds(5)) -> SessionHarness {
        var harness = SessionHarness(window: 5, readingsPerMessage: readingsPerMessage, batchWait: batchWait)
        harness.start()
        harness.connack()
        return harness
    }

    @Test func aPartialBatchWaitsForItsOldestReadingsAgeThenGoesWithWhatCameMeanwhile() {
        var harness = connected()
        harness.store(3)
        #expect(harness.published.isEmpty, "3 of 10: the batch waits")
        harness.advance(by: .seconds(4))
        harness.store(2)
        #expect(harness.published.isEmpty, "still younger than 5 s")
        harness.advance(by: .milliseconds(999))
        #expect(harness.published.isEmpty)
        harness.advance(by: .milliseconds(1))
        // Due 5 s after the first three were read, carrying the two that came at 4 s too.
        #expect(harness.published.count == 1)
        #expect(harness.published.first?.sequences == [1, 2, 3, 4, 5])
        #expect(harness.published.first?.at == .seconds(5))
    }

    @Test func aFullBatchGoesAtOnceAndOnlyTheRemainderWaits() {
        var harness = connected()
        harness.store(12)
        #expect(harness.published.map(\.sequences) == [Array(1...10)], "ten fill a message: no waiting")
        #expect(harness.published.first?.at == .zero)
        harness.advance(by: .seconds(5))
        #expect(harness.published.map(\.sequences) == [Array(1...10), [11, 12]])
        #expect(harness.published.last?.at == .seconds(5))
    }

    @Test func readingsArrivingWhileABatchWaitsFillItAndSendItEarly() {
        var harness = connected()
        harness.store(4)
        harness.advance(by: .seconds(1))
        harness.store(6)
        #expect(harness.published.map(\.sequences) == [Array(1...10)])
        #expect(harness.published.first?.at == .seconds(1), "full at 1 s, sent then")
        // The timer of the first batch must not send the next one early.
        harness.store(1)
        harness.advance(by: .seconds(4))
        #expect(harness.published.count == 1, "reading 11 was read at 1 s: due at 6 s, not 5 s")
        harness.advance(by: .seconds(1))
        #expect(harness.published.map(\.sequences).last == [11])
    }

    @Test func backlogNeverWaits() {
        var harness = SessionHarness(window: 5, readingsPerMessage: 10, batchWait: .seconds(5))
        harness.store(3)
        harness.start()
        harness.connack()
        #expect(harness.published.map(\.sequences) == [[1, 2, 3]], "stored before the connection: sent at once")
        #expect(harness.published.first?.at == .zero)
    }

    @Test func aStopSendsTheWaitingBatchAtOnce() {
        var harness = connected()
        harness.store(3)
        harness.advance(by: .seconds(1))
        harness.stop()
        #expect(harness.published.map(\.sequences) == [[1, 2, 3]])
        #expect(harness.published.first?.at == .seconds(1))
        harness.pubackAll()
        #expect(harness.finished)
    }

    @Test func withoutAWaitAPartialBatchGoesAtOnce() {
        var harness = connected(batchWait: .zero)
        harness.store(3)
        #expect(harness.published.map(\.sequences) == [[1, 2, 3]])
    }

    @Test func aLostConnectionForgetsTheWaitAndTheNextConnectionSendsTheReadingsAsBacklog() {
        var harness = connected()
        harness.store(3)
        harness.close()
        #expect(harness.published.isEmpty)
        harness.advance(by: .seconds(1))  // the reconnect backoff (1 s, no jitter)
        harness.connack()
        #expect(harness.published.map(\.sequences) == [[1, 2, 3]], "stored before this connection: backlog")
    }

    // MARK: Bytes

    static let context = EncoderContext(gatewayID: "gw", readingsTopic: "sensorgw/gw/readings")

    static func readings(_ count: Int) -> [Reading] {
        (1...count).map { index in
            Reading(sensorID: "air", quantity: "temperature", value: 20 + Double(index) / 4, unit: .celsius,
                    timestamp: Timestamp(wallSeconds: 1_700_000_000 + Double(index), monotonicNanoseconds: UInt64(index),
                                         clockSynchronized: true),
                    sequence: UInt64(index))
        }
    }

    /// Fits `readings` message by message under `budget` payload bytes; the payload sizes sent.
    static func sendAll(_ readings: [Reading], budget: Int, limit: Int? = nil) -> (carried: [[UInt64]], sizes: [Int]) {
        let encoder = SenMLCBOREncoder(context: context, maxReadingsPerMessage: 64)
        var state: any ReadingEncoder = encoder
        var buffer: [UInt8] = []
        var rest = readings[...]
        var carried: [[UInt64]] = []
        var sizes: [Int] = []
        while !rest.isEmpty {
            let outcome = BatchFitting.fit(rest, limit: limit, payloadBudget: budget, contentType: encoder.contentType,
                                           state: &state, into: &buffer) { $0.encode($1, into: &$2) }
            guard case .fits(let message) = outcome, !message.carried.isEmpty else { return (carried, sizes) }
            carried.append(message.carried)
            sizes.append(buffer.count)
            rest = rest.dropFirst(message.carried.count)
        }
        return (carried, sizes)
    }

    @Test func aByteBudgetCutsBatchesUnderItAndKeepsEveryReadingInOrder() {
        let whole = Self.sendAll(Self.readings(64), budget: 1 << 20)
        #expect(whole.carried.count == 1)
        let wholeSize = whole.sizes[0]

        let budget = wholeSize / 4
        let cut = Self.sendAll(Self.readings(64), budget: budget)
        #expect(cut.sizes.allSatisfy { $0 <= budget }, "every payload within the budget: \(cut.sizes) vs \(budget)")
        #expect(cut.carried.flatMap { $0 } == Array(1...64), "every reading once, in order")
        // Cut to the budget's share, not halved down to an eighth: 4 or 5 messages, not 8.
        #expect(cut.carried.count <= 5, "\(cut.carried.map(\.count))")
    }

    @Test func aReadingLargerThanTheBudgetAloneStillGoesButOneOverThePacketLimitIsDropped() {
        let overBudget = Self.sendAll(Self.readings(3), budget: 64)
        #expect(overBudget.carried.count >= 2 && overBudget.carried.flatMap { $0 } == [1, 2, 3])

        let encoder = SenMLCBOREncoder(context: Self.context, maxReadingsPerMessage: 64)
        var state: any ReadingEncoder = encoder
        var buffer: [UInt8] = []
        let refused = BatchFitting.fit(Self.readings(3)[...], limit: 30, payloadBudget: 64, contentType: encoder.contentType,
                                       state: &state, into: &buffer) { $0.encode($1, into: &$2) }
        #expect(refused == .tooLarge(dropped: [1], limit: 30), "the packet limit refuses; the budget never does")
    }
}
