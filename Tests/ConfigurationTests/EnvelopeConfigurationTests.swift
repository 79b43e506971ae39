import Foundation
import Testing
@testable import Configuration

/// `mqtt.envelope` (docs/ENVELOPE.md). The line is inserted before `tls:` (line 12 of
/// `minimalYAML`), so it is line 12: `recipient`'s value starts in column 26, `signing_key`'s in 59.
@Suite("Envelope keys in the configuration")
struct EnvelopeConfigurationTests {
    let sandbox: Sandbox
    var d: String { sandbox.path }

    init() throws {
        sandbox = try Sandbox()
        try FileManager.default.createDirectory(atPath: "\(sandbox.path)/keys", withIntermediateDirectories: true)
    }

    static let line = "  envelope: { recipient: keys/recipient.pub, signing_key: keys/device.key }"
    /// 32 bytes 0x00 ... 0x1f and 32 bytes 0xe0 ... 0xff, as `sensorgw envelope keygen` writes keys.
    static let recipientHex = (0..<32).map { String(format: "%02x", $0) }.joined()
    static let signingHex = (0xe0...0xff).map { String(format: "%02x", $0) }.joined()

    private func writeKeys(recipient: String = recipientHex + "\n", signing: String = signingHex + "\n", signingMode: Int = 0o600) throws {
        try sandbox.write("keys/recipient.pub", recipient, mode: 0o644)
        try sandbox.write("keys/device.key", signing, mode: signingMode)
    }

    private func expectError(_ yaml: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(errorDescription(yaml, base: d) == expected, sourceLocation: sourceLocation)
    }

    @Test func bothKeysAreReadAsTheirBytes() throws {
        try writeKeys()
        let config = try GatewayConfiguration.parse(yaml: minimal(inserting: Self.line, before: 12), file: configName,
                                                    baseDirectory: d, kinds: testKinds)
        let keys = try #require(config.mqtt.envelope)
        #expect(keys.recipient == Array(0...31))
        #expect(keys.signingKey == Array(0xe0...0xff))
        // Shown in a log line or `config check`, the signing key is not.
        #expect(!"\(keys)".contains("e0e1") && !"\(config.mqtt)".contains("e0e1e2"))
        #expect(try GatewayConfiguration.parse(yaml: minimalYAML, file: configName, baseDirectory: d,
                                               kinds: testKinds).mqtt.envelope == nil)
    }

    @Test func aKeyThatIsNotSixtyFourHexDigitsNamesFileLineAndKey() throws {
        try writeKeys(recipient: String(Self.recipientHex.dropLast(2)) + "\n")
        expectError(minimal(inserting: Self.line, before: 12),
                    "sensorgw.yaml:12:26: mqtt.envelope.recipient: \(d)/keys/recipient.pub is not a key: expected 64 hex digits "
                        + "(sensorgw envelope keygen --out DIR writes recipient.pub)")
        try writeKeys(signing: "-----BEGIN PRIVATE KEY-----\n")
        expectError(minimal(inserting: Self.line, before: 12),
                    "sensorgw.yaml:12:59: mqtt.envelope.signing_key: \(d)/keys/device.key is not a key: expected 64 hex digits "
                        + "(sensorgw envelope keygen --out DIR writes device.key)")
    }

    @Test func aSigningKeyOthersCanReadIsRefused() throws {
        try writeKeys(signingMode: 0o640)
        expectError(minimal(inserting: Self.line, before: 12),
                    "sensorgw.yaml:12:59: mqtt.envelope.signing_key: \(d)/keys/device.key is readable by its group (mode 0640); "
                        + "run chmod 600 \(d)/keys/device.key, or load it as a systemd credential")
        try writeKeys(signingMode: 0o604)
        expectError(minimal(inserting: Self.line, before: 12),
                    "sensorgw.yaml:12:59: mqtt.envelope.signing_key: \(d)/keys/device.key is readable by other users (mode 0604); "
                        + "run chmod 600 \(d)/keys/device.key, or load it as a systemd credential")
    }

    @Test func missingFilesAndKeysAreNamed() throws {
        expectError(minimal(inserting: Self.line, before: 12),
                    "sensorgw.yaml:12:26: mqtt.envelope.recipient: file not found: \(d)/keys/recipient.pub "
                        + "(sensorgw envelope keygen --out DIR writes recipient.pub)")
        try writeKeys()
        expectError(minimal(inserting: "  envelope: { recipient: keys/recipient.pub }", before: 12),
                    "sensorgw.yaml:12:3: mqtt.envelope.signing_key: missing required key")
        expectError(minimal(inserting: "  envelope: { recipient: keys/recipient.pub, key: keys/device.key }", before: 12),
                    "sensorgw.yaml:12:46: mqtt.envelope.key: unknown key; expected one of: recipient, signing_key")
    }

    @Test func onlySenMLCanBeSealed() throws {
        try writeKeys()
        let sparkplug = minimal(inserting: Self.line, "  encoding: sparkplug-b", before: 12)
        expectError(sparkplug, "sensorgw.yaml:12:3: mqtt.envelope: encoding sparkplug-b cannot be sealed: a Sparkplug B host or "
                        + "Home Assistant must read its payloads; use the envelope with senml-json or senml-cbor")
        let cbor = try GatewayConfiguration.parse(yaml: minimal(inserting: Self.line, "  encoding: senml-cbor", before: 12),
                                                  file: configName, baseDirectory: d, kinds: testKinds)
        #expect(cbor.mqtt.envelope != nil && cbor.mqtt.encoding == "senml-cbor")
    }
}
