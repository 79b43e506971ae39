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
        #expect(window.cursor == 12)
    }

    @Test func acknowledgementMapsPacketIDBackToSequence() {
        var window = InflightWindow(capacity: 5)
        window.sent(sequence: 7, packetID: 40)
        window.sent(sequence: 8, packetID: 41)
        #expect(window.acknowledged(packetID: 41) == 8)
        #expect(window.acknowledged(packetID: 41) == nil)
        #expect(window.acknowledged(packetID: 99) == nil)
        #expect(window.count == 1)
        #expect(window.cursor == 8)
    }
}
