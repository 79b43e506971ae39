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

