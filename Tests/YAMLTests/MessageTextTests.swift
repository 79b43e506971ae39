import Testing
@testable import YAML

/// What reaches a user from libyaml: its limits in this target's words, no libyaml API names.
@Suite("Message texts")
struct MessageTextTests {
    @Test("A plain key over 1024 characters is its own error, at the key, first in a mapping or later")
    func keyTooLong() {
        let key = String(repeating: "k", count: 1_100)
        // libyaml says "mapping values are not allowed in this context" here ...
        #expect(parseError("a:\n  \(key): 1\n") == .keyTooLong(mark: mark(2, 3), limit: 1_024))
        // ... and "could not find expected ':'" (while scanning a simple key) here.
        #expect(parseError("a:\n  b: 1\n  \(key): 1\n") == .keyTooLong(mark: mark(3, 3), limit: 1_024))
        // In a list item, and at the top level.
        #expect(parseError("- \(key): 1\n") == .keyTooLong(mark: mark(1, 3), limit: 1_024))
        #expect(parseError("x: 1\n\(key): 1\n") == .keyTooLong(mark: mark(2, 1), limit: 1_024))
    }

    @Test("1024 characters are still a key; an unrelated error on a short line keeps libyaml's words")
    func keyAtTheLimit() throws {
        let key = String(repeating: "k", count: 1_000)
        #expect(try rootMapping("\(key): 1\n").count == 1)
        guard case .syntax(let error) = parseError("a: b: c\n") else {
            Issue.record("expected a syntax error")
            return
        }
        #expect(error.problem == "mapping values are not allowed in this context")
    }

    @Test("libyaml's API names never reach a message")
    func apiNamesAreRemoved() {
        // The text newer libyaml gives when its own nesting cap is reached.
        let nesting = YAMLSyntaxError(
            stage: .parser, problem: "Maximum nesting level reached, set with yaml_set_max_nest_level())", mark: mark(3, 4),
            context: "while parsing", contextMark: mark(1, 1))
        let cleaned = LibYAMLMessages.clean(nesting)
        #expect(cleaned.problem == "mappings and sequences nest too deep")
        #expect(cleaned.mark == mark(3, 4))
        #expect(LibYAMLMessages.clean("found something, set with yaml_parser_set_x()") == "found something")
        #expect(LibYAMLMessages.clean("did not find expected key") == "did not find expected key")
        #expect(!YAMLError.keyTooLong(mark: mark(1, 1), limit: 1_024).description.contains("yaml_"))
    }
}
