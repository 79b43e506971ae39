#if os(Linux) && canImport(CGPIOD)
import CGPIOD
import HAL
@testable import HALLinux
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A line whose kernel side is played by the test: events are queued with `emit`, waits poll them.
/// It records any call made after release, which would be a use-after-free of a real handle.
final class FakeGPIOLine: GPIOLineBackend, Sendable {
    struct State {
        var pending: [sgw_gpio_event] = []
        var value: Int32 = 0
        var released = 0
        var callsAfterRelease = 0
        var waits = 0
    }
    let state = Mutex(State())

    /// Queues an event; `lineSeqno` 0 plays libgpiod 1.6 (no kernel numbers), nonzero 2.x.
    func emit(_ edge: GPIOEdge, at timestamp: UInt64, lineSeqno: UInt64 = 0) {
        var event = sgw_gpio_event()
        event.edge = edge == .rising ? Int32(SGW_GPIO_EDGE_RISING) : Int32(SGW_GPIO_EDGE_FALLING)
        event.timestamp_ns = timestamp
        event.line_seqno = lineSeqno
        state.withLock { $0.pending.append(event) }
    }

    private func touch() { state.withLock { if $0.released > 0 { $0.callsAfterRelease += 1 } } }

    func getValue() -> Int32 { touch(); return state.withLock { $0.value } }
    func setValue(_ value: Int32) -> Int32 { touch(); state.withLock { $0.value = value }; return 0 }

    func waitForEvent(timeoutNanoseconds: Int64) -> Int32 {
        touch()
        state.withLock { $0.waits += 1 }
        var waited: Int64 = 0
        while true {
            if state.withLock({ !$0.pending.isEmpty }) { return 1 }
            if waited >= timeoutNanoseconds { return 0 }
            usleep(1_000)
            waited += 1_000_000
        }
    }

    func readEvents(into events: UnsafeMutableBufferPointer<sgw_gpio_event>) -> Int32 {
        touch()
        return state.withLock { state in
            let count = min(events.count, state.pending.count)
            for i in 0..<count { events[i] = state.pending[i] }
            state.pending.removeFirst(count)
            return Int32(count)
        }
    }

    func release() { state.withLock { $0.released += 1 } }
}

@Suite("GPIO: input line over a fake backend")
struct GPIOInputTests {
    let address = GPIOLineAddress(chip: "gpiochip0", line: .offset(17))

    func makeInput(edges: GPIOEdgeDetection = .both, debounce: UInt32 = 0) -> (LinuxGPIOInput, FakeGPIOLine) {
        let fake = FakeGPIOLine()
        let input = LinuxGPIOInput(request: GPIOLineRequest(backend: fake, address: address), address: address,
                                   configuration: GPIOInputConfiguration(edges: edges, debounceMicroseconds: debounce))
        return (input, fake)
    }

    private func take(_ count: Int, from stream: AsyncThrowingStream<GPIOEdgeEvent, any Error>) async throws
        -> [GPIOEdgeEvent] {
        var events: [GPIOEdgeEvent] = []
        for try await event in stream {
            events.append(event)
            if events.count == count { break }
        }
        return events
    }

    @Test func edgesCarryKernelTimestampsAndSequenceNumbers() async throws {
        let (input, fake) = makeInput()
        let stream = input.edges()
        fake.emit(.rising, at: 1_000)
        fake.emit(.falling, at: 2_000)
        fake.emit(.rising, at: 3_000)
        let events = try await take(3, from: stream)
        #expect(events == [
            GPIOEdgeEvent(edge: .rising, timestampNanoseconds: 1_000, sequence: 1),
            GPIOEdgeEvent(edge: .falling, timestampNanoseconds: 2_000, sequence: 2),
            GPIOEdgeEvent(edge: .rising, timestampNanoseconds: 3_000, sequence: 3),
        ])
        await input.release()
    }

    @Test func bouncesAreDroppedAndNotNumbered() async throws {
        let (input, fake) = makeInput(debounce: 1_000)
        let stream = input.edges()
        fake.emit(.rising, at: 10_000_000)
        fake.emit(.falling, at: 10_200_000)  // bounce
        fake.emit(.rising, at: 10_400_000)   // bounce
        fake.emit(.falling, at: 15_000_000)
        let events = try await take(2, from: stream)
        #expect(events.map(\.timestampNanoseconds) == [10_000_000, 15_000_000])
        #expect(events.map(\.sequence) == [1, 2])
        #expect(events.map(\.edge) == [.rising, .falling])
        await input.release()
    }

    @Test func aSecondOpenStreamIsBusy() async throws {
        let (input, _) = makeInput()
        let first = input.edges()
        await #expect {
            for try await _ in input.edges() {}
        } throws: { ($0 as? HALError)?.kind == .busy }
        _ = first
        await input.release()
    }

    @Test func aLineWithoutEdgeDetectionHasNoEdgeStream() async {
        let (input, _) = makeInput(edges: .none)
        await #expect {
            for try await _ in input.edges() {}
        } throws: { ($0 as? HALError)?.kind == .invalidArgument }
        await input.release()
    }

    @Test func releaseFinishesTheStreamAndFreesTheLineOnce() async throws {
        let (input, fake) = makeInput()
        let stream = input.edges()
        let consumer = Task { try await take(100, from: stream).count }
        fake.emit(.rising, at: 1)
        try await Task.sleep(for: .milliseconds(50))
        await input.release()
        // The stream ends (normally) instead of waiting for 100 events.
        #expect(try await consumer.value == 1)
        await input.release()
        #expect(fake.state.withLock { $0.released } == 1)
        #expect(fake.state.withLock { $0.callsAfterRelease } == 0)
        await #expect { _ = try await input.read() } throws: { ($0 as? HALError)?.kind == .invalidArgument }
    }

    @Test func endingAStreamStopsItsThreadAndNumberingContinues() async throws {
        let (input, fake) = makeInput()
        fake.emit(.rising, at: 1)
        let first = try await take(1, from: input.edges())
        #expect(first.map(\.sequence) == [1])
        // The first stream was dropped after one event; its thread must stop polling.
        try await Task.sleep(for: .milliseconds(300))
        let waitsAfterStop = fake.state.withLock { $0.waits }
        try await Task.sleep(for: .milliseconds(250))
        #expect(fake.state.withLock { $0.waits } == waitsAfterStop)

        let second = input.edges()
        fake.emit(.falling, at: 2)
        let next = try await take(1, from: second)
        #expect(next == [GPIOEdgeEvent(edge: .falling, timestampNanoseconds: 2, sequence: 2)])
        await input.release()
        #expect(fake.state.withLock { $0.callsAfterRelease } == 0)
    }

    @Test func readReportsTheLogicalValue() async throws {
        let (input, fake) = makeInput(edges: .none)
        #expect(try await input.read() == false)
        fake.state.withLock { $0.value = 1 }
        #expect(try await input.read() == true)
        await input.release()
    }

    @Test func outputSetsTheValueUntilReleased() async throws {
        let fake = FakeGPIOLine()
        let output = LinuxGPIOOutput(request: GPIOLineRequest(backend: fake, address: address), address: address)
        try await output.set(true)
        #expect(fake.state.withLock { $0.value } == 1)
        try await output.set(false)
        #expect(fake.state.withLock { $0.value } == 0)
        await output.release()
        await #expect { try await output.set(true) } throws: { ($0 as? HALError)?.kind == .invalidArgument }
        #expect(fake.state.withLock { ($0.released, $0.callsAfterRelease) } == (1, 0))
    }

    @Test func droppingAnUnreleasedLineFreesIt() async {
        let fake = FakeGPIOLine()
        do {
            let (input, _) = (LinuxGPIOInput(request: GPIOLineRequest(backend: fake, address: address),
                                             address: address, configuration: .init()), 0)
            _ = try? await input.read()
        }
        #expect(fake.state.withLock { $0.released } == 1)
    }
}
#endif
