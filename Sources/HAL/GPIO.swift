/// The direction of a level change on an input line.
public enum GPIOEdge: String, Sendable, Hashable {
    /// Low to high (as seen after active-low inversion).
    case rising
    /// High to low (as seen after active-low inversion).
    case falling
}

/// Which edges an input reports.
public enum GPIOEdgeDetection: String, Sendable, Hashable {
    /// No edge events.
    case none
    /// Rising edges only.
    case rising
    /// Falling edges only.
    case falling
    /// Both edges.
    case both
}

/// The pull resistor on an input.
public enum GPIOBias: String, Sendable, Hashable {
    /// Leave as the board configured it.
    case asIs
    /// No pull resistor.
    case disabled
    /// Pull up.
    case pullUp
    /// Pull down.
    case pullDown
}

/// An edge seen on an input line.
public struct GPIOEdgeEvent: Sendable, Hashable {
    /// Which edge.
    public var edge: GPIOEdge
    /// The kernel's timestamp of the edge, in nanoseconds of CLOCK_MONOTONIC.
    public var timestampNanoseconds: UInt64
    /// Position of this event among all events of the line, starting at 1; a gap means
    /// events were lost.
    public var sequence: UInt64

    /// Creates an event.
    public init(edge: GPIOEdge, timestampNanoseconds: UInt64, sequence: UInt64) {
        self.edge = edge
        self.timestampNanoseconds = timestampNanoseconds
        self.sequence = sequence
    }
}

/// Where a line is: a chip (by path, name or label) and an offset or a line name.
public struct GPIOLineAddress: Sendable, Hashable, CustomStringConvertible {
    /// How the chip is named: `/dev/gpiochip0`, `gpiochip0`, or its label (`pinctrl-bcm2711`).
    public var chip: String
    /// The line, by offset or by name.
    public var line: Line

    /// A line by offset or by the name the board's device tree gives it.
    public enum Line: Sendable, Hashable {
        /// The line's offset on its chip.
        case offset(UInt32)
        /// The line's name, e.g. `GPIO17`.
        case name(String)
    }

    /// Creates an address.
    public init(chip: String, line: Line) {
        self.chip = chip
        self.line = line
    }

    public var description: String {
        switch line {
        case .offset(let offset): return "\(chip):\(offset)"
        case .name(let name): return "\(chip):\(name)"
        }
    }
}

/// Settings of an input line.
public struct GPIOInputConfiguration: Sendable, Hashable {
    /// Pull resistor.
    public var bias: GPIOBias
    /// Whether a low electrical level reads as `true`.
    public var activeLow: Bool
    /// Which edges produce events.
    public var edges: GPIOEdgeDetection
    /// Edges closer together than this are one edge (0 = off).
    public var debounceMicroseconds: UInt32

    /// Creates a configuration.
    public init(bias: GPIOBias = .asIs, activeLow: Bool = false, edges: GPIOEdgeDetection = .none,
                debounceMicroseconds: UInt32 = 0) {
        self.bias = bias
        self.activeLow = activeLow
        self.edges = edges
        self.debounceMicroseconds = debounceMicroseconds
    }
}

/// Settings of an output line.
public struct GPIOOutputConfiguration: Sendable, Hashable {
    /// Whether `true` drives the line low.
    public var activeLow: Bool
    /// The logical value the line takes when requested.
    public var initialValue: Bool

    /// Creates a configuration.
    public init(activeLow: Bool = false, initialValue: Bool = false) {
        self.activeLow = activeLow
        self.initialValue = initialValue
    }
}

/// A requested input line; released when the value is deinitialized or `release()` is called.
public protocol GPIOInput: Sendable {
    /// The logical level (after active-low inversion).
    func read() async throws -> Bool
    /// The edges this line reports, with the kernel's timestamps, as they arrive.
    func edges() -> AsyncThrowingStream<GPIOEdgeEvent, any Error>
    /// Gives the line back to the kernel.
    func release() async
}

/// A requested output line.
public protocol GPIOOutput: Sendable {
    /// Sets the logical level (active-low is applied by the line, not the caller).
    func set(_ value: Bool) async throws
    /// Gives the line back to the kernel.
    func release() async
}

/// A source of GPIO lines: a Linux gpiochip, or a simulated one.
public protocol GPIOController: Sendable {
    /// Requests a line as an input.
    func requestInput(_ address: GPIOLineAddress, consumer: String,
                      configuration: GPIOInputConfiguration) async throws -> any GPIOInput
    /// Requests a line as an output.
    func requestOutput(_ address: GPIOLineAddress, consumer: String,
                       configuration: GPIOOutputConfiguration) async throws -> any GPIOOutput
}
