import Testing
import YAML

/// Yams' default resolver, restated as a table: the tag each untagged plain scalar gets.
@Suite("Tag resolution")
struct TagResolutionTests {
    static let table: [(String, YAMLTag)] = [
        // null
        ("", .null), ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null), ("nULL", .str),
        // bool, YAML 1.1 words in three cases only
        ("true", .bool), ("True", .bool), ("TRUE", .bool), ("tRUE", .str),
        ("false", .bool), ("False", .bool), ("FALSE", .bool),
        ("yes", .bool), ("Yes", .bool), ("YES", .bool), ("no", .bool), ("No", .bool), ("NO", .bool),
        ("on", .bool), ("On", .bool), ("ON", .bool), ("off", .bool), ("Off", .bool), ("OFF", .bool),
        ("y", .str), ("n", .str), ("yEs", .str),
        // int
        ("0", .int), ("42", .int), ("-17", .int), ("+3", .int), ("1_000", .int),
        ("0x76", .int), ("0X76", .str), ("0xFF_ff", .int), ("-0x1", .int), ("0x", .str), ("0x7g", .str),
        ("0o17", .int), ("017", .int), ("0_", .int), ("0o", .str),
        ("0b1010", .int), ("-0b1", .int), ("0b", .str), ("0b12", .str),
        ("1:30", .int), ("190:20:30", .int), ("0:30", .str), ("1:60", .str),
        // float (08 and 09 are not octal, so Yams' float rule takes them)
        ("08", .float), ("1.5", .float), ("-1.5", .float), ("1.", .float), ("1e5", .float), ("1E+5", .float),
        ("1.5e-3", .float), ("1_0.5", .float), ("1e", .str), ("1.5.5", .str),
        (".5", .float), ("._", .float), (".5e+3", .float), (".5e3", .str), ("-.5", .str),
        (".inf", .float), ("-.inf", .float), ("+.Inf", .float), (".INF", .float), (".iNf", .str),
        (".nan", .float), (".NaN", .float), (".NAN", .float), ("-.nan", .str),
        ("1:30.5", .float), ("1:30.", .float),
        // merge, timestamp, value
        ("<<", .merge), ("=", .value),
        ("2001-12-14", .timestamp), ("2001-1-14", .str), ("2001-12-14t21:59:43.10-05:00", .timestamp),
        ("2001-12-14 21:59:43.10 -5", .timestamp), ("2001-12-14T21:59:43Z", .timestamp),
        ("2001-12-14 21:59:43.10", .timestamp), ("2001-12-14T21:59", .str), ("2001-12-14Z", .str),
        // strings
        ("localhost", .str), ("10s", .str), ("64MB", .str), ("/dev/i2c-1", .str), ("0x76 ", .str),
    ]

    @Test("Untagged plain scalars", arguments: table)
    func resolvesLikeYams(_ text: String, _ expected: YAMLTag) {
        #expect(TagResolver.resolve(plain: text) == expected, "\(text)")
    }

    @Test("A parsed plain scalar gets the resolved tag; quoted and block scalars are strings")
    func parsedStyles() throws {
        let root = try #require(try YAMLParser.parse("""
            a: yes
            b: 'yes'
            c: "12"
            d: |
              12
            e: !!int "12"
            f: ! 12
            g: 0x76
            h:
            """))
        guard case .mapping(let mapping) = root else { Issue.record("not a mapping"); return }
        func scalar(_ key: String) -> YAMLNode.Scalar? {
            if case .scalar(let scalar) = mapping[key] { return scalar }
            return nil
        }
        #expect(scalar("a")?.tag == .bool)
        #expect(scalar("a")?.style == .plain)
        #expect(scalar("b")?.tag == .str)
        #expect(scalar("b")?.style == .singleQuoted)
        #expect(scalar("c")?.tag == .str)
        #expect(scalar("c")?.style == .doubleQuoted)
        #expect(scalar("d")?.tag == .str)
        #expect(scalar("d")?.string == "12\n")
        #expect(scalar("d")?.style == .literal)
        #expect(scalar("e")?.tag.rawValue == "tag:yaml.org,2002:int")
        #expect(scalar("f")?.tag == .str)
        #expect(scalar("g")?.tag.rawValue == "tag:yaml.org,2002:int")
        #expect(scalar("h")?.tag.rawValue == "tag:yaml.org,2002:null")
        #expect(scalar("h")?.string == "")
    }
}
