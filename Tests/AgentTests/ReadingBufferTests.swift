import Outbox
import Pipeline
import Testing
@testable import Agent

/// The flush buffer's wake-up: the first reading after a quiet spell is committed at once.
@Suite struct ReadingBufferTests {
    func pending(_ value: Double) -> PendingReading {
        PendingReading(Reading(sensorID: "s", quantity: "q", value: value, unit: .celsius,
                               timestamp: Timestamp(wallSeconds: 1, monotonicNanoseconds: 1, clockSynchronized: true)))
    }

    // The waits below are an hour long: they can only end by the readings (or the time limit,
    // which fails the test), never by chance timing.
    @Test(.timeLimit(.minutes(1)))
    func aWaitEndsWhenTheFirstReadingArrives() async {
        let buffer = ReadingBuffer()
        let waiting = Task { await buffer.waitForReadings(atMost: .seconds(3600)) }
        // Whether the waiter is parked yet or not, adding must end the wait.
        buffer.add([pending(1)])
        await waiting.value
        #expect(buffer.takeAll().map(\.reading.number) == [1])
    }

    @Test(.timeLimit(.minutes(1)))
    func aWaitEndsAtOnceWhenReadingsAreAlreadyBuffered() async {
        let buffer = ReadingBuffer()
        buffer.add([pending(1), pending(2)])
        await buffer.waitForReadings(atMost: .seconds(3600))
        #expect(buffer.count == 2)
    }

    @Test(.timeLimit(.minutes(1)))
    func aCancelledWaitEnds() async {
        let buffer = ReadingBuffer()
        let waiting = Task { await buffer.waitForReadings(atMost: .seconds(3600)) }
        waiting.cancel()
        await waiting.value
        #expect(buffer.count == 0)
    }

    @Test func aShortWaitEndsWithNothingBuffered() async {
        let buffer = ReadingBuffer()
        await buffer.waitForReadings(atMost: .zero)
        #expect(buffer.count == 0)
    }
}
