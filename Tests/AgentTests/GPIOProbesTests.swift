@testable import Agent
import HAL
import HALSimulation
import Synchronization
import Testing

/// Forwards to a SimulatedGPIO and records how each line was requested, since the simulation
/// ignores debounce and the probes must still pass it on.
final class RecordingGPIO: GPIOController {
    let gpio: SimulatedGPIO
    let inputs = Mutex<[(GPIOLineAddress, String, GPIOInputConfiguration)]>([])
    let outputs = Mutex<[(GPIOLineAddress, String, GPIOOutputConfiguration)]>([])

    init(_ gpio: SimulatedGPIO = SimulatedGPIO()) { self.gpio = gpio }

    func requestInput(_ address: GPIOLineAddress, consumer: String,
                      configuration: GPIOInputConfiguration) async throws -> any GPIOInput {
        inputs.withLock { $0.append((address, consumer, configuration)) }
        return try await gpio.requestInput(address, consumer: consumer, configuration: configuration)
    }

    func requestOutput(_ address: GPIOLineAddress, consumer: String,
                       configuration: GPIOOutputConfiguration) async throws -> any GPIOOutput {
        outputs.withLock { $0.append((address, consumer, configuration)) }
        return try await gpio.requestOutput(address, consumer: consumer, configuration: configuration)
    }
}

/// Lets a test wait until a watch said it is ready.
final class ReadySignal: Sendable {
    private let pair = AsyncStream<Void>.makeStream()

    func fire() { pair.continuation.yield() }

    func wait() async {
        for await _ in pair.stream { return }
    }
}

/// Collects the events a watch reports, in order.
final class EventLog: Sendable {
    let events = Mutex<[GPIOEdgeEvent]>([])
    func append(_ event: GPIOEdgeEvent) { events.withLock { $0.append(event) } }
    var all: [GPIOEdgeEvent] { events.withLock { $0 } }
}

@Suite("GPIO probes on a simulated chip")
struct GPIOProbesTests {
    let address = GPIOLineAddress(chip: "gpiochip0", line: .offset(17))

    // MARK: line parsing and output formats

    @Test func digitsAreAnOffsetAnythingElseAName() {
        #expect(GPIOProbes.parseLine("17") == .offset(17))
        #expect(GPIOProbes.parseLine("0") == .offset(0))
        #expect(GPIOProbes.parseLine("GPIO17") == .name("GPIO17"))
        #expect(GPIOProbes.parseLine("17a") == .name("17a"))
        #expect(GPIOProbes.parseLine("") == nil)
        #expect(GPIOProbes.parseLine("99999999999") == nil)
    }

    @Test func outputFormatsAreTheOnesTheTestStageReads() {
        let event = GPIOEdgeEvent(edge: .rising, timestampNanoseconds: 123, sequence: 1)
        #expect(GPIOProbes.eventJSON(event) == #"{"edge":"rising","timestamp_ns":123,"sequence":1}"#)
        #expect(GPIOProbes.eventText(GPIOEdgeEvent(edge: .falling, timestampNanoseconds: 9, sequence: 4))
                    == "falling 9 4")
        #expect(GPIOProbes.valueJSON(chip: "gpiochip0", line: "GPIO17", value: true)
                    == #"{"chip":"gpiochip0","line":"GPIO17","value":1}"#)
        #expect(GPIOProbes.valueJSON(chip: "a\"b\\c\n", line: "1", value: false)
                    == #"{"chip":"a\"b\\c\n","line":"1","value":0}"#)
    }

    // MARK: get

    @Test func getReadsTheLogicalLevelAndReleases() async throws {
        let gpio = SimulatedGPIO()
        gpio.drive(address, to: true)
        #expect(try await GPIOProbes.get(controller: gpio, address: address) == true)
        // Active-low: the same high wire is logical 0.
        #expect(try await GPIOProbes.get(controller: gpio, address: address, activeLow: true) == false)
        #expect(gpio.consumer(of: address) == nil)
    }

    @Test func getPassesBiasSoAFloatingLineReadsItsPull() async throws {
        let recorder = RecordingGPIO()
        #expect(try await GPIOProbes.get(controller: recorder, address: address, bias: .pullUp) == true)
        let requested = recorder.inputs.withLock { $0.map { ($0.1, $0.2.bias, $0.2.edges) } }
        #expect(requested.count == 1)
        #expect(requested.first?.0 == GPIOProbes.consumer)
        #expect(requested.first?.1 == .pullUp)
        #expect(requested.first?.2 == GPIOEdgeDetection.none)
    }

    @Test func aBusyLineIsAnErrorAndStaysWithItsHolder() async throws {
        let gpio = SimulatedGPIO()
        let holder = try await gpio.requestOutput(address, consumer: "someone", configuration: .init())
        await #expect { _ = try await GPIOProbes.get(controller: gpio, address: address) }
            throws: { ($0 as? HALError)?.kind == .busy }
        #expect(gpio.consumer(of: address) == "someone")
        await holder.release()
    }

    @Test func anUnknownChipIsNoSuchDevice() async {
        let gpio = SimulatedGPIO(chips: ["gpiochip0"])
        await #expect {
            _ = try await GPIOProbes.get(controller: gpio, address: GPIOLineAddress(chip: "gpiochip9", line: .offset(1)))
        } throws: { ($0 as? HALError)?.kind == .noSuchDevice }
    }

    // MARK: set

    @Test func setRequestsAtTheValueHoldsAndReleases() async throws {
        let gpio = SimulatedGPIO()
        let probe = Task {
            try await GPIOProbes.set(controller: gpio, address: address, value: true, hold: .milliseconds(300))
        }
        // While held, the line is ours and high.
        var held = false
        for _ in 0..<100 where !held {
            held = gpio.outputValue(address) == true
            if !held { try await Task.sleep(for: .milliseconds(2)) }
        }
        #expect(held)
        #expect(gpio.consumer(of: address) == GPIOProbes.consumer)
        try await probe.value
        #expect(gpio.consumer(of: address) == nil)
        // The initial value is the value: the line never showed the opposite level first.
        #expect(gpio.outputHistory(address) == [true])
    }

    @Test func setActiveLowDrivesTheWireLow() async throws {
        let recorder = RecordingGPIO()
        try await GPIOProbes.set(controller: recorder, address: address, value: true, activeLow: true)
        let configuration = recorder.outputs.withLock { $0.first?.2 }
        #expect(configuration == GPIOOutputConfiguration(activeLow: true, initialValue: true))
        #expect(recorder.gpio.outputHistory(address) == [true])
        #expect(recorder.gpio.consumer(of: address) == nil)
    }

    // MARK: watch

    private func watch(_ controller: any GPIOController, _ options: GPIOProbes.WatchOptions,
                       log: EventLog, ready: ReadySignal) -> Task<GPIOProbes.WatchOutcome, any Error> {
        let address = address
        return Task {
            try await GPIOProbes.watch(controller: controller, address: address, options: options,
                                       onReady: { ready.fire() }, onEvent: { log.append($0) })
        }
    }

    @Test func watchReportsEdgesInOrderAndStopsAtTheCount() async throws {
        let gpio = SimulatedGPIO()
        let log = EventLog(), ready = ReadySignal()
        let task = watch(gpio, .init(edges: .both, count: 3, timeout: .seconds(10)), log: log, ready: ready)
        await ready.wait()
        gpio.drive(address, to: true, timestampNanoseconds: 100)
        gpio.drive(address, to: false, timestampNanoseconds: 200)
        gpio.drive(address, to: true, timestampNanoseconds: 300)
        let outcome = try await task.value
        #expect(outcome == .counted(3))
        #expect(outcome.exitStatus(count: 3) == 0)
        #expect(log.all == [
            GPIOEdgeEvent(edge: .rising, timestampNanoseconds: 100, sequence: 1),
            GPIOEdgeEvent(edge: .falling, timestampNanoseconds: 200, sequence: 2),
            GPIOEdgeEvent(edge: .rising, timestampNanoseconds: 300, sequence: 3),
        ])
        #expect(gpio.consumer(of: address) == nil)
    }

    @Test func watchTimesOutWithFewerEventsAsExit75() async throws {
        let gpio = SimulatedGPIO()
        let log = EventLog(), ready = ReadySignal()
        let clock = ContinuousClock()
        let start = clock.now
        let task = watch(gpio, .init(count: 5, timeout: .milliseconds(200)), log: log, ready: ready)
        await ready.wait()
        gpio.drive(address, to: true)
        let outcome = try await task.value
        #expect(outcome == .timedOut(1))
        #expect(outcome.exitStatus(count: 5) == 75)
        // The timeout cannot fire early. How late it may fire is left out: that is wall-clock
        // timing, which a loaded or emulated machine (qemu-aarch64 took 62 s here) stretches at
        // will; `.timedOut(1)` with no fifth event ever sent already shows the timeout ended it.
        #expect(clock.now - start >= .milliseconds(200))
        #expect(gpio.consumer(of: address) == nil)
    }

    @Test func watchWithoutACountEndsAtTheTimeoutAsSuccess() async throws {
        let gpio = SimulatedGPIO()
        let log = EventLog(), ready = ReadySignal()
        let task = watch(gpio, .init(timeout: .milliseconds(150)), log: log, ready: ready)
        await ready.wait()
        gpio.drive(address, to: true)
        gpio.drive(address, to: false)
        let outcome = try await task.value
        #expect(outcome == .timedOut(2))
        #expect(outcome.exitStatus(count: nil) == 0)
    }

    @Test func watchRisingOnlyIgnoresFallingEdgesAndHonoursActiveLow() async throws {
        let gpio = SimulatedGPIO()
        let log = EventLog(), ready = ReadySignal()
        // Active-low: the wire going low is the logical rising edge.
        let task = watch(gpio, .init(edges: .rising, count: 2, timeout: .seconds(10), activeLow: true),
                         log: log, ready: ready)
        await ready.wait()
        gpio.drive(address, to: true, timestampNanoseconds: 10)   // logical falling: not reported
        gpio.drive(address, to: false, timestampNanoseconds: 20)  // logical rising
        gpio.drive(address, to: true, timestampNanoseconds: 30)   // logical falling: not reported
        gpio.drive(address, to: false, timestampNanoseconds: 40)  // logical rising
        #expect(try await task.value == .counted(2))
        #expect(log.all.map(\.edge) == [.rising, .rising])
        #expect(log.all.map(\.timestampNanoseconds) == [20, 40])
    }

    @Test func watchPassesEveryOptionToTheController() async throws {
        let recorder = RecordingGPIO()
        let log = EventLog(), ready = ReadySignal()
        let options = GPIOProbes.WatchOptions(edges: .falling, debounceMicroseconds: 2_500, count: 1,
                                              timeout: .seconds(10), activeLow: true, bias: .pullDown)
        let task = watch(recorder, options, log: log, ready: ready)
        await ready.wait()
        recorder.gpio.drive(address, to: true)
        #expect(try await task.value == .counted(1))
        let configuration = recorder.inputs.withLock { $0.first?.2 }
        #expect(configuration == GPIOInputConfiguration(bias: .pullDown, activeLow: true, edges: .falling,
                                                        debounceMicroseconds: 2_500))
    }

    @Test func watchOfABusyLineThrowsBeforeReady() async throws {
        let gpio = SimulatedGPIO()
        let holder = try await gpio.requestInput(address, consumer: "someone", configuration: .init())
        let readyCalls = EventLog()
        await #expect {
            _ = try await GPIOProbes.watch(controller: gpio, address: address, options: .init(count: 1),
                                           onReady: { readyCalls.append(GPIOEdgeEvent(edge: .rising, timestampNanoseconds: 0, sequence: 0)) },
                                           onEvent: { _ in })
        } throws: { ($0 as? HALError)?.kind == .busy }
        #expect(readyCalls.all.isEmpty)
        await holder.release()
    }

    @Test func exitStatusCountsOnlyWhenACountWasAsked() {
        #expect(GPIOProbes.WatchOutcome.counted(3).exitStatus(count: 3) == 0)
        #expect(GPIOProbes.WatchOutcome.timedOut(2).exitStatus(count: 3) == 75)
        #expect(GPIOProbes.WatchOutcome.timedOut(0).exitStatus(count: nil) == 0)
        #expect(GPIOProbes.WatchOutcome.streamEnded(1).exitStatus(count: 2) == 75)
    }
}
