import Agent
import ArgumentParser
import HAL
import HALSimulation
import SimulatedBoard
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `sensorgw probe gpio get|set|watch|backend`: GPIO lines by hand. The spelling of these
/// options is relied on by the QEMU test stage; change it only together with that stage.
struct ProbeGPIOCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gpio", abstract: "Read, drive and watch GPIO lines.",
        subcommands: [Get.self, Set.self, Watch.self, Backend.self])

    /// Options every GPIO probe takes.
    struct LineOptions: ParsableArguments {
        @Option(help: "The chip: a path (/dev/gpiochip0), a name (gpiochip0) or a label (pinctrl-bcm2711).")
        var chip: String

        @Option(help: "The line: an offset (17) or a line name (GPIO17).")
        var line: String

        @Flag(help: "A low level is logical 1.")
        var activeLow = false

        @Flag(help: "Use a simulated GPIO chip instead of the hardware.")
        var simulated = false

        func validate() throws {
            guard !chip.isEmpty else { throw ValidationError("--chip must not be empty") }
            guard GPIOProbes.parseLine(line) != nil else {
                throw ValidationError("--line must be an offset or a line name, not '\(line)'")
            }
        }

        var address: GPIOLineAddress {
            // validate() has refused what parseLine cannot read; a name is the harmless fallback.
            GPIOLineAddress(chip: chip, line: GPIOProbes.parseLine(line) ?? .name(line))
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a line's logical value, 0 or 1 (the line is requested as an input).")

        @OptionGroup var line: LineOptions

        @Option(help: "Pull resistor: as-is, disabled, pull-up or pull-down.", transform: parseBias)
        var bias: GPIOBias = .asIs

        @Flag(help: "Print {\"chip\":…,\"line\":…,\"value\":N}.")
        var json = false

        func run() async throws {
            let controller: any GPIOController = line.simulated ? SimulatedGPIO() : GPIOProbes.systemController()
            let value = try await withGPIOErrorExit {
                try await GPIOProbes.get(controller: controller, address: line.address,
                                         activeLow: line.activeLow, bias: bias)
            }
            writeLine(json ? GPIOProbes.valueJSON(chip: line.chip, line: line.line, value: value) : (value ? "1" : "0"))
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drive a line as an output, hold it, then release it.")

        @OptionGroup var line: LineOptions

        @Option(help: "The logical value, 0 or 1.", transform: parseBit)
        var value: Bool

        @Option(help: "Seconds to hold the value before releasing the line.", transform: parseSeconds)
        var hold: Duration = .zero

        func run() async throws {
            let controller: any GPIOController = line.simulated ? SimulatedGPIO() : GPIOProbes.systemController()
            try await withGPIOErrorExit {
                try await GPIOProbes.set(controller: controller, address: line.address, value: value,
                                         activeLow: line.activeLow, hold: hold)
            }
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print each edge as it arrives: 'EDGE TIMESTAMP_NS SEQUENCE', or JSON lines.",
            discussion: """
                Prints 'ready' on stderr once the line is requested and its edges are being \
                collected. Exits 0 after --count events (or at --timeout when no --count is given), \
                75 when --timeout passes before --count events arrived, 74 on a GPIO error. \
                With --simulated the line toggles every 100 ms.
                """)

        @OptionGroup var line: LineOptions

        @Option(help: "Which edges: rising, falling or both.", transform: parseEdges)
        var edges: GPIOEdgeDetection = .both

        @Option(name: .customLong("debounce-us"), help: "Debounce period in microseconds (0 = off).")
        var debounceMicroseconds: UInt32 = 0

        @Option(help: "Stop after this many events.")
        var count: Int?

        @Option(help: "Stop after this many seconds.", transform: parseSeconds)
        var timeout: Duration?

        @Option(help: "Pull resistor: as-is, disabled, pull-up or pull-down.", transform: parseBias)
        var bias: GPIOBias = .asIs

        @Flag(help: "Print one JSON object per event.")
        var json = false

        func validate() throws {
            if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        }

        func run() async throws {
            let address = line.address
            let controller: any GPIOController
            let signal = SimulatedSignal()
            if line.simulated {
                let gpio = SimulatedGPIO()
                controller = gpio
                signal.gpio = gpio
            } else {
                controller = GPIOProbes.systemController()
            }
            defer { signal.stop() }
            let options = GPIOProbes.WatchOptions(
                edges: edges, debounceMicroseconds: debounceMicroseconds, count: count, timeout: timeout,
                activeLow: line.activeLow, bias: bias)
            let json = json
            let outcome = try await withGPIOErrorExit {
                try await GPIOProbes.watch(
                    controller: controller, address: address, options: options,
                    onReady: {
                        printError("ready")
                        // Only now: a simulated edge before the stream is open would be lost.
                        signal.start(address: address)
                    },
                    onEvent: { event in writeLine(json ? GPIOProbes.eventJSON(event) : GPIOProbes.eventText(event)) })
            }
            let status = outcome.exitStatus(count: count)
            if status != 0 {
                printError("error: timed out after \(outcome.events) of \(count ?? 0) events")
                throw ExitCode(status)
            }
        }
    }

    struct Backend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print which libgpiod API this binary was built against (1 or 2).")

        @Flag(help: "Print {\"api\":N,\"name\":\"…\"}.")
        var json = false

        func run() async throws {
            guard let backend = GPIOProbes.backend else {
                printError("error: GPIO needs Linux")
                throw ExitCode(74)
            }
            writeLine(json ? "{\"api\":\(backend.apiVersion),\"name\":\"\(backend.name)\"}"
                           : "\(backend.apiVersion) \(backend.name)")
        }
    }
}

/// The toggling that gives `watch --simulated` edges to show, started once the watch is ready.
private final class SimulatedSignal: @unchecked Sendable {
    // @unchecked: `gpio` is set before the watch starts and only read afterwards; `task` is
    // guarded by `lock`.
    var gpio: SimulatedGPIO?
    private let lock = Mutex<Task<Void, Never>?>(nil)

    func start(address: GPIOLineAddress) {
        guard let gpio else { return }
        lock.withLock { task in
            task = task ?? gpio.simulateSignal(on: address, interval: .milliseconds(100))
        }
    }

    func stop() { lock.withLock { $0?.cancel() } }
}

/// Prints a GPIO error as `error: …` and exits 74 (EX_IOERR) instead of a trace; also for an
/// error that is not a HALError, since the test stage reads the status, not the text.
func withGPIOErrorExit<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as HALError {
        printError("error: \(error)")
        throw ExitCode(74)
    } catch let error as ExitCode {
        throw error
    } catch {
        printError("error: \(error)")
        throw ExitCode(74)
    }
}

/// Writes one line to stdout at once, unbuffered: a watcher reading a pipe must see each event
/// as it happens, and print() would hold it in stdio's buffer.
func writeLine(_ text: String) {
    var bytes = Array((text + "\n").utf8)
    bytes.withUnsafeMutableBytes { buffer in
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let written = write(1, base + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}

func parseBias(_ text: String) throws -> GPIOBias {
    switch text {
    case "as-is": return .asIs
    case "disabled": return .disabled
    case "pull-up": return .pullUp
    case "pull-down": return .pullDown
    default: throw ValidationError("'\(text)' is not a bias: as-is, disabled, pull-up or pull-down")
    }
}

func parseEdges(_ text: String) throws -> GPIOEdgeDetection {
    switch text {
    case "rising": return .rising
    case "falling": return .falling
    case "both": return .both
    default: throw ValidationError("'\(text)' is not an edge: rising, falling or both")
    }
}

func parseBit(_ text: String) throws -> Bool {
    switch text {
    case "0": return false
    case "1": return true
    default: throw ValidationError("'\(text)' is not a value: 0 or 1")
    }
}

/// Seconds, whole or fractional, not negative, at most a day.
func parseSeconds(_ text: String) throws -> Duration {
    guard let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds <= 86_400 else {
        throw ValidationError("'\(text)' is not a number of seconds between 0 and 86400")
    }
    return .nanoseconds(Int64((seconds * 1_000_000_000).rounded()))
}
