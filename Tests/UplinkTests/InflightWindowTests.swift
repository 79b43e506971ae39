import Testing
@testable import Uplink

@Suite struct InflightWindowTests {
    @Test func neverHoldsMoreMessagesThanItsCapacityWhateverTheyCarry() {
        var window = InflightWindow(capacity: 3)
        window.sent(sequences: [10, 11, 12], packetID: 1)
        window.sent(sequences: [13], packetID: 2)
        #expect(window.freeSlots == 1)
        window.sent(sequences: [14, 15], packetID: 3)
        #expect(window.freeSlots == 0)
        #expect(window.sequences.sorted() == [10, 11, 12, 13, 14, 15])
    }

    @Test func answerMapsPacketIDBackToEverySequenceItCarriedOnce() {
        var window = InflightWindow(capacity: 5)
        window.sent(sequences: [7], packetID: 40)
        window.sent(sequences: [8, 9], packetID: 41)
        #expect(window.answered(packetID: 41) == [8, 9])
        #expect(window.answered(packetID: 41) == nil)
        #expect(window.answered(packetID: 99) == nil)
        #expect(window.count == 1)
        window.removeAll()
        #expect(window.isEmpty)
    }
}

@Suite struct TokenBucketTests {
    @Test func startsFullThenRefillsAtTheRate() {
        let start = Duration.seconds(1000)
        var bucket = TokenBucket(rate: 100, burst: 20, now: start)
        #expect(bucket.available(now: start) == 20)
        bucket.consume(20, now: start)
        #expect(bucket.available(now: start) == 0)
        // 100 per second: 10 ms gives one more.
        #expect(bucket.waitForNext(now: start) == .milliseconds(10))
        #expect(bucket.available(now: start + .milliseconds(50)) == 5)
        // Never more than the burst, however long it was idle.
        #expect(bucket.available(now: start + .seconds(60)) == 20)
    }

    @Test func averageRateOverALongReplayIsTheConfiguredRate() {
        var bucket = TokenBucket(rate: 500, burst: 20, now: .zero)
        var sent = 0
        var now = Duration.zero
        // A replay loop polling every 7 ms for 10 s of virtual time.
        while now < .seconds(10) {
            let n = bucket.available(now: now)
            bucket.consume(n, now: now)
            sent += n
            now += .milliseconds(7)
        }
        #expect(sent >= 4_990 && sent <= 5_020, "\(sent) in 10 s at 500/s")
    }

    @Test func waitingForSeveralIsTheirShareOfTheRateCappedAtTheBurst() {
        var bucket = TokenBucket(rate: 100, burst: 8, now: .zero)
        bucket.consume(8, now: .zero)
        #expect(bucket.wait(for: 4, now: .zero) == .milliseconds(40))
        #expect(bucket.wait(for: 50, now: .zero) == .milliseconds(80), "never more than the burst")
        #expect(bucket.wait(for: 4, now: .milliseconds(40)) == .zero)
    }

    @Test func timeGoingBackwardsGivesNoTokens() {
        var bucket = TokenBucket(rate: 10, burst: 5, now: .seconds(10))
        bucket.consume(5, now: .seconds(10))
        #expect(bucket.available(now: .seconds(9)) == 0)
    }
}
