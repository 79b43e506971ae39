import HAL
import Synchronization

/// The bookkeeping both scripted mocks share: pending expectations, problems, traffic, and what
/// the last `finish()` saw (for ``ScriptAudit``).
final class ScriptLedger<Expectation: Sendable & CustomStringConvertible>: AuditedScript {
    private struct State {
        var pending: [Expectation]
        var problems: [String] = []
        var performed: [String] = []
        /// The report the last `finish()` returned; `nil` before the first.
        var lastFinish: [String]?

        var report: [String] { problems + pending.map { "unused expectation: \($0)" } }
    }

    let origin: ScriptOrigin
    private let state: Mutex<State>

    init(_ expectations: [Expectation], origin: ScriptOrigin) {
        self.origin = origin
        state = Mutex(State(pending: expectations))
        ScriptAudit.current?.register(self)
    }

    func append(_ expectation: Expectation) {
        state.withLock { $0.pending.append(expectation) }
    }

    var performed: [String] { state.withLock { $0.performed } }

    func finish() -> [String] {
        state.withLock {
            $0.lastFinish = $0.report
            return $0.report
        }
    }

    var unfinished: UnfinishedScript? {
        state.withLock { state in
            let report = state.report
            guard state.lastFinish != report else { return nil }
            return UnfinishedScript(origin: origin, problems: report, wasFinished: state.lastFinish != nil)
        }
    }

    /// Matches one call against the next expectation.
    ///
    /// A mismatch is recorded and thrown as `HALError(.other)` with "expected X, got Y"; the
    /// expectation is not consumed. On a match `replyProblem` may name a script error (recorded,
    /// but the expectation still answers, so the test sees what the code does with the reply).
    func take(_ actual: String, operation: String, matches: (Expectation) -> Bool,
              replyProblem: (Expectation) -> String?) -> Result<Expectation, HALError> {
        state.withLock { state in
            state.performed.append(actual)
            guard let next = state.pending.first else {
                let message = "expected no more transactions, got \(actual)"
                state.problems.append(message)
                return .failure(HALError(.other, operation: operation, detail: message))
            }
            guard matches(next) else {
                let message = "expected \(next), got \(actual)"
                state.problems.append(message)
                return .failure(HALError(.other, operation: operation, detail: message))
            }
            state.pending.removeFirst()
            if let problem = replyProblem(next) { state.problems.append(problem) }
            return .success(next)
        }
    }
}

extension ScriptedOutcome {
    /// The script error when a reply does not have one array of the asked length per read.
    func replyProblem(readCounts: [Int], for expectation: some CustomStringConvertible) -> String? {
        guard case .reply(let replies) = self, replies.map(\.count) != readCounts else { return nil }
        return "script for \(expectation) replies \(replies.map(\.count)) bytes, reads ask \(readCounts)"
    }

    /// The outcome as the mock's result.
    func result(operation: String) -> Result<[[UInt8]], HALError> {
        switch self {
        case .failure(let kind): return .failure(HALError(kind, operation: operation, detail: "scripted failure"))
        case .reply(let replies): return .success(replies)
        }
    }
}

/// Runs `body` on a fresh mock, then requires its script to have run exactly.
func runScript<Mock: Sendable, T>(_ mock: Mock, origin: ScriptOrigin, finish: (Mock) -> [String],
                        isolation: isolated (any Actor)?,
                        _ body: (Mock) async throws -> T) async throws -> T {
    let result: T
    do {
        result = try await body(mock)
    } catch {
        // The body's own error explains the failure better; finishing keeps an audit quiet.
        _ = finish(mock)
        throw error
    }
    let problems = finish(mock)
    guard problems.isEmpty else { throw ScriptedMockError(origin: origin, problems: problems) }
    return result
}
