import Dispatch
import Testing
@testable import Uplink

/// The uplink's inbox: every event put in from any thread reaches the session's task once, in
/// the order each thread put them (threads of their own, as libmosquitto's loop is), and the task is woken, cancelled and finished as it should be.
@Suite struct UplinkEventQueueTests {
    /// The packet ids of `.transport(… .published …)` events, which tag the events here.
    func packetIDs(_ events: [UplinkSession.Event]) -> [Int32] {
        events.compactMap {
            if case .transport(_, .published(let packetID, _)) = $0 { return packetID }
            return nil
        }
    }

    func tagged(_ id: Int32, generation: Int = 1) -> UplinkSession.Event {
        .transport(generation: generation, .published(packetID: id, reasonCode: 0))
    }

    @Test func whatArrivedBeforeTheTakeIsHandedOverWholeInOrder() async {
        let queue = UplinkEventQueue()
        for id in 1...5 { queue.put(tagged(Int32(id))) }
        var events: [UplinkSession.Event] = []
        #expect(await queue.take(into: &events))
        #expect(packetIDs(events) == [1, 2, 3, 4, 5])
        // The buffer went back into the queue: the next arrivals come out alone, not with these.
        events.removeAll(keepingCapacity: true)
        queue.put(tagged(6))
        #expect(await queue.take(into: &events))
        #expect(packetIDs(events) == [6])
    }

    @Test func aWaitingTakeIsWokenByAPutFromAnotherThread() async {
        let queue = UplinkEventQueue()
        let taker = Task {
            var events: [UplinkSession.Event] = []
            let got = await queue.take(into: &events)
            return (got, events.count)
        }
        try? await Task.sleep(for: .milliseconds(50))  // the taker is waiting by now (or not: both work)
        DispatchQueue(label: "putter").async { queue.put(.readingsStored) }
        let (got, count) = await taker.value
        #expect(got)
        #expect(count == 1)
    }

    @Test func everyEventFromFourThreadsArrivesOnceAndEachThreadsInOrder() async {
        let queue = UplinkEventQueue()
        let perThread = 5_000
        for thread in 0..<4 {
            DispatchQueue(label: "putter \(thread)").async {
                for index in 0..<perThread { queue.put(tagged(Int32(index), generation: thread)) }
            }
        }
        var seen: [[Int32]] = Array(repeating: [], count: 4)
        var events: [UplinkSession.Event] = []
        while seen.map(\.count).reduce(0, +) < 4 * perThread {
            events.removeAll(keepingCapacity: true)
            guard await queue.take(into: &events) else { break }
            for case .transport(let thread, .published(let id, _)) in events { seen[thread].append(id) }
        }
        for thread in 0..<4 {
            #expect(seen[thread] == (0..<Int32(perThread)).map { $0 }, "thread \(thread): each once, in order")
        }
    }

    @Test func cancellingTheWaitingTaskEndsTheTakeWithNothing() async {
        let queue = UplinkEventQueue()
        let taker = Task {
            var events: [UplinkSession.Event] = []
            let got = await queue.take(into: &events)
            return (got, events.count)
        }
        try? await Task.sleep(for: .milliseconds(50))
        taker.cancel()
        let (got, count) = await taker.value
        #expect(!got)
        #expect(count == 0)
    }

    @Test func anAlreadyCancelledTaskDoesNotWait() async {
        let queue = UplinkEventQueue()
        let taker = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            var events: [UplinkSession.Event] = []
            return await queue.take(into: &events)
        }
        #expect(await taker.value == false)
    }

    @Test func afterFinishTheWaitingTakeReturnsAndLaterEventsAreDropped() async {
        let queue = UplinkEventQueue()
        let taker = Task {
            var events: [UplinkSession.Event] = []
            return await queue.take(into: &events)
        }
        try? await Task.sleep(for: .milliseconds(50))
        queue.finish()
        #expect(await taker.value == false)
        queue.put(.readingsStored)
        var events: [UplinkSession.Event] = []
        #expect(await queue.take(into: &events) == false)
        #expect(events.isEmpty)
    }
}
