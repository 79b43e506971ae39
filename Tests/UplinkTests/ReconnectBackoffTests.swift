import Testing
@testable import Uplink

@Suite struct ReconnectBackoffTests {
    @Test func doublesUpToTheCapWithDelaysInTheUpperHalfOfEachStep() {
        var backoff = ReconnectBackoff(initial: .seconds(1), max: .seconds(8))
        // Lowest draw: half the step; highest: the whole step.
        #expect(backoff.nextDelay(randomFraction: 0) == .milliseconds(500))
        #expect(backoff.nextDelay(randomFraction: 1) == .seconds(2))
        #expect(backoff.nextDelay(randomFraction: 0) == .seconds(2))
        #expect(backoff.nextDelay(randomFraction: 1) == .seconds(8))
        #expect(backoff.nextDelay(randomFraction: 1) == .seconds(8))
        #expect(backoff.step == .seconds(8))
    }

    @Test func resetGoesBackToTheFirstStep() {
        var backoff = ReconnectBackoff(initial: .milliseconds(200), max: .seconds(60))
        for _ in 0..<10 { _ = backoff.nextDelay(randomFraction: 0.5) }
        #expect(backoff.step == .seconds(60))
        backoff.reset()
        #expect(backoff.nextDelay(randomFraction: 1) == .milliseconds(200))
    }

    @Test func jitterSpreadsBoardsApart() {
        var a = ReconnectBackoff(initial: .seconds(4), max: .seconds(4))
        var b = a
        #expect(a.nextDelay(randomFraction: 0.1) != b.nextDelay(randomFraction: 0.9))
    }
}

@Suite struct InflightWindowTests {
    @Test func neverHoldsMoreThanItsCapacity() {
        var window = InflightWindow(capacity: 3)
        window.sent(sequence: 10, packetID: 1)
        window.sent(sequence: 11, packetID: 2)
        #expect(window.freeSlots == 1)
        window.sent(sequence: 12, packetID: 3)
        #expect(window.freeSlots == 0)
    }

    @Test func answerMapsPacketIDBackToSequenceOnce() {
        var window = InflightWindow(capacity: 5)
        window.sent(sequence: 7, packetID: 40)
        window.sent(sequence: 8, packetID: 41)
        #expect(window.answered(packetID: 41) == 8)
        #expect(window.answered(packetID: 41) == nil)
        #expect(window.answered(packetID: 99) == nil)
        #expect(window.count == 1)
    }
}

@Suite struct TokenBucketTests {
    @Test func startsFullThenRefillsAtTheRate() {
        let start = ContinuousClock.now
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
        let start = ContinuousClock.now
        var bucket = TokenBucket(rate: 500, burst: 20, now: start)
        var sent = 0
        var now = start
        // Simulate a replay loop polling every 7 ms for 10 s.
        while now < start + .seconds(10) {
            let n = bucket.available(now: now)
            bucket.consume(n, now: now)
            sent += n
            now += .milliseconds(7)
        }
        #expect(sent >= 4_990 && sent <= 5_020, "\(sent) in 10 s at 500/s")
    }
}
