import HAL
import Pipeline
import Synchronization
#if os(Linux)
import HALLinux
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The hand-held GPIO checks behind `sensorgw probe gpio get|set|watch`.
///
/// Each takes the controller to use, so the same code runs on a gpiochip and on a
/// ``HALSimulation/SimulatedGPIO`` in tests and with `--simulated`. Lines are requested as
/// ``consumer`` (visible in `gpioinfo`) and released before returning, also on error.
public enum GPIOProbes {
    /// The consumer name the probes request lines as.
    public static let consumer = "sensorgw-probe"

    /// The controller for the board: the Linux gpiochips, or (off Linux) one that refuses with
    /// ``HAL/HALError/Kind/unsupported``.
    public static func systemController() -> any GPIOController {
        #if os(Linux)
        return LinuxGPIOController()
        #else
        return UnsupportedGPIOController()
        #endif
    }

    /// Which libgpiod the GPIO backend was built against: its name and API version (1 or 2), or
    /// `nil` off Linux.
    public static var backend: (name: String, apiVersion: Int)? {
        #if os(Linux)
        return (LinuxGPIOController.backendName, LinuxGPIOController.libgpiodAPIVersion)
        #else
        return nil
        #endif
    }

    /// A line given on the command line: all digits is an offset, anything else a line name
    /// (`GPIO17`); `nil` for an empty text or an offset too large for any chip.
    public static func parseLine(_ text: String) -> GPIOLineAddress.Line? {
        guard !text.isEmpty else { return nil }
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return UInt32(text).map { .offset($0) }
        }
        return .name(text)
    }

    /// Reads the logical level of a line requested as an input.
    public static func get(controller: any GPIOController, address: GPIOLineAddress, activeLow: Bool = false,
                           bias: GPIOBias = .asIs) async throws -> Bool {
        let input = try await controller.requestInput(
            address, consumer: consumer, configuration: GPIOInputConfiguration(bias: bias, activeLow: activeLow))
        do {
            let value = try await input.read()
            await input.release()
            return value
        } catch {
            await input.release()
            throw error
        }
    }

    /// Requests a line as an output at `value`, keeps it there for `hold`, and releases it.
    ///
    /// The value is the request's initial value, so the line never shows the other level first.
    public static func set(controller: any GPIOController, address: GPIOLineAddress, value: Bool,
                           activeLow: Bool = false, hold: Duration = .zero) async throws {
        let output = try await controller.requestOutput(
            address, consumer: consumer,
            configuration: GPIOOutputConfiguration(activeLow: activeLow, initialValue: value))
        // A cancelled hold (Ctrl-C reaches us as cancellation only in tests) still releases.
        if hold > .zero { try? await Task.sleep(for: hold) }
        await output.release()
    }

    /// What `watch` listens for and when it stops.
    public struct WatchOptions: Sendable, Hashable {
        /// Which edges to report.
        public var edges: GPIOEdgeDetection
        /// Debounce period in microseconds (the kernel's on libgpiod 2.x, software on 1.6).
        public var debounceMicroseconds: UInt32
        /// Stop after this many events; `nil` runs until the timeout.
        public var count: Int?
        /// Stop after this long; `nil` waits forever.
        public var timeout: Duration?
        /// Whether a low level is logical 1 (and so a falling wire is a rising edge).
        public var activeLow: Bool
        /// Pull resistor.
        public var bias: GPIOBias

        /// Creates options; the defaults watch both edges forever.
        public init(edges: GPIOEdgeDetection = .both, debounceMicroseconds: UInt32 = 0, count: Int? = nil,
                    timeout: Duration? = nil, activeLow: Bool = false, bias: GPIOBias = .asIs) {
            self.edges = edges
            self.debounceMicroseconds = debounceMicroseconds
            self.count = count
            self.timeout = timeout
            self.activeLow = activeLow
            self.bias = bias
        }
    }

    /// How a watch ended.
    public enum WatchOutcome: Sendable, Hashable {
        /// The requested number of events arrived.
        case counted(Int)
        /// The timeout passed; the number of events seen until then.
        case timedOut(Int)
        /// The line's event stream ended by itself (the line was released); events seen.
        case streamEnded(Int)

        /// Events seen.
        public var events: Int {
            switch self {
            case .counted(let n), .timedOut(let n), .streamEnded(let n): return n
            }
        }

        /// The process exit status: 0 when the count was reached or no count was asked for,
        /// 75 (EX_TEMPFAIL) when fewer events than asked for arrived.
        public func exitStatus(count: Int?) -> Int32 {
            guard let count else { return 0 }
            return events >= count ? 0 : 75
        }
    }

    /// Requests a line with edge detection and reports each edge to `onEvent` as it arrives, until
    /// `options.count` events arrived, `options.timeout` passed, or the stream ended.
    ///
    /// `onReady` is called once the line is requested and its edge stream is open: from then on
    /// no edge is missed, so a test may start toggling the line.
    /// - Throws: ``HAL/HALError`` from the request or the stream.
    public static func watch(controller: any GPIOController, address: GPIOLineAddress, options: WatchOptions,
                             onReady: @Sendable () -> Void,
                             onEvent: @escaping @Sendable (GPIOEdgeEvent) -> Void) async throws -> WatchOutcome {
        let input = try await controller.requestInput(
            address, consumer: consumer,
            configuration: GPIOInputConfiguration(bias: options.bias, activeLow: options.activeLow,
                                                  edges: options.edges,
                                                  debounceMicroseconds: options.debounceMicroseconds))
        let stream = input.edges()
        onReady()
        do {
            let outcome = try await consume(stream, count: options.count, timeout: options.timeout, onEvent: onEvent)
            await input.release()
            return outcome
        } catch {
            await input.release()
            throw error
        }
    }

    private static func consume(_ stream: AsyncThrowingStream<GPIOEdgeEvent, any Error>, count: Int?,
                                timeout: Duration?,
                                onEvent: @escaping @Sendable (GPIOEdgeEvent) -> Void) async throws -> WatchOutcome {
        if let count, count <= 0 { return .counted(0) }
        // Shared with the timeout child, which reports how many had arrived when it fired.
        let seen = EventCounter()
        return try await withThrowingTaskGroup(of: WatchOutcome?.self) { group in
            group.addTask {
                for try await event in stream {
                    let total = seen.increment()
                    onEvent(event)
                    if let count, total >= count { return .counted(total) }
                }
                // Cancelled by the timeout child: its result is the one that counts.
                return Task.isCancelled ? nil : .streamEnded(seen.value)
            }
            if let timeout {
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return .timedOut(seen.value)
                }
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            return .streamEnded(seen.value)
        }
    }

    /// `{"chip":"…","line":"…","value":1}`, the `get --json` output.
    public static func valueJSON(chip: String, line: String, value: Bool) -> String {
        "{\"chip\":\(jsonString(chip)),\"line\":\(jsonString(line)),\"value\":\(value ? 1 : 0)}"
    }

    /// `{"edge":"rising","timestamp_ns":123,"sequence":1}`, one `watch --json` line.
    public static func eventJSON(_ event: GPIOEdgeEvent) -> String {
        "{\"edge\":\"\(event.edge.rawValue)\",\"timestamp_ns\":\(event.timestampNanoseconds),\"sequence\":\(event.sequence)}"
    }

    /// `rising 123 1`, one plain `watch` line: edge, kernel timestamp in ns, sequence.
    public static func eventText(_ event: GPIOEdgeEvent) -> String {
        "\(event.edge.rawValue) \(event.timestampNanoseconds) \(event.sequence)"
    }

    /// A JSON string literal; chip and line come from the command line and may hold anything.
    static func jsonString(_ text: String) -> String {
        JSONText.quoted(text)
    }
}

/// A count shared by the tasks of one watch (a class: a Mutex alone cannot be captured by them).
private final class EventCounter: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }

    func increment() -> Int {
        count.withLock { n in
            n += 1
            return n
        }
    }
}

#if !os(Linux)
/// GPIO off Linux: every request fails, as there is no GPIO character device.
struct UnsupportedGPIOController: GPIOController {
    func requestInput(_ address: GPIOLineAddress, consumer: String,
                      configuration: GPIOInputConfiguration) async throws -> any GPIOInput {
        throw HALError(.unsupported, operation: "request \(address)", detail: "GPIO needs Linux")
    }

    func requestOutput(_ address: GPIOLineAddress, consumer: String,
                       configuration: GPIOOutputConfiguration) async throws -> any GPIOOutput {
        throw HALError(.unsupported, operation: "request \(address)", detail: "GPIO needs Linux")
    }
}
#endif
