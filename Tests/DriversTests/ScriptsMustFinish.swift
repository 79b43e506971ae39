import HALSimulation
import Testing

/// Fails a test that made a scripted mock and never called `finish()` on it (or changed the
/// script after its last `finish()`), with the issue pointing at the line that made the mock.
///
/// HALSimulation cannot import Testing, so the bookkeeping is its `ScriptAudit`; this trait only
/// turns the audit's list into issues. (Test targets cannot share sources: a copy of this file
/// lives in each test target that uses scripted mocks.)
struct ScriptsMustFinish: TestTrait, SuiteTrait, TestScoping {
    /// Applied to every test of a suite, so each test gets its own audit and its own issues.
    var isRecursive: Bool { true }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let audit = ScriptAudit()
        defer {
            for script in audit.unfinished {
                Issue.record(Comment(rawValue: script.description),
                             sourceLocation: SourceLocation(fileID: script.origin.fileID,
                                                            filePath: script.origin.filePath,
                                                            line: script.origin.line,
                                                            column: script.origin.column))
            }
        }
        try await audit.run(function)
    }
}

extension Trait where Self == ScriptsMustFinish {
    /// Every scripted mock made in the test must be finished; see ``ScriptsMustFinish``.
    static var scriptsMustFinish: Self { ScriptsMustFinish() }
}
