import Foundation
import Testing
@testable import Configuration

/// `mqtt.protocol`, `mqtt.username`, `mqtt.password_file` and the MQTT 5 options. Each key goes
/// on line 12 of `minimalYAML` (before `tls: false`), its key at column 3.
@Suite("MQTT protocol options")
struct MQTTProtocolConfigurationTests {
    let sandbox: Sandbox
    var d: String { sandbox.path }

    init() throws {
        sandbox = try Sandbox()
    }

    private func parse(_ lines: String...) throws(ConfigurationError) -> GatewayConfiguration.MQTTProtocolOptions {
        var all = minimalYAML.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        all.insert(contentsOf: lines, at: 11)
        return try GatewayConfiguration.parse(yaml: all.joined(separator: "\n"), file: configName, baseDirectory: d,
                                              kinds: testKinds).mqtt.protocolOptions
    }

    private func expectError(_ lines: String..., is expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        var all = minimalYAML.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        all.insert(contentsOf: lines, at: 11)
        #expect(errorDescription(all.joined(separator: "\n"), base: d) == expected, sourceLocation: sourceLocation)
    }

    @Test("Defaults: MQTT 5, no login, no session kept, no expiry, no user properties")
    func defaults() throws {
        let options = try parse()
        #expect(options == GatewayConfiguration.MQTTProtocolOptions())
        #expect(options.version == .v5 && options.sessionExpiry == .zero && options.messageExpiry == nil)
    }

    @Test("protocol: 5 or 3.1.1, quoted or not; anything else named")
    func protocolVersion() throws {
        #expect(try parse("  protocol: \"3.1.1\"").version == .v311)
        #expect(try parse("  protocol: 3.1.1").version == .v311)
        #expect(try parse("  protocol: 5").version == .v5)
        expectError("  protocol: 3.1", is: "sensorgw.yaml:12:13: mqtt.protocol: '3.1' is not an MQTT version; expected \"5\" or \"3.1.1\"")
    }

    @Test("username and a password file only its owner can read; the password itself is not kept")
    func login() throws {
        let file = try sandbox.write("mqtt.password", "s3cret-Pa55\n", mode: 0o600)
        let options = try parse("  username: gw-7", "  password_file: mqtt.password")
        #expect(options.username == "gw-7")
        #expect(options.passwordFile == file)
        #expect(!"\(options)".contains("s3cret"))
    }

    @Test("A password file readable by others, empty, or of two lines is refused without quoting it")
    func badPasswordFiles() throws {
        try sandbox.write("open.password", "s3cret\n", mode: 0o644)
        expectError("  username: u", "  password_file: open.password",
                    is: "sensorgw.yaml:13:18: mqtt.password_file: \(d)/open.password is readable by other users (mode 0644); "
                        + "run chmod 600 \(d)/open.password, or load it as a systemd credential")
        try sandbox.write("empty.password", "\n", mode: 0o600)
        expectError("  username: u", "  password_file: empty.password",
                    is: "sensorgw.yaml:13:18: mqtt.password_file: \(d)/empty.password is empty; write the password in it, on one line")
        try sandbox.write("two.password", "s3cret\nmore\n", mode: 0o600)
        let twoLines = "sensorgw.yaml:13:18: mqtt.password_file: \(d)/two.password holds more than one line; the password is its only line"
        expectError("  username: u", "  password_file: two.password", is: twoLines)
        #expect(!twoLines.contains("s3cret"))
    }

    @Test("TLS without certificate and key is server-only TLS, allowed only with a password login")
    func serverOnlyTLS() throws {
        let made = try sharedCertificates.get()
        try sandbox.copy(made.ca, to: "ca.pem")
        try sandbox.write("mqtt.password", "s3cret\n", mode: 0o600)
        let serverOnly = minimal(replacingLine: 12, with: "  username: u", "  password_file: mqtt.password", "  tls:", "    ca: ca.pem")
        let mqtt = try GatewayConfiguration.parse(yaml: serverOnly, file: configName, baseDirectory: d, kinds: testKinds).mqtt
        #expect(mqtt.tls == .serverOnly(ca: "\(d)/ca.pem"))
        // Without the password the gateway would have no identity: the old message stands.
        let noPassword = minimal(replacingLine: 12, with: "  username: u", "  tls:", "    ca: ca.pem")
        #expect(errorDescription(noPassword, base: d) == "sensorgw.yaml:13:3: mqtt.tls.certificate: missing required key")
        // One of the two alone is still a missing key.
        let keyOnly = minimal(replacingLine: 12, with: "  username: u", "  password_file: mqtt.password", "  tls:", "    ca: ca.pem",
                              "    certificate: ca.pem")
        #expect(errorDescription(keyOnly, base: d) == "sensorgw.yaml:14:3: mqtt.tls.key: missing required key")
    }

    @Test("A password needs a username")
    func passwordWithoutUsername() throws {
        try sandbox.write("mqtt.password", "s3cret\n", mode: 0o600)
        expectError("  password_file: mqtt.password", is: "sensorgw.yaml:12:18: mqtt.password_file: a password needs mqtt.username beside it")
    }

    @Test("session_expiry, message_expiry and up to 16 user properties, in file order")
    func mqtt5Options() throws {
        let options = try parse("  session_expiry: 1h", "  message_expiry: 10m", "  user_properties: { site: north, rack: \"7\" }")
        #expect(options.sessionExpiry == .seconds(3600))
        #expect(options.messageExpiry == .seconds(600))
        #expect(options.userProperties == [.init(name: "site", value: "north"), .init(name: "rack", value: "7")])
        let seventeen = (1...17).map { "p\($0): v" }.joined(separator: ", ")
        expectError("  user_properties: { \(seventeen) }",
                    is: "sensorgw.yaml:12:141: mqtt.user_properties.p17: more than 16 user properties; each one is sent with every reading")
        expectError("  message_expiry: 1500ms", is: "sensorgw.yaml:12:19: mqtt.message_expiry: MQTT counts expiry in whole seconds")
    }

    @Test("MQTT 3.1.1 has no properties: the MQTT 5 options are refused at their line")
    func mqtt5OptionsNeedMQTT5() throws {
        expectError("  message_expiry: 1h", "  protocol: \"3.1.1\"",
                    is: "sensorgw.yaml:12:19: mqtt.message_expiry: needs MQTT 5, and mqtt.protocol is \"3.1.1\"; remove the key or set protocol: \"5\"")
        // A session expiry of zero is what MQTT 3.1.1's clean session does: allowed.
        #expect(try parse("  protocol: \"3.1.1\"", "  session_expiry: 0s").version == .v311)
    }
}
