import Testing
import YAML

@Suite("Duplicate keys")
struct DuplicateKeyTests {
    @Test("The repeat is reported where it is, with its path and the first one's place")
    func repeatedKeyInNestedMapping() {
        let text = "gateway:\n  id: gw\n  id: other\n"
        #expect(parseError(text) == .duplicateKeys([
            YAMLDuplicateKey(key: "id", mark: mark(3, 3), firstMark: mark(2, 3), path: "gateway.id"),
        ]))
    }

    @Test func repeatedKeyInsideAList() {
        let text = "sensors:\n  - id: a\n  - id: b\n    type: x\n    id: c\n"
        #expect(parseError(text) == .duplicateKeys([
            YAMLDuplicateKey(key: "id", mark: mark(5, 5), firstMark: mark(3, 5), path: "sensors[1].id"),
        ]))
    }

    @Test("Every repeated key once, in file order of the repeat")
    func severalRepeats() {
        let text = "{ b: 1, a: 2, b: 3, a: 4, b: 5 }"
        #expect(parseError(text) == .duplicateKeys([
            YAMLDuplicateKey(key: "b", mark: mark(1, 15), firstMark: mark(1, 3), path: "b"),
            YAMLDuplicateKey(key: "a", mark: mark(1, 21), firstMark: mark(1, 9), path: "a"),
        ]))
    }

    @Test("Keys are equal when text and resolved tag are: 1 and '1' differ, yes and Yes differ")
    func equalityIsTextAndTag() throws {
        let root = try rootMapping("1: a\n'1': b\nyes: c\nYes: d\n")
        #expect(root.count == 4)
    }

    @Test("Collections as keys, also through an alias")
    func complexKeys() {
        #expect(parseError("? [a, b]\n: 1\n? [a, b]\n: 2\n") == .duplicateKeys([
            YAMLDuplicateKey(key: "<complex key>", mark: mark(3, 3), firstMark: mark(1, 3), path: "<complex key>"),
        ]))
        // The repeat's place is the alias's, not the anchored node's.
        #expect(parseError("&k a: 1\n*k : 2\n") == .duplicateKeys([
            YAMLDuplicateKey(key: "a", mark: mark(2, 1), firstMark: mark(1, 1), path: "a"),
        ]))
    }
}
