import HALSimulation
import Synchronization
import Testing

@Suite struct ManualClockTests {
    /// Records the virtual instants at which it woke.
    final class Log: Sendable {
        private let entries = Mutex<[String]>([])
        func add(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    @Test func sleepersWakeInDeadlineOrderOnOneTimeLine() async throws {
        let clock = ManualClock()
        let log = Log()
        let a = Task {
            for _ in 0..<3 {
                try await clock.sleep(until: clock.now.advanced(by: .seconds(2)))
                log.add("a@\(clock.now.offset)")
            }
        }
        let b = Task {
            for _ in 0..<2 {
                try await clock.sleep(until: clock.now.advanced(by: .seconds(3)))
                log.add("b@\(clock.now.offset)")
            }
        }
        await clock.waitForSleepers(2)
        #expect(log.all.isEmpty)  // nothing wakes before time moves
        await clock.advance(by: .seconds(5))
        #expect(log.all == ["a@2.0 seconds", "b@3.0 seconds", "a@4.0 seconds"])
        #expect(clock.now.offset == .seconds(5))
        await clock.advance(by: .seconds(10))
        // a and b are both due at 6 s and wake together, in no promised order.
        #expect(log.all.prefix(3) == ["a@2.0 seconds", "b@3.0 seconds", "a@4.0 seconds"])
        #expect(log.all.dropFirst(3).sorted() == ["a@6.0 seconds", "b@6.0 seconds"])
        try await a.value
        try await b.value
    }

    @Test func cancellingASleeperThrowsAndRemovesIt() async {
        let clock = ManualClock()
        let task = Task { try await clock.sleep(until: clock.now.advanced(by: .seconds(60))) }
        await clock.waitForSleepers(1)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.sleeperCount == 0)
        #expect(clock.now.offset == .zero)
    }

    @Test func aDeadlineAlreadyPassedReturnsAtOnce() async throws {
        let clock = ManualClock()
        await clock.advance(by: .seconds(1))
        try await clock.sleep(until: .init(offset: .milliseconds(500)))
        #expect(clock.sleeperCount == 0)
    }

    @Test func onItsExecutorSettlingIsExactEvenForLongChainsOfWork() async throws {
        // Each wake does a burst of actor hops before sleeping again; settle() must wait for
        // all of it, so every wake is seen at its own instant.
        actor Counter {
            var hops = 0
            func hop() { hops += 1 }
        }
        let clock = ManualClock()
        let counter = Counter()
        let log = Log()
        let task = Task(executorPreference: clock.executor) {
            while !Task.isCancelled {
                for _ in 0..<200 { await counter.hop() }
                log.add("\(clock.now.offset)")
                try await clock.sleep(until: clock.now.advanced(by: .milliseconds(10)))
            }
        }
        await clock.waitForSleepers(1)
        await clock.advance(by: .milliseconds(100))
        #expect(clock.executor.pendingJobs == 0)  // everything it woke has finished
        task.cancel()
        #expect(log.all == (0...10).map { "\(Duration.milliseconds($0 * 10))" })
        #expect(await counter.hops == 11 * 200)
    }
}
