import HAL
import Synchronization

/// A GPIO controller in memory: a test drives input lines (and sees edge events come out of
/// `edges()`), and reads back what the code set on output lines.
///
/// Levels are kept electrically, as on the pin; active-low is applied per request, so a test
/// drives the wire the way the hardware would and the code sees what libgpiod would give it.
public final class SimulatedGPIO: GPIOController {
    private typealias Continuation = AsyncThrowingStream<GPIOEdgeEvent, any Error>.Continuation

    private enum Request {
        case input(id: UInt64, configuration: GPIOInputConfiguration)
        case output(id: UInt64, configuration: GPIOOutputConfiguration)
    }

    private struct Line {
        var electrical: Bool?
        var request: Request?
        var consumer: String?
        var sequence: UInt64 = 0
        var streams: [UInt64: Continuation] = [:]
        var outputHistory: [Bool] = []
    }

    private struct State {
        var lines: [GPIOLineAddress: Line] = [:]
        var nextID: UInt64 = 1
        var nowNanoseconds: UInt64 = 1_000_000_000
    }

    private let state = Mutex(State())
    private let chips: Set<String>?

    /// Creates a controller.
    /// - Parameter chips: chip names that exist (any other gives `.noSuchDevice`); `nil` accepts
    ///   every chip name.
    public init(chips: Set<String>? = nil) {
        self.chips = chips
    }

    // MARK: Test side

    /// Sets the electrical level of a line, as a signal on the pin would.
    ///
    /// If the line is requested as an input and the logical level changes in a direction its
    /// edge detection reports, one event goes to every `edges()` stream, with the next sequence
    /// number of the line and `timestampNanoseconds` (default: an internal monotonic clock
    /// advancing 1 µs per call). Driving a requested output has no effect: the output wins.
    public func drive(_ address: GPIOLineAddress, to level: Bool, timestampNanoseconds: UInt64? = nil) {
        let delivery: (GPIOEdgeEvent, [Continuation])? = state.withLock { state in
            state.nowNanoseconds += 1000
            let timestamp = timestampNanoseconds ?? state.nowNanoseconds
            var line = state.lines[address] ?? Line()
            defer { state.lines[address] = line }
            if case .output = line.request { return nil }
            let before = Self.electrical(line)
            line.electrical = level
            guard case .input(_, let configuration) = line.request, before != level else { return nil }
            let logical = level != configuration.activeLow
            let edge: GPIOEdge = logical ? .rising : .falling
            switch (configuration.edges, edge) {
            case (.both, _), (.rising, .rising), (.falling, .falling): break
            default: return nil
            }
            line.sequence += 1
            let event = GPIOEdgeEvent(edge: edge, timestampNanoseconds: timestamp, sequence: line.sequence)
            return (event, Array(line.streams.values))
        }
        // Yield outside the lock: a consumer's termination handler takes the lock again.
        if let (event, continuations) = delivery {
            for continuation in continuations { continuation.yield(event) }
        }
    }

    /// The electrical level of a line (driven, set by an output, or from its pull bias);
    /// `nil` when floating.
    public func electricalLevel(_ address: GPIOLineAddress) -> Bool? {
        state.withLock { state in state.lines[address].flatMap(Self.electrical) }
    }

    /// The logical value of a requested output (active-low undone), `nil` when not an output.
    public func outputValue(_ address: GPIOLineAddress) -> Bool? {
        state.withLock { state in
            guard let line = state.lines[address], case .output(_, let configuration) = line.request,
                  let level = line.electrical else { return nil }
            return level != configuration.activeLow
        }
    }

    /// Every logical value an output was set to (including its initial value), oldest first.
    public func outputHistory(_ address: GPIOLineAddress) -> [Bool] {
        state.withLock { $0.lines[address]?.outputHistory ?? [] }
    }

    /// Who holds a line, `nil` when free.
    public func consumer(of address: GPIOLineAddress) -> String? {
        state.withLock { $0.lines[address]?.consumer }
    }

    // MARK: GPIOController

    public func requestInput(_ address: GPIOLineAddress, consumer: String,
                             configuration: GPIOInputConfiguration) async throws -> any GPIOInput {
        let id = try state.withLock { state -> UInt64 in
            var line = try claim(&state, address, consumer: consumer)
            let id = state.nextID
            state.nextID += 1
            line.request = .input(id: id, configuration: configuration)
            if line.electrical == nil {
                switch configuration.bias {
                case .pullUp: line.electrical = true
                case .pullDown: line.electrical = false
                case .asIs, .disabled: break
                }
            }
            state.lines[address] = line
            return id
        }
        return SimulatedGPIOInput(controller: self, address: address, id: id)
    }

    public func requestOutput(_ address: GPIOLineAddress, consumer: String,
                              configuration: GPIOOutputConfiguration) async throws -> any GPIOOutput {
        let id = try state.withLock { state -> UInt64 in
            var line = try claim(&state, address, consumer: consumer)
            let id = state.nextID
            state.nextID += 1
            line.request = .output(id: id, configuration: configuration)
            line.electrical = configuration.initialValue != configuration.activeLow
            line.outputHistory.append(configuration.initialValue)
            state.lines[address] = line
            return id
        }
        return SimulatedGPIOOutput(controller: self, address: address, id: id)
    }

    // MARK: Handles' entry points

    fileprivate func read(_ address: GPIOLineAddress, id: UInt64) throws -> Bool {
        try state.withLock { state in
            guard let line = state.lines[address], case .input(id, let configuration) = line.request else {
                throw released(address)
            }
            return (Self.electrical(line) ?? false) != configuration.activeLow
        }
    }

    fileprivate func set(_ address: GPIOLineAddress, id: UInt64, value: Bool) throws {
        try state.withLock { state in
            guard var line = state.lines[address], case .output(id, let configuration) = line.request else {
                throw released(address)
            }
            line.electrical = value != configuration.activeLow
            line.outputHistory.append(value)
            state.lines[address] = line
        }
    }

    fileprivate func edges(_ address: GPIOLineAddress, id: UInt64) -> AsyncThrowingStream<GPIOEdgeEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: GPIOEdgeEvent.self, throwing: (any Error).self)
        let failure: HALError? = state.withLock { state in
            guard var line = state.lines[address], case .input(id, let configuration) = line.request else {
                return released(address)
            }
            guard configuration.edges != .none else {
                return HALError(.invalidArgument, operation: "gpio edges \(address)",
                                detail: "the line was requested without edge detection")
            }
            let token = state.nextID
            state.nextID += 1
            line.streams[token] = continuation
            state.lines[address] = line
            continuation.onTermination = { [weak self] _ in
                self?.state.withLock { _ = $0.lines[address]?.streams.removeValue(forKey: token) }
            }
            return nil
        }
        if let failure { continuation.finish(throwing: failure) }
        return stream
    }

    fileprivate func release(_ address: GPIOLineAddress, id: UInt64) {
        let streams: [Continuation] = state.withLock { state in
            guard var line = state.lines[address] else { return [] }
            switch line.request {
            case .input(id, _), .output(id, _): break
            default: return []
            }
            let streams = Array(line.streams.values)
            if case .output = line.request { line.electrical = nil }
            line.request = nil
            line.consumer = nil
            line.streams = [:]
            state.lines[address] = line
            return streams
        }
        for continuation in streams { continuation.finish() }
    }

    // MARK: Helpers

    private func claim(_ state: inout State, _ address: GPIOLineAddress, consumer: String) throws -> Line {
        if let chips, !chips.contains(address.chip) {
            throw HALError(.noSuchDevice, operation: "gpio request \(address)", detail: "no simulated chip \(address.chip)")
        }
        var line = state.lines[address] ?? Line()
        if line.request != nil {
            throw HALError(.busy, operation: "gpio request \(address)",
                           detail: "held by \(line.consumer ?? "another consumer")")
        }
        line.consumer = consumer
        return line
    }

    private func released(_ address: GPIOLineAddress) -> HALError {
        HALError(.invalidArgument, operation: "gpio \(address)", detail: "the line was released")
    }

    private static func electrical(_ line: Line) -> Bool? { line.electrical }
}

/// An input line of a ``SimulatedGPIO``.
final class SimulatedGPIOInput: GPIOInput {
    private let controller: SimulatedGPIO
    private let address: GPIOLineAddress
    private let id: UInt64

    init(controller: SimulatedGPIO, address: GPIOLineAddress, id: UInt64) {
        self.controller = controller
        self.address = address
        self.id = id
    }

    func read() async throws -> Bool { try controller.read(address, id: id) }
    func edges() -> AsyncThrowingStream<GPIOEdgeEvent, any Error> { controller.edges(address, id: id) }
    func release() async { controller.release(address, id: id) }
}

/// An output line of a ``SimulatedGPIO``.
final class SimulatedGPIOOutput: GPIOOutput {
    private let controller: SimulatedGPIO
    private let address: GPIOLineAddress
    private let id: UInt64

    init(controller: SimulatedGPIO, address: GPIOLineAddress, id: UInt64) {
        self.controller = controller
        self.address = address
        self.id = id
    }

    func set(_ value: Bool) async throws { try controller.set(address, id: id, value: value) }
    func release() async { controller.release(address, id: id) }
}
