import Synchronization

/// Where a scripted mock was created, so a report points at the test line that made it.
public struct ScriptOrigin: Sendable, Hashable, CustomStringConvertible {
    /// The mock's type, e.g. `ScriptedI2CBus`.
    public var mock: String
    /// `#fileID` of the creating call.
    public var fileID: String
    /// `#filePath` of the creating call.
    public var filePath: String
    /// `#line` of the creating call.
    public var line: Int
    /// `#column` of the creating call.
    public var column: Int

    /// Creates an origin.
    public init(mock: String, fileID: String, filePath: String, line: Int, column: Int) {
        self.mock = mock
        self.fileID = fileID
        self.filePath = filePath
        self.line = line
        self.column = column
    }

    public var description: String { "\(mock) created at \(fileID):\(line)" }
}

/// A scripted mock whose state no test looked at: `finish()` was never called, or the script
/// changed (more traffic, new problems) after the last `finish()`.
public struct UnfinishedScript: Sendable, Hashable, CustomStringConvertible {
    /// The mock and where it was made.
    public var origin: ScriptOrigin
    /// What `finish()` returns now: mismatches, then unused expectations.
    public var problems: [String]
    /// Whether `finish()` was called at all (then the script changed afterwards).
    public var wasFinished: Bool

    public var description: String {
        let what = wasFinished ? "changed after its last finish()" : "was never finished"
        let detail = problems.isEmpty ? "the script ran exactly" : problems.joined(separator: "; ")
        return "\(origin) \(what) (finish() now reports: \(detail))"
    }
}

/// A mock that a ``ScriptAudit`` can ask whether a test looked at its outcome.
protocol AuditedScript: Sendable {
    /// `nil` when the last `finish()` saw the script as it is now.
    var unfinished: UnfinishedScript? { get }
}

/// Collects the scripted mocks created while it is ``current`` and names those no test finished.
///
/// Why a task-local registry rather than a check in `deinit`: a mock is often released by a
/// driver actor on another thread, after the test function returned, where nothing could report
/// to the test any more. The audit instead keeps every mock made inside ``run(_:)`` alive and is
/// asked once the body has returned, on the test's own task. HALSimulation cannot import Testing,
/// so the audit only returns the list; a test target turns it into issues, e.g. with a
/// `TestScoping` trait:
///
/// ```swift
/// struct ScriptsMustFinish: TestTrait, SuiteTrait, TestScoping {
///     var isRecursive: Bool { true }
///     func provideScope(for test: Test, testCase: Test.Case?,
///                       performing function: @Sendable () async throws -> Void) async throws {
///         let audit = ScriptAudit()
///         defer { for script in audit.unfinished { Issue.record(Comment(rawValue: script.description)) } }
///         try await audit.run(function)
///     }
/// }
/// ```
///
/// Mocks made outside any audit are not tracked; ``ScriptedI2CBus/withScript(_:fileID:filePath:line:column:isolation:_:)``
/// checks its own mock without one.
public final class ScriptAudit: Sendable {
    /// The audit mocks register with when they are created; `nil` outside ``run(_:)``.
    @TaskLocal public static var current: ScriptAudit?

    private let scripts = Mutex<[any AuditedScript]>([])

    /// Creates an empty audit.
    public init() {}

    /// Runs `body` with this audit as ``current``, so mocks created in it (and in child tasks)
    /// register here.
    public func run<T>(isolation: isolated (any Actor)? = #isolation,
                       _ body: () async throws -> T) async rethrows -> T {
        try await Self.$current.withValue(self, operation: body)
    }

    /// The registered mocks no test finished, in creation order.
    public var unfinished: [UnfinishedScript] {
        scripts.withLock { $0 }.compactMap(\.unfinished)
    }

    /// How many mocks registered.
    public var scriptCount: Int { scripts.withLock { $0.count } }

    func register(_ script: any AuditedScript) {
        scripts.withLock { $0.append(script) }
    }
}

/// Thrown by `withScript` when the script did not run exactly.
public struct ScriptedMockError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The mock and where it was made.
    public var origin: ScriptOrigin
    /// Mismatches, then unused expectations, as `finish()` returned them.
    public var problems: [String]

    public var description: String { "\(origin): " + problems.joined(separator: "; ") }
}
