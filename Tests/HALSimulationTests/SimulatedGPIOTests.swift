import HAL
import Testing
@testable import HALSimulation

private let button = GPIOLineAddress(chip: "gpiochip0", line: .offset(17))
private let led = GPIOLineAddress(chip: "gpiochip0", line: .name("GPIO27"))

@Suite("SimulatedGPIO")
struct SimulatedGPIOTests {
    @Test("driving an input emits edges with timestamps and sequence numbers")
    func edges() async throws {
        let gpio = SimulatedGPIO()
        let input = try await gpio.requestInput(button, consumer: "test",
                                                configuration: GPIOInputConfiguration(edges: .both))
        let stream = input.edges()
        gpio.drive(button, to: true, timestampNanoseconds: 100)
        gpio.drive(button, to: true, timestampNanoseconds: 150)   // no change, no event
        gpio.drive(button, to: false, timestampNanoseconds: 200)
        #expect(try await input.read() == false)
        await input.release()   // finishes the stream
        var events: [GPIOEdgeEvent] = []
        for try await event in stream { events.append(event) }
        #expect(events == [GPIOEdgeEvent(edge: .rising, timestampNanoseconds: 100, sequence: 1),
                           GPIOEdgeEvent(edge: .falling, timestampNanoseconds: 200, sequence: 2)])
    }

    @Test("edge filter and active-low: a falling wire is a rising logical edge")
    func activeLowRisingOnly() async throws {
        let gpio = SimulatedGPIO()
        gpio.drive(button, to: true)
        let input = try await gpio.requestInput(
            button, consumer: "test", configuration: GPIOInputConfiguration(activeLow: true, edges: .rising))
        let stream = input.edges()
        #expect(try await input.read() == false)
        gpio.drive(button, to: false)   // logical rising
        gpio.drive(button, to: true)    // logical falling, filtered out
        gpio.drive(button, to: false)   // logical rising
        #expect(try await input.read() == true)
        await input.release()
        var events: [GPIOEdgeEvent] = []
        for try await event in stream { events.append(event) }
        #expect(events.map(\.edge) == [.rising, .rising])
        #expect(events.map(\.sequence) == [1, 2])
        // Default timestamps are monotonic.
        #expect(events[0].timestampNanoseconds < events[1].timestampNanoseconds)
    }

    @Test("outputs: the test reads the logical value and the wire level")
    func outputs() async throws {
        let gpio = SimulatedGPIO()
        let output = try await gpio.requestOutput(
            led, consumer: "test", configuration: GPIOOutputConfiguration(activeLow: true, initialValue: false))
        #expect(gpio.outputValue(led) == false)
        #expect(gpio.electricalLevel(led) == true)
        try await output.set(true)
        #expect(gpio.outputValue(led) == true)
        #expect(gpio.electricalLevel(led) == false)
        #expect(gpio.outputHistory(led) == [false, true])
        await output.release()
        #expect(gpio.outputValue(led) == nil)
        await #expect(throws: HALError.self) { try await output.set(false) }
    }

    @Test("a held line is .busy; an unknown chip is .noSuchDevice; edges without detection fail")
    func errors() async throws {
        let gpio = SimulatedGPIO(chips: ["gpiochip0"])
        let input = try await gpio.requestInput(button, consumer: "first", configuration: GPIOInputConfiguration())
        let busy = await #expect(throws: HALError.self) {
            try await gpio.requestOutput(button, consumer: "second", configuration: GPIOOutputConfiguration())
        }
        #expect(busy?.kind == .busy)
        #expect(busy?.detail?.contains("first") == true)
        let missing = await #expect(throws: HALError.self) {
            try await gpio.requestInput(GPIOLineAddress(chip: "gpiochip9", line: .offset(0)), consumer: "x",
                                        configuration: GPIOInputConfiguration())
        }
        #expect(missing?.kind == .noSuchDevice)
        let noEdges = await #expect(throws: HALError.self) {
            for try await _ in input.edges() {}
        }
        #expect(noEdges?.kind == .invalidArgument)
        await input.release()
        _ = try await gpio.requestInput(button, consumer: "again", configuration: GPIOInputConfiguration())
    }

    @Test("pull bias gives an undriven input its level")
    func bias() async throws {
        let gpio = SimulatedGPIO()
        let input = try await gpio.requestInput(button, consumer: "t", configuration: GPIOInputConfiguration(bias: .pullUp))
        #expect(try await input.read() == true)
    }
}
