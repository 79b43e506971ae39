import Agent
import ArgumentParser
import Boards
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

    /// Options every GPIO probe takes: a line by chip and line, or a header pin of a board.
    struct LineOptions: ParsableArguments {
        @Option(help: "The chip: a path (/dev/gpiochip0), a name (gpiochip0) or a label (pinctrl-bcm2711).")
        var chip: String?

        @Option(help: "The line: an offset (17) or a line name (GPIO17).")
        var line: String?

        @Option(help: "Instead of --chip and --line: a header pin of the board, by position (11, P9_12) or name (GPIO17).")
        var pin: String?

        @Option(help: "The board whose header --pin names: a profile (sensorgw probe board --list) or auto.")
        var board: String = "auto"

        @Option(help: "For --board auto: read the device-tree model under this directory instead of / (for testing).")
        var root: String = "/"

        @Flag(help: "A low level is logical 1.")
        var activeLow = false

        @Flag(help: "Use a simulated GPIO chip instead of the hardware.")
        var simulated = false

        func validate() throws {
            if pin != nil {
                guard chip == nil, line == nil else { throw ValidationError("give either --pin or --chip and --line") }
                return
            }
            guard let chip, !chip.isEmpty else { throw ValidationError("give --chip and --line, or --pin") }
            guard let line, GPIOProbes.parseLine(line) != nil else {
                throw ValidationError("--line must be an offset or a line name, not '\(line ?? "")'")
            }
        }

        /// The addresses to try, in order: one for --chip/--line; for --pin, one per name the
        /// profile knows for that line (kernels have named some lines differently).
        func addresses() throws -> [GPIOLineAddress] {
            guard let pin else {
                let text = line ?? ""
                // validate() has refused what parseLine cannot read; a name is the harmless fallback.
                return [GPIOLineAddress(chip: chip ?? "", line: GPIOProbes.parseLine(text) ?? .name(text))]
            }
            let resolved = Result { () throws(BoardProfileError) -> [GPIOLineAddress] in
                try BoardCatalog.builtIn().resolve(board, root: root).resolvePin(pin).candidates
            }
            switch resolved {
            case .success(let addresses): return addresses
            case .failure(let error):
                printError("error: \(error)")
                throw ExitCode(78)
            }
        }
    }

    /// Runs `body` on the first address whose chip has the line: a line name the running kernel
    /// does not use is `noSuchDevice`, and the next name is tried. Other errors end it.
    static func onFirstLine<T>(_ addresses: [GPIOLineAddress],
                               _ body: (GPIOLineAddress) async throws -> T) async throws -> T {
        var last: HALError?
        for address in addresses {
            do {
                return try await body(address)
            } catch let error as HALError where error.kind == .noSuchDevice {
                last = error
            }
        }
        throw last ?? HALError(.invalidArgument, operation: "resolve pin", detail: "no line address")
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
            let addresses = try line.addresses()
            let (address, value) = try await withGPIOErrorExit {
                try await onFirstLine(addresses) { address in
                    (address, try await GPIOProbes.get(controller: controller, address: address,
                                                       activeLow: line.activeLow, bias: bias))
                }
            }
            let lineText: String =
                switch address.line {
                case .offset(let offset): line.line ?? "\(offset)"
                case .name(let name): name
                }
            writeLine(json ? GPIOProbes.valueJSON(chip: line.chip ?? address.chip, line: lineText, value: value)
                           : (value ? "1" : "0"))
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
            let addresses = try line.addresses()
            try await withGPIOErrorExit {
                try await onFirstLine(addresses) { address in
                    try await GPIOProbes.set(controller: controller, address: address, value: value,
                                             activeLow: line.activeLow, hold: hold)
                }
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
            // A watch runs until its count or timeout, so it takes the profile's first line name.
            guard let address = try line.addresses().first else { throw ExitCode(78) }
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
