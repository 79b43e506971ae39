#if os(Linux) && canImport(CGPIOD)
import CGPIOD
import Dispatch
import HAL
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// GPIO lines through the Linux GPIO character device (libgpiod, via the CGPIOD shim).
///
/// The chip of each ``HAL/GPIOLineAddress`` may be a path (`/dev/gpiochip0`), a name (`gpiochip0`),
/// a number (`0`) or a label (`pinctrl-bcm2711`, stable across boots where chip numbers are
/// not); the line may be an offset or a name from the device tree (`GPIO17`).
public struct LinuxGPIOController: GPIOController {
    private let executor = BlockingExecutor(label: "sensorgw.gpio.requests")

    /// Creates a controller; chips are opened per request.
    public init() {}

    /// The libgpiod API this build was compiled against.
    public static var backendName: String { String(cString: sgw_gpio_backend_name()) }

    /// The libgpiod API this build was compiled against: 1 (libgpiod 1.x) or 2 (libgpiod 2.x).
    ///
    /// Chosen at build time by the `gpiod.h` the compiler found (see `sgw_gpio.h`), so this is
    /// how a binary tells which shared library it needs: `libgpiod.so.2` for 1, `libgpiod.so.3`
    /// for 2.
    public static var libgpiodAPIVersion: Int { Int(sgw_gpio_api_version()) }

    /// Whether the kernel debounces inputs (libgpiod 2.x); otherwise ``EdgeDebouncer`` does.
    public static var hasKernelDebounce: Bool { sgw_gpio_backend_has_kernel_debounce() != 0 }

    /// Whether edge events carry the kernel's per-line sequence numbers (libgpiod 2.x).
    public static var hasKernelSequenceNumbers: Bool { sgw_gpio_backend_has_seqno() != 0 }

    /// How a debounce period is split between the kernel and ``EdgeDebouncer``: all of it to the
    /// kernel when it can debounce, all of it to software otherwise, never both (two windows in
    /// series would drop edges that either alone lets through).
    static func debounceSplit(microseconds: UInt32, kernelDebounce: Bool) -> (kernel: UInt32, software: UInt32) {
        kernelDebounce ? (microseconds, 0) : (0, microseconds)
    }

    /// Requests a line as an input.
    /// - Throws: ``HAL/HALError``: `noSuchDevice` for an unknown chip or line, `busy` when another
    ///   consumer holds the line, `permissionDenied` with a hint to join the `gpio` group.
    public func requestInput(_ address: GPIOLineAddress, consumer: String,
                             configuration: GPIOInputConfiguration) async throws -> any GPIOInput {
        var config = sgw_gpio_line_config()
        config.direction = Int32(SGW_GPIO_DIRECTION_INPUT)
        config.edges = Self.edges(configuration.edges)
        config.bias = Self.bias(configuration.bias)
        config.active_low = configuration.activeLow ? 1 : 0
        let debounce = Self.debounceSplit(microseconds: configuration.debounceMicroseconds,
                                          kernelDebounce: Self.hasKernelDebounce)
        config.debounce_us = debounce.kernel
        let lineConfig = config
        return try await executor.run {
            let request = try Self.request(address, consumer: consumer, config: lineConfig, role: "input")
            return LinuxGPIOInput(request: request, address: address, configuration: configuration,
                                  softwareDebounceMicroseconds: debounce.software)
        }
    }

    /// Requests a line as an output, driven to `configuration.initialValue` at once.
    /// - Throws: ``HAL/HALError``, as for ``requestInput(_:consumer:configuration:)``.
    public func requestOutput(_ address: GPIOLineAddress, consumer: String,
                              configuration: GPIOOutputConfiguration) async throws -> any GPIOOutput {
        var config = sgw_gpio_line_config()
        config.direction = Int32(SGW_GPIO_DIRECTION_OUTPUT)
        config.active_low = configuration.activeLow ? 1 : 0
        config.output_value = configuration.initialValue ? 1 : 0
        let lineConfig = config
        return try await executor.run {
            let request = try Self.request(address, consumer: consumer, config: lineConfig, role: "output")
            return LinuxGPIOOutput(request: request, address: address)
        }
    }

    static func edges(_ edges: GPIOEdgeDetection) -> Int32 {
        switch edges {
        case .none: return Int32(SGW_GPIO_EDGE_NONE)
        case .rising: return Int32(SGW_GPIO_EDGE_RISING)
        case .falling: return Int32(SGW_GPIO_EDGE_FALLING)
        case .both: return Int32(SGW_GPIO_EDGE_BOTH)
        }
    }

    static func bias(_ bias: GPIOBias) -> Int32 {
        switch bias {
        case .asIs: return Int32(SGW_GPIO_BIAS_AS_IS)
        case .disabled: return Int32(SGW_GPIO_BIAS_DISABLED)
        case .pullUp: return Int32(SGW_GPIO_BIAS_PULL_UP)
        case .pullDown: return Int32(SGW_GPIO_BIAS_PULL_DOWN)
        }
    }

    static let missingChipHint = "no such GPIO chip; list the chips and their labels with gpiodetect"

    /// Opens the chip, resolves the line and requests it; blocking, so only called on an executor.
    static func request(_ address: GPIOLineAddress, consumer: String, config: sgw_gpio_line_config,
                        role: String) throws -> GPIOLineRequest {
        var chipHandle: OpaquePointer?
        let opened = sgw_gpio_chip_open(address.chip, &chipHandle)
        guard opened >= 0, let chip = chipHandle else {
            throw LinuxErrno.openError(-opened, path: address.chip, group: "gpio", missingHint: missingChipHint)
        }
        // The request does not need the chip handle once made (see sgw_gpio.h).
        defer { sgw_gpio_chip_close(chip) }

        let offset: UInt32
        switch address.line {
        case .offset(let value):
            let count = sgw_gpio_chip_num_lines(chip)
            guard value < count else {
                throw HALError(.noSuchDevice, operation: "request \(address)",
                               detail: "line offset \(value) out of range: the chip has \(count) lines")
            }
            offset = value
        case .name(let name):
            var found: UInt32 = 0
            let result = sgw_gpio_chip_find_line(chip, name, &found)
            guard result >= 0 else {
                throw LinuxErrno.error(-result, operation: "find line \(address)",
                                       detail: "no line named '\(name)' on this chip; see gpioinfo")
            }
            offset = found
        }

        var requestHandle: OpaquePointer?
        var lineConfig = config
        let result = sgw_gpio_request_line(chip, offset, consumer, &lineConfig, &requestHandle)
        guard result >= 0, let request = requestHandle else {
            let detail = result == -EBUSY ? "the line is held by another consumer; see gpioinfo" : nil
            throw LinuxErrno.error(-result, operation: "request \(address) as \(role)", detail: detail)
        }
        return GPIOLineRequest(backend: ShimGPIOLine(request), address: address)
    }
}

/// The calls a requested line makes, all blocking; the CGPIOD shim in production, a fake in tests
/// (so the edge thread, numbering and release ordering are tested without a gpiochip).
/// Results follow the shim: >= 0 success, -errno failure.
protocol GPIOLineBackend: AnyObject, Sendable {
    /// The logical value, 0 or 1.
    func getValue() -> Int32
    /// Sets the logical value.
    func setValue(_ value: Int32) -> Int32
    /// 1 when an event is pending, 0 after `timeoutNanoseconds` without one.
    func waitForEvent(timeoutNanoseconds: Int64) -> Int32
    /// Reads pending events into `events`; the number read.
    func readEvents(into events: UnsafeMutableBufferPointer<sgw_gpio_event>) -> Int32
    /// Gives the line back; called exactly once, after which no other call is made.
    func release()
}

/// ``GPIOLineBackend`` over a CGPIOD request handle.
final class ShimGPIOLine: GPIOLineBackend, @unchecked Sendable {
    // @unchecked: the handle is immutable; GPIOLineRequest orders the calls (see there).
    private let request: OpaquePointer

    init(_ request: OpaquePointer) { self.request = request }

    func getValue() -> Int32 { sgw_gpio_get_value(request) }
    func setValue(_ value: Int32) -> Int32 { sgw_gpio_set_value(request, value) }
    func waitForEvent(timeoutNanoseconds: Int64) -> Int32 { sgw_gpio_event_wait(request, timeoutNanoseconds) }
    func readEvents(into events: UnsafeMutableBufferPointer<sgw_gpio_event>) -> Int32 {
        sgw_gpio_event_read(request, events.baseAddress, UInt32(events.count))
    }
    func release() { sgw_gpio_request_release(request) }
}

/// One requested line: owns its backend and the serial executor its calls run on.
final class GPIOLineRequest: Sendable {
    // The backend is used by `executor` (serial) and by edge threads; it is released on
    // `executor` only after `edgeThreads` has drained, and deinit cannot run while an edge thread
    // still holds a reference.

    let address: GPIOLineAddress
    let executor: BlockingExecutor
    private let backend: any GPIOLineBackend
    /// Set once release begins: no new reads, writes or edge threads after that.
    private let closed = Mutex(false)
    /// Every running edge thread is in this group, so release can wait for them to let go.
    private let edgeThreads = DispatchGroup()

    init(backend: any GPIOLineBackend, address: GPIOLineAddress) {
        self.backend = backend
        self.address = address
        self.executor = BlockingExecutor(label: "sensorgw.gpio.\(address)")
    }

    deinit {
        // release() frees the handle in the same executor block that closes it, and that block
        // holds a reference; so closed here means freed.
        if !closed.withLock({ $0 }) { backend.release() }
    }

    var isReleased: Bool { closed.withLock { $0 } }

    /// Runs `body` with the request on the executor, or throws when the line was released.
    func withRequest<T: Sendable>(_ operation: String,
                                  _ body: @escaping @Sendable (any GPIOLineBackend) throws -> T) async throws -> T {
        try await executor.run { [self] in
            guard !isReleased else {
                throw HALError(.invalidArgument, operation: "\(operation) \(address)", detail: "the line was released")
            }
            return try body(backend)
        }
    }

    /// Registers an edge thread about to start; false once release has begun. The check and the
    /// registration are one step under the lock, so release cannot miss a thread.
    func enterEdgeThread() -> Bool {
        closed.withLock { closed in
            guard !closed else { return false }
            edgeThreads.enter()
            return true
        }
    }

    /// Called by an edge thread when it will not touch the request again.
    func leaveEdgeThread() { edgeThreads.leave() }

    /// The backend, for an edge thread between ``enterEdgeThread()`` and ``leaveEdgeThread()`` only.
    func backendForEdgeThread() -> any GPIOLineBackend { backend }

    /// Gives the line back once `stopEdgeThreads` has made every edge thread leave.
    func release(stopEdgeThreads: @escaping @Sendable () -> Void) async {
        await executor.run { [self] in
            let wasClosed = closed.withLock { closed in
                defer { closed = true }
                return closed
            }
            guard !wasClosed else { return }
            stopEdgeThreads()
            // Edge threads notice within one poll interval; waiting here (on the executor, not the
            // cooperative pool) keeps the handle alive until none can touch it.
            edgeThreads.wait()
            backend.release()
        }
    }
}

/// A requested output line.
public final class LinuxGPIOOutput: GPIOOutput, @unchecked Sendable {
    // @unchecked: only immutable references; all C calls go through the request's serial executor.
    private let line: GPIOLineRequest

    init(request: GPIOLineRequest, address: GPIOLineAddress) {
        line = request
    }

    /// The line's address.
    public var address: GPIOLineAddress { line.address }

    /// Sets the logical level; active-low was applied when the line was requested.
    /// - Throws: ``HAL/HALError``.
    public func set(_ value: Bool) async throws {
        let address = line.address
        try await line.withRequest("set") { backend in
            let result = backend.setValue(value ? 1 : 0)
            guard result >= 0 else { throw LinuxErrno.error(-result, operation: "set \(address)") }
        }
    }

    /// Gives the line back to the kernel; later calls throw.
    public func release() async {
        await line.release(stopEdgeThreads: {})
    }
}

/// A requested input line, optionally with edge events.
///
/// Edge events are waited for on a dedicated thread per ``edges()`` stream, which polls with a
/// short timeout so it notices a cancelled stream or a released line promptly.
///
/// Numbering (``HAL/GPIOEdgeEvent/sequence``), starting at 1 for each request, across streams:
/// - libgpiod 2.x: the kernel's per-line sequence number, and the kernel debounces. A gap also
///   shows events the kernel dropped when its own queue overflowed.
/// - libgpiod 1.6: no kernel numbers and no kernel debounce, so events are debounced and numbered
///   here, counting the events that passed debouncing; overflow of the kernel's 16-event queue
///   cannot be seen with the v1 API.
///
/// In both, a gap in one stream also means events were dropped because its consumer fell more
/// than ``bufferLimit`` events behind, or happened while no stream was open.
///
/// The two debounces differ as their sources do. Software (1.6) is leading-edge: the first edge
/// is reported at once with its own timestamp and later edges inside the window are dropped.
/// The kernel's (2.x) waits until the line has been stable for the period: a pulse shorter than
/// the period is not reported at all, and the timestamp is when the period ran out, about one
/// period after the edge.
public final class LinuxGPIOInput: GPIOInput, @unchecked Sendable {
    // @unchecked: `line` and the configuration are immutable; mutable state is in `state` (Mutex).

    /// Events a stream holds for a slow consumer before dropping the oldest.
    public static let bufferLimit = 256
    /// How long an edge thread waits for an event before checking whether to stop.
    static let pollIntervalNanoseconds: Int64 = 100_000_000

    private struct State: Sendable {
        var activeStream: UInt64?
        var nextStreamID: UInt64 = 0
        var sequence: UInt64 = 0
        var debouncer: EdgeDebouncer
    }

    private let line: GPIOLineRequest
    private let configuration: GPIOInputConfiguration
    private let state: Mutex<State>
    /// Held around "still active? still pending? read" so a stream that is winding down can never
    /// take (or block on) an event meant for its successor.
    private let readLock = Mutex(())

    /// - Parameter softwareDebounceMicroseconds: the window ``EdgeDebouncer`` applies; by default
    ///   the configuration's, for a backend where the kernel does not debounce.
    init(request: GPIOLineRequest, address: GPIOLineAddress, configuration: GPIOInputConfiguration,
         softwareDebounceMicroseconds: UInt32? = nil) {
        line = request
        self.configuration = configuration
        let window = softwareDebounceMicroseconds ?? configuration.debounceMicroseconds
        state = Mutex(State(debouncer: EdgeDebouncer(microseconds: window)))
    }

    /// The line's address.
    public var address: GPIOLineAddress { line.address }

    /// The logical level (after active-low inversion).
    /// - Throws: ``HAL/HALError``.
    public func read() async throws -> Bool {
        let address = line.address
        return try await line.withRequest("read") { backend in
            let result = backend.getValue()
            guard result >= 0 else { throw LinuxErrno.error(-result, operation: "read \(address)") }
            return result != 0
        }
    }

    /// The edges this line reports, with the kernel's timestamps.
    ///
    /// One stream at a time: a second call while one is open gets a stream that fails with
    /// ``HAL/HALError/Kind/busy``. A line requested without edge detection gets a stream that
    /// fails with ``HAL/HALError/Kind/invalidArgument``. The stream finishes when the line is
    /// released.
    public func edges() -> AsyncThrowingStream<GPIOEdgeEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: GPIOEdgeEvent.self, throwing: (any Error).self, bufferingPolicy: .bufferingNewest(Self.bufferLimit))
        let operation = "edges \(line.address)"
        guard configuration.edges != .none else {
            continuation.finish(throwing: HALError(.invalidArgument, operation: operation,
                                                   detail: "the line was requested without edge detection"))
            return stream
        }
        let id: UInt64? = state.withLock { state in
            guard state.activeStream == nil else { return nil }
            state.nextStreamID += 1
            state.activeStream = state.nextStreamID
            return state.nextStreamID
        }
        guard let id else {
            continuation.finish(throwing: HALError(.busy, operation: operation,
                                                   detail: "another edge stream of this line is open"))
            return stream
        }
        guard line.enterEdgeThread() else {
            endStream(id)
            continuation.finish(throwing: HALError(.invalidArgument, operation: operation,
                                                   detail: "the line was released"))
            return stream
        }
        continuation.onTermination = { [weak self] _ in self?.endStream(id) }
        let started = DedicatedThread.start { [self] in
            defer { line.leaveEdgeThread() }
            eventLoop(id: id, continuation: continuation, operation: operation)
        }
        if !started {
            line.leaveEdgeThread()
            endStream(id)
            continuation.finish(throwing: HALError(.other, operation: operation,
                                                   detail: "could not start the edge thread"))
        }
        return stream
    }

    /// Gives the line back to the kernel; an open edge stream finishes, later calls throw.
    public func release() async {
        await line.release(stopEdgeThreads: { [self] in
            state.withLock { $0.activeStream = nil }
        })
    }

    private func endStream(_ id: UInt64) {
        state.withLock { state in
            if state.activeStream == id { state.activeStream = nil }
        }
    }

    private func isActive(_ id: UInt64) -> Bool {
        state.withLock { $0.activeStream == id }
    }

    private func eventLoop(id: UInt64, continuation: AsyncThrowingStream<GPIOEdgeEvent, any Error>.Continuation,
                           operation: String) {
        let backend = line.backendForEdgeThread()
        let batch = 16
        var events = [sgw_gpio_event](repeating: sgw_gpio_event(), count: batch)
        while isActive(id) {
            let waited = backend.waitForEvent(timeoutNanoseconds: Self.pollIntervalNanoseconds)
            if waited == 0 || waited == -EINTR { continue }
            let count: Int32 = waited < 0 ? waited : readLock.withLock { _ in
                guard isActive(id) else { return 0 }
                // Another stream's thread may have drained the queue since our wait returned; a
                // read with nothing pending would block until the next edge.
                let pending = backend.waitForEvent(timeoutNanoseconds: 0)
                guard pending > 0 else { return pending }
                return events.withUnsafeMutableBufferPointer { backend.readEvents(into: $0) }
            }
            if count == -EINTR { continue }
            guard count >= 0 else {
                endStream(id)
                continuation.finish(throwing: LinuxErrno.error(-count, operation: operation))
                return
            }
            for event in events.prefix(Int(count)) {
                let accepted: GPIOEdgeEvent? = state.withLock { state in
                    guard state.debouncer.accept(timestampNanoseconds: event.timestamp_ns) else { return nil }
                    // The kernel's number counts every edge it saw; once software drops bounces
                    // its gaps would read as lost events, so then only our own count is honest.
                    if event.line_seqno != 0 && state.debouncer.windowNanoseconds == 0 {
                        state.sequence = event.line_seqno
                    } else {
                        state.sequence += 1
                    }
                    let edge: GPIOEdge = event.edge == Int32(SGW_GPIO_EDGE_RISING) ? .rising : .falling
                    return GPIOEdgeEvent(edge: edge, timestampNanoseconds: event.timestamp_ns,
                                         sequence: state.sequence)
                }
                if let accepted { continuation.yield(accepted) }
            }
        }
        continuation.finish()
    }
}
#endif
