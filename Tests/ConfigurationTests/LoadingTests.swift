import Foundation
import Testing
@testable import Configuration

/// Reading the file with POSIX calls, and the errors the YAML target's limits turn into.
@Suite("Loading and YAML limits")
struct LoadingTests {
    let sandbox: Sandbox
    var d: String { sandbox.path }

    init() throws {
        sandbox = try Sandbox()
    }

    private func loadError(_ path: String) -> String? {
        do {
            _ = try GatewayConfiguration.load(path: path, kinds: testKinds)
            return nil
        } catch {
            return error.description
        }
    }

    private func writeBytes(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = "\(d)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("A file that starts with a UTF-8 byte-order mark loads, and columns on line 1 are unchanged")
    func byteOrderMark() throws {
        let file = try writeBytes("bom.yaml", [0xEF, 0xBB, 0xBF] + Array(minimalWithTLS().utf8))
        let config = try GatewayConfiguration.load(path: file, kinds: testKinds)
        #expect(config.gateway.id == "gw")
        let broken = "\u{FEFF}" + minimalYAML.replacingOccurrences(of: "gateway:", with: "gateways:")
        #expect(errorDescription(broken, base: d)
                == "sensorgw.yaml:1:1: gateways: unknown key; expected one of: gateway, board, sensors, storage, mqtt, log, metrics, commands")
    }

    @Test func notUTF8() throws {
        let file = try writeBytes("latin1.yaml", Array("gateway: { id: caf".utf8) + [0xE9] + Array(" }\n".utf8))
        #expect(loadError(file) == "\(file): the file is not valid UTF-8 text")
    }

    @Test func directory() {
        #expect(loadError(d) == "\(d): is a directory, not a configuration file")
    }

    @Test("A file over 1 MiB is refused without being parsed")
    func tooLarge() throws {
        let file = try writeBytes("big.yaml", Array(repeating: UInt8(ascii: "#"), count: 1_048_577))
        #expect(loadError(file) == "\(file): the file is 1048577 bytes; a configuration may be at most 1048576 bytes (1 MiB)")
    }

    @Test func nestingLimit() {
        #expect(errorDescription("a: " + String(repeating: "[", count: 64), base: d)
                == "sensorgw.yaml:1:67: invalid YAML: mappings and lists nest more than 64 deep, the limit")
    }

    @Test func aliasBomb() {
        let yaml = """
            a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
            d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
            e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
            f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
            """
        #expect(errorDescription(yaml, base: d)
                == "sensorgw.yaml:5:8: invalid YAML: aliases stand for more than 10000 values in all, the limit")
    }

    @Test func undefinedAlias() {
        #expect(errorDescription(minimal(replacingLine: 2, with: "  id: *gw"), base: d)
                == "sensorgw.yaml:2:7: invalid YAML: found undefined alias")
    }

    @Test("Aliases that stay within the limits work as values")
    func aliasesWork() throws {
        let yaml = minimal(replacingLine: 2, with: "  id: &name gw").replacingOccurrences(
            of: "  host: localhost", with: "  host: localhost\n  client_id: *name")
        let config = try GatewayConfiguration.parse(yaml: yaml, file: configName, baseDirectory: d, kinds: testKinds)
        #expect(config.mqtt.clientID == "gw")
    }
}
