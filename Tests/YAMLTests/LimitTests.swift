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

    @Test("Nodes written out are bounded by the input size only: 100,000 of them parse")
    func writtenNodesAreNotCapped() throws {
        let text = "[" + Array(repeating: "1", count: 100_000).joined(separator: ",") + "]"
        guard case .sequence(let items) = try #require(try YAMLParser.parse(text)) else {
            Issue.record("not a sequence")
            return
        }
        #expect(items.count == 100_000)
    }

    @Test("Aliases may stand for 10,000 nodes in all; the alias that passes that is refused")
    func aliasExpansionLimit() throws {
        // The anchored list is 10 nodes (itself and nine items), so 1,000 aliases make 10,000.
        let aliases = { (count: Int) in "[&a [1,1,1,1,1,1,1,1,1]" + String(repeating: ", *a", count: count) + "]" }
        #expect(try YAMLParser.parse(aliases(1_000)) != nil)
        // The 1,001st alias: its '*' is at column 23 + 4 · 1,000 + 3.
        #expect(parseError(aliases(1_001)) == .aliasExpansionTooLarge(mark: mark(1, 4_026), limit: 10_000))
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

    @Test("A billion-laughs bomb as a value stops at the first alias past 10,000 expanded nodes")
    func billionLaughsValue() {
        // Aliases through d stand for 9·10 + 9·91 + 9·820 = 8289 nodes; e's first *d (7381 nodes)
        // would pass 10,000.
        #expect(parseError(Self.laughs + "\n") == .aliasExpansionTooLarge(mark: mark(5, 8), limit: 10_000))
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
        #expect(parseError(text) == .aliasExpansionTooLarge(mark: mark(5, 3), limit: 10_000))
        // In a flow mapping too.
        let flow = text.replacing("? *d\n: boom", with: "x: { *d : boom }")
        #expect(parseError(flow) == .aliasExpansionTooLarge(mark: mark(5, 6), limit: 10_000))
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
