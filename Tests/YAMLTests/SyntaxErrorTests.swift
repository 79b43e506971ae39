import Testing
import YAML

/// libyaml's own words and positions, which configuration errors pass on.
@Suite("Syntax errors")
struct SyntaxErrorTests {
    @Test("An unclosed flow mapping: libyaml's problem, where, and the mapping it was in")
    func unclosedFlowMapping() {
        let text = "a:\n  i2c: { bus: 1, address: 0x76\n  b: 2\n"
        #expect(parseError(text) == .syntax(YAMLSyntaxError(
            stage: .parser, problem: "did not find expected ',' or '}'", mark: mark(3, 4),
            context: "while parsing a flow mapping", contextMark: mark(2, 8))))
    }

    @Test("A tab as indentation is a scanner error")
    func tabIndentation() {
        #expect(parseError("a:\n\tb: 1\n") == .syntax(YAMLSyntaxError(
            stage: .scanner, problem: "found character that cannot start any token", mark: mark(2, 1),
            context: "while scanning for the next token", contextMark: mark(2, 1))))
    }

    @Test("A control character is a reader error at its line and column")
    func controlCharacter() {
        #expect(parseError("a: 1\nbé: \u{01}\n") == .syntax(YAMLSyntaxError(
            stage: .reader, problem: "control characters are not allowed", mark: mark(2, 5))))
    }

    @Test("An alias to no anchor")
    func undefinedAlias() {
        #expect(parseError("a: 1\nb: *nowhere\n") == .syntax(YAMLSyntaxError(
            stage: .composer, problem: "found undefined alias", mark: mark(2, 4))))
    }

    @Test("A second document, worded as Yams worded it")
    func secondDocument() {
        #expect(parseError("a: 1\n---\nb: 2\n") == .syntax(YAMLSyntaxError(
            stage: .composer, problem: "but found another document", mark: mark(2, 1),
            context: "expected a single document in the stream", contextMark: mark(1, 1))))
    }

    @Test("description is line:column: problem (context at ...)")
    func description() {
        let error = YAMLSyntaxError(stage: .parser, problem: "p", mark: mark(3, 4), context: "while c", contextMark: mark(2, 8))
        #expect(error.description == "3:4: p (while c at line 2, column 8)")
    }
}
