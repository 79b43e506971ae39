import HAL
import Synchronization

/// What a scripted transaction does when it matches.
public enum ScriptedOutcome: Sendable, Hashable {
    /// Succeed and return these bytes, one array per `.read` (I2C) or `.read`/`.transfer` (SPI).
    case reply([[UInt8]])
    /// Throw a ``HALError`` of this kind.
    case failure(HALError.Kind)
}

/// An I2C bus that expects an exact, ordered list of transactions.
///
/// Each call is compared with the next expectation; a match returns its scripted reply or
/// error, a mismatch throws `HALError(.other)` with "expected X, got Y" and is recorded (the
/// expectation is not consumed). At the end a test checks `#expect(bus.finish().isEmpty)`.
public final class ScriptedI2CBus: I2CBus {
    /// One expected transaction.
    public struct Expectation: Sendable, Hashable, CustomStringConvertible {
        /// The address it must go to.
        public var address: I2CAddress
        /// The segments it must have.
        public var operations: [I2COperation]
        /// What happens when it matches.
        public var outcome: ScriptedOutcome

        /// Creates an expectation.
        public init(address: I2CAddress, operations: [I2COperation], outcome: ScriptedOutcome = .reply([])) {
            self.address = address
            self.operations = operations
            self.outcome = outcome
        }

        /// A register read: write `[register]`, read `reply.count` bytes, answer `reply`.
        public static func readRegisters(_ address: I2CAddress, _ register: UInt8, reply: [UInt8]) -> Expectation {
            Expectation(address: address, operations: [.write([register]), .read(count: reply.count)],
                        outcome: .reply([reply]))
        }

        /// A plain write of `bytes`.
        public static func write(_ address: I2CAddress, _ bytes: [UInt8]) -> Expectation {
            Expectation(address: address, operations: [.write(bytes)])
        }

        /// Any transaction with these segments that fails with `kind`.
        public static func fail(_ address: I2CAddress, _ operations: [I2COperation], _ kind: HALError.Kind) -> Expectation {
            Expectation(address: address, operations: operations, outcome: .failure(kind))
        }

        public var description: String { "\(address) \(describe(operations))" }
    }

    private struct State {
        var pending: [Expectation]
        var problems: [String] = []
        var performed: [String] = []
    }

    private let state: Mutex<State>

    /// Creates a bus with its script.
    public init(_ expectations: [Expectation] = []) {
        state = Mutex(State(pending: expectations))
    }

    /// Appends an expectation to the script.
    public func expect(_ expectation: Expectation) {
        state.withLock { $0.pending.append(expectation) }
    }

    /// Every transaction performed, as text, oldest first.
    public var performed: [String] { state.withLock { $0.performed } }

    /// Mismatches recorded so far, then one line per expectation never used; empty when the
    /// script ran exactly.
    public func finish() -> [String] {
        state.withLock { $0.problems + $0.pending.map { "unused expectation: \($0)" } }
    }

    public func transaction(address: I2CAddress, _ operations: [I2COperation]) async throws -> [[UInt8]] {
        let actual = "\(address) \(describe(operations))"
        let outcome: Result<[[UInt8]], HALError> = state.withLock { state in
            state.performed.append(actual)
            let operation = "scripted i2c transaction @\(address)"
            guard let next = state.pending.first else {
                let message = "expected no more transactions, got \(actual)"
                state.problems.append(message)
                return .failure(HALError(.other, operation: operation, detail: message))
            }
            guard next.address == address, next.operations == operations else {
                let message = "expected \(next), got \(actual)"
                state.problems.append(message)
                return .failure(HALError(.other, operation: operation, detail: message))
            }
            state.pending.removeFirst()
            switch next.outcome {
            case .failure(let kind):
                return .failure(HALError(kind, operation: operation, detail: "scripted failure"))
            case .reply(let replies):
                let counts = operations.compactMap { op -> Int? in if case .read(let n) = op { n } else { nil } }
                if counts != replies.map(\.count) {
                    // A wrong script is reported like a mismatch, but the reply still goes out
                    // so the test sees what the code does with it.
                    state.problems.append("script for \(next) replies \(replies.map(\.count)) bytes, reads ask \(counts)")
                }
                return .success(replies)
            }
        }
        return try outcome.get()
    }
}

/// An SPI device that expects an exact, ordered list of transactions; see ``ScriptedI2CBus``.
public final class ScriptedSPIDevice: SPIDevice {
    /// One expected transaction.
    public struct Expectation: Sendable, Hashable, CustomStringConvertible {
        /// The segments it must have.
        public var operations: [SPIOperation]
        /// What happens when it matches.
        public var outcome: ScriptedOutcome

        /// Creates an expectation.
        public init(operations: [SPIOperation], outcome: ScriptedOutcome = .reply([])) {
            self.operations = operations
            self.outcome = outcome
        }

        /// A command write then a read of `reply.count` bytes, answering `reply`.
        public static func writeRead(_ command: [UInt8], reply: [UInt8]) -> Expectation {
            Expectation(operations: [.write(command), .read(count: reply.count)], outcome: .reply([reply]))
        }

        /// A plain write of `bytes`.
        public static func write(_ bytes: [UInt8]) -> Expectation {
            Expectation(operations: [.write(bytes)])
        }

        public var description: String { describe(operations) }
    }

    private struct State {
        var pending: [Expectation]
        var problems: [String] = []
        var performed: [String] = []
    }

    /// Mode, speed and word size reported to the code under test.
    public let configuration: SPIConfiguration
    private let state: Mutex<State>

    /// Creates a device with its script.
    public init(_ expectations: [Expectation] = [], configuration: SPIConfiguration = SPIConfiguration()) {
        self.configuration = configuration
        state = Mutex(State(pending: expectations))
    }

    /// Appends an expectation to the script.
    public func expect(_ expectation: Expectation) {
        state.withLock { $0.pending.append(expectation) }
    }

    /// Every transaction performed, as text, oldest first.
    public var performed: [String] { state.withLock { $0.performed } }

    /// Mismatches, then unused expectations; empty when the script ran exactly.
    public func finish() -> [String] {
        state.withLock { $0.problems + $0.pending.map { "unused expectation: \($0)" } }
    }

    public func transaction(_ operations: [SPIOperation]) async throws -> [[UInt8]] {
        let actual = describe(operations)
        let outcome: Result<[[UInt8]], HALError> = state.withLock { state in
            state.performed.append(actual)
            let operation = "scripted spi transaction"
            guard let next = state.pending.first else {
                let message = "expected no more transactions, got \(actual)"
                state.problems.append(message)
                return .failure(HALError(.other, operation: operation, detail: message))
            }
            guard next.operations == operations else {
                let message = "expected \(next), got \(actual)"
                state.problems.append(message)
                return .failure(HALError(.other, operation: operation, detail: message))
            }
            state.pending.removeFirst()
            switch next.outcome {
            case .failure(let kind):
                return .failure(HALError(kind, operation: operation, detail: "scripted failure"))
            case .reply(let replies):
                return .success(replies)
            }
        }
        return try outcome.get()
    }
}
