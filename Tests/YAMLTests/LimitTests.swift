import Testing
import YAML

/// Each limit, restated here rather than read from `YAMLLimits`, so a changed limit fails a test.
@Suite("Limits")
struct LimitTests {
    static let mebibyte = 1_048_576

    @Test("Text over 1 MiB is refused before parsing; exactly 1 MiB is parsed")
    func inputSize() throws {
        let header = "a: 1\n#"
        let exactly = header + String(repeating: "x", count: Self.mebibyte - header.utf8.count)
        #expect(exactly.utf8.count == Self.mebibyte)
        #expect(try YAMLParser.parse(exactly) != nil)
        #expect(parseError(exactly + "x") == .inputTooLarge(byteCount: Self.mebibyte + 1, limit: Self.mebibyte))
    }

    @Test("64 nested collections parse; the 65th is refused at its bracket")
    func flowNesting() throws {
        #expect(try YAMLParser.parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)) != nil)
        #expect(parseError(String(repeating: "[", count: 65) + String(repeating: "]", count: 65))
                == .nestingTooDeep(mark: mark(1, 65), limit: 64))
    }

    @Test("Half a megabyte of opening brackets stops at depth 65")
    func hostileFlowNesting() {
        #expect(parseError(String(repeating: "[", count: 500_000)) == .nestingTooDeep(mark: mark(1, 65), limit: 64))
    }

    @Test("Block mappings count the same way")
    func blockNesting() throws {
        func nested(_ depth: Int) -> String {
            (0..<depth).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " leaf\n"
        }
        #expect(try YAMLParser.parse(nested(64)) != nil)
        // The 65th mapping starts at its first key, line 65.
        #expect(parseError(nested(65)) == .nestingTooDeep(mark: mark(65, 65), limit: 64))
    }

    @Test("An alias cannot carry a deep node deeper than the limit")
    func aliasNesting() {
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let text = "a: &deep \(deep)\nb:" + String(repeating: " [", count: 30) + " *deep" + String(repeating: " ]", count: 30)
        // Root mapping (1) + 30 brackets + 40 in the alias = 71 > 64.
        #expect(parseError(text) == .nestingTooDeep(mark: mark(2, 64), limit: 64))
    }

    @Test("10,000 nodes parse; one more is refused")
    func nodeCount() throws {
        // The sequence itself is a node.
        let items = { (count: Int) in "[" + Array(repeating: "1", count: count).joined(separator: ",") + "]" }
        #expect(try YAMLParser.parse(items(9_999)) != nil)
        // Item 10,000 is the 10,001st node; it starts at column 1 + 2 * 9_999 + 1.
        #expect(parseError(items(10_000)) == .tooManyNodes(mark: mark(1, 20_000), limit: 10_000))
    }

    /// Nine levels of nine aliases: a billion strings if expanded.
    static let laughs = """
        a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
        f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
        g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
        h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
        i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
        """

    @Test("A billion-laughs bomb as a value stops at the first alias past 10,000 nodes")
    func billionLaughsValue() {
        // Through d: 1 root + (2 + 9) + (2 + 9·10) + (2 + 9·91) + (2 + 9·820) = 8307 nodes; e's key and
        // list make 8309, and its first *d (7381 nodes) would pass 10,000.
        #expect(parseError(Self.laughs + "\n") == .tooManyNodes(mark: mark(5, 8), limit: 10_000))
    }

    @Test("A billion-laughs bomb as a mapping key is refused before the key is compared")
    func billionLaughsKey() {
        let text = """
            a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
            d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
            ? *d
            : boom
            """
        #expect(parseError(text) == .tooManyNodes(mark: mark(5, 3), limit: 10_000))
        // In a flow mapping too.
        let flow = text.replacing("? *d\n: boom", with: "x: { *d : boom }")
        #expect(parseError(flow) == .tooManyNodes(mark: mark(5, 6), limit: 10_000))
    }

    @Test("Aliases within the limit expand and compare")
    func smallAliasesWork() throws {
        let root = try rootMapping("a: &a [x, y]\nb: [*a, *a]\n? *a\n: k\n")
        guard case .sequence(let b) = try #require(root["b"]) else { Issue.record("b"); return }
        #expect(b.count == 2)
        #expect(b[0] == root["a"])
        #expect(root.pairs[2].key == root["a"])
    }
}
