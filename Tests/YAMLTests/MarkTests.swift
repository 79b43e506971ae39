import Testing
import YAML

/// Lines and columns from 1, columns in Unicode scalars, each node at its first character:
/// what configuration errors print, so what Yams (over the same libyaml) printed.
@Suite("Marks")
struct MarkTests {
    static let text = """
        gateway:
          id: gw
        sensors:
          - id: air
            i2c: { bus: 1, address: 0x76 }
          - [a, b]
        """

    @Test func nestedBlockAndFlowNodes() throws {
        let root = try rootMapping(Self.text)
        #expect(root.mark == mark(1, 1))
        #expect(root.pairs.map(\.key.mark) == [mark(1, 1), mark(3, 1)])
        let gateway = try #require(root["gateway"])
        #expect(gateway.mark == mark(2, 3))
        guard case .mapping(let gatewayMapping) = gateway else { Issue.record("gateway"); return }
        #expect(gatewayMapping.pairs[0].key.mark == mark(2, 3))
        #expect(gatewayMapping.pairs[0].value.mark == mark(2, 7))

        guard case .sequence(let sensors) = try #require(root["sensors"]) else { Issue.record("sensors"); return }
        #expect(sensors.mark == mark(4, 3))
        guard case .mapping(let first) = sensors[0] else { Issue.record("sensors[0]"); return }
        #expect(first.mark == mark(4, 5))
        #expect(first["id"]?.mark == mark(4, 9))
        guard case .mapping(let i2c) = try #require(first["i2c"]) else { Issue.record("i2c"); return }
        #expect(i2c.mark == mark(5, 10))
        #expect(i2c.pairs.map(\.key.mark) == [mark(5, 12), mark(5, 20)])
        #expect(i2c["bus"]?.mark == mark(5, 17))
        #expect(i2c["address"]?.mark == mark(5, 29))
        guard case .sequence(let second) = sensors[1] else { Issue.record("sensors[1]"); return }
        #expect(second.mark == mark(6, 5))
        #expect(second.map(\.mark) == [mark(6, 6), mark(6, 9)])
    }

    @Test("Columns count Unicode scalars, not bytes")
    func columnsCountScalars() throws {
        let root = try rootMapping("k: ééé\nz: [👍, v]\n")
        guard case .sequence(let z) = try #require(root["z"]) else { Issue.record("z"); return }
        #expect(z[0].mark == mark(2, 5))
        #expect(z[1].mark == mark(2, 8))
    }

    @Test("Lines ending in CRLF count once")
    func crlfLines() throws {
        let root = try rootMapping("a: 1\r\nb: 2\r\n")
        #expect(root["b"]?.mark == mark(2, 4))
    }

    @Test("A UTF-8 byte-order mark is skipped and moves no column")
    func byteOrderMark() throws {
        let plain = "a: 1\nb: [x]\n"
        let withMark = try YAMLParser.parse("\u{FEFF}" + plain)
        #expect(withMark == (try YAMLParser.parse(plain)))
        let root = try rootMapping("\u{FEFF}" + plain)
        #expect(root.pairs.first?.key.mark == mark(1, 1))
        #expect(root["a"]?.mark == mark(1, 4))
        #expect(try YAMLParser.parse("\u{FEFF}") == nil)
    }

    @Test("An aliased node keeps its anchor's marks and values")
    func aliasesExpand() throws {
        let root = try rootMapping("base: &b { x: 1 }\nuse: *b\n")
        let base = try #require(root["base"])
        #expect(root["use"] == base)
        #expect(base.mark == mark(1, 7))
    }

    @Test("No document is nil; an empty document is a null scalar")
    func emptyDocuments() throws {
        #expect(try YAMLParser.parse("") == nil)
        #expect(try YAMLParser.parse("# only a comment\n") == nil)
        let empty = try #require(try YAMLParser.parse("---\n"))
        #expect(empty.tag == .null)
    }
}
