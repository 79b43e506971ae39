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
/// expectation is not consumed). A reply whose byte counts do not fit the reads is recorded as a
/// script error.
///
/// A script nobody checks proves nothing, so forgetting the check is made loud two ways:
/// ``withScript(_:fileID:filePath:line:column:isolation:_:)`` runs a body and throws
/// ``ScriptedMockError`` unless the script ran exactly (a thrown error fails any test), and a mock
/// made with ``init(_:fileID:filePath:line:column:)`` inside a ``ScriptAudit`` is reported by it
/// when ``finish()`` was never called.
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

    private let ledger: ScriptLedger<Expectation>

    /// Creates a bus with its script; the call site is recorded for ``ScriptAudit`` reports.
    public init(_ expectations: [Expectation] = [], fileID: String = #fileID, filePath: String = #filePath,
                line: Int = #line, column: Int = #column) {
        ledger = ScriptLedger(expectations, origin: ScriptOrigin(mock: "ScriptedI2CBus", fileID: fileID,
                                                                 filePath: filePath, line: line, column: column))
    }

    /// Runs `body` with a bus following `expectations`, then throws ``ScriptedMockError`` unless
    /// the script ran exactly (no mismatch, no unused expectation). An error thrown by `body` is
    /// passed on as it is.
    public static func withScript<T>(_ expectations: [Expectation], fileID: String = #fileID,
                                     filePath: String = #filePath, line: Int = #line, column: Int = #column,
                                     isolation: isolated (any Actor)? = #isolation,
                                     _ body: (ScriptedI2CBus) async throws -> T) async throws -> T {
        let bus = ScriptedI2CBus(expectations, fileID: fileID, filePath: filePath, line: line, column: column)
        return try await runScript(bus, origin: bus.ledger.origin, finish: { $0.finish() },
                                   isolation: isolation, body)
    }

    /// Appends an expectation to the script.
    public func expect(_ expectation: Expectation) {
        ledger.append(expectation)
    }

    /// Every transaction performed, as text, oldest first.
    public var performed: [String] { ledger.performed }

    /// Mismatches recorded so far, then one line per expectation never used; empty when the
    /// script ran exactly. Marks the script as checked for ``ScriptAudit``.
    @discardableResult
    public func finish() -> [String] { ledger.finish() }

    public func transaction(address: I2CAddress, _ operations: [I2COperation]) async throws -> [[UInt8]] {
        let operation = "scripted i2c transaction @\(address)"
        let readCounts = operations.compactMap { op -> Int? in if case .read(let n) = op { n } else { nil } }
        return try ledger.take("\(address) \(describe(operations))", operation: operation,
                               matches: { $0.address == address && $0.operations == operations },
                               replyProblem: { $0.outcome.replyProblem(readCounts: readCounts, for: $0) })
            .flatMap { $0.outcome.result(operation: operation) }
            .get()
    }
}

/// An SPI device that expects an exact, ordered list of transactions; see ``ScriptedI2CBus``.
///
/// A `.reply` must hold one array per `.read` and `.transfer` segment, of that segment's length;
/// anything else is recorded as a script error, as on I2C.
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

    /// Mode, speed and word size reported to the code under test.
    public let configuration: SPIConfiguration
    private let ledger: ScriptLedger<Expectation>

    /// Creates a device with its script; the call site is recorded for ``ScriptAudit`` reports.
    public init(_ expectations: [Expectation] = [], configuration: SPIConfiguration = SPIConfiguration(),
                fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column) {
        self.configuration = configuration
        ledger = ScriptLedger(expectations, origin: ScriptOrigin(mock: "ScriptedSPIDevice", fileID: fileID,
                                                                 filePath: filePath, line: line, column: column))
    }

    /// Runs `body` with a device following `expectations`, then throws ``ScriptedMockError``
    /// unless the script ran exactly; see ``ScriptedI2CBus/withScript(_:fileID:filePath:line:column:isolation:_:)``.
    public static func withScript<T>(_ expectations: [Expectation],
                                     configuration: SPIConfiguration = SPIConfiguration(),
                                     fileID: String = #fileID, filePath: String = #filePath,
                                     line: Int = #line, column: Int = #column,
                                     isolation: isolated (any Actor)? = #isolation,
                                     _ body: (ScriptedSPIDevice) async throws -> T) async throws -> T {
        let device = ScriptedSPIDevice(expectations, configuration: configuration, fileID: fileID,
                                       filePath: filePath, line: line, column: column)
        return try await runScript(device, origin: device.ledger.origin, finish: { $0.finish() },
                                   isolation: isolation, body)
    }

    /// Appends an expectation to the script.
    public func expect(_ expectation: Expectation) {
        ledger.append(expectation)
    }

    /// Every transaction performed, as text, oldest first.
    public var performed: [String] { ledger.performed }

    /// Mismatches, then unused expectations; empty when the script ran exactly. Marks the script
    /// as checked for ``ScriptAudit``.
    @discardableResult
    public func finish() -> [String] { ledger.finish() }

    public func transaction(_ operations: [SPIOperation]) async throws -> [[UInt8]] {
        let operation = "scripted spi transaction"
        let readCounts = operations.compactMap { op -> Int? in
            switch op {
            case .read(let count): count
            case .transfer(let bytes): bytes.count
            case .write, .delay: nil
            }
        }
        return try ledger.take(describe(operations), operation: operation,
                               matches: { $0.operations == operations },
                               replyProblem: { $0.outcome.replyProblem(readCounts: readCounts, for: $0) })
            .flatMap { $0.outcome.result(operation: operation) }
            .get()
    }
}
