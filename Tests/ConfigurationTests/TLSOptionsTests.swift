import Foundation
import Testing
@testable import Configuration

/// `mqtt.tls`'s hardening keys (docs/SECURITY.md). Each option goes on line 16, after the key
/// on line 15 of `minimalWithTLS()`; its key starts at column 5.
@Suite("TLS options")
struct TLSOptionsTests {
    let sandbox: Sandbox
    let made: TestCertificates
    var d: String { sandbox.path }

    init() throws {
        sandbox = try Sandbox()
        made = try sharedCertificates.get()
    }

    private func parse(_ yaml: String) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: yaml, file: configName, baseDirectory: d, kinds: testKinds,
                                       clock: TLSMaterialTests.midway)
    }

    /// `minimalWithTLS()` with `lines` after the key line.
    private func with(_ lines: String...) -> String {
        minimalWithTLS().replacingOccurrences(of: "    key: certs/client.key",
                                              with: (["    key: certs/client.key"] + lines).joined(separator: "\n"))
    }

    private func expectError(_ yaml: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try parse(yaml)
            Issue.record("expected: \(expected)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description == expected, sourceLocation: sourceLocation)
        }
    }

    @Test("Without options: TLS 1.2 minimum, no pins, no CRL, no ALPN")
    func defaults() throws {
        let options = try parse(minimalWithTLS()).mqtt.tlsOptions
        #expect(options == GatewayConfiguration.TLSOptions())
        #expect(options.minVersion == .tls12 && options.pinnedKeys.isEmpty && options.crl == nil && options.alpn.isEmpty)
    }

    @Test("min_version 1.3, quoted or not; 1.2 explicit")
    func minVersion() throws {
        #expect(try parse(with(#"    min_version: "1.3""#)).mqtt.tlsOptions.minVersion == .tls13)
        #expect(try parse(with("    min_version: 1.3")).mqtt.tlsOptions.minVersion == .tls13)
        #expect(try parse(with("    min_version: 1.2")).mqtt.tlsOptions.minVersion == .tls12)
    }

    @Test("TLS 1.0 and 1.1 are refused by name; other text is not a version", arguments: ["1.0", "1.1"])
    func oldVersionsRefused(_ version: String) {
        expectError(with("    min_version: \(version)"),
                    "sensorgw.yaml:16:18: mqtt.tls.min_version: TLS \(version) is refused: RFC 8996 retired TLS 1.0 and 1.1; use \"1.2\" or \"1.3\"")
    }

    @Test func unknownVersion() {
        expectError(with("    min_version: tls13"),
                    "sensorgw.yaml:16:18: mqtt.tls.min_version: 'tls13' is not a TLS version; expected \"1.2\" or \"1.3\"")
    }

    @Test("ca: system is Debian's CA bundle")
    func systemCA() throws {
        guard FileManager.default.fileExists(atPath: GatewayConfiguration.TLSOptions.systemCAFile) else { return }
        let config = try parse(minimalWithTLS(ca: "system"))
        #expect(config.mqtt.tls == .mutual(ca: "/etc/ssl/certs/ca-certificates.crt", certificate: "\(d)/certs/client.pem",
                                           key: "\(d)/certs/client.key"))
    }

    @Test("A key its group can read is refused, naming the mode and the two ways out")
    func groupReadableKey() throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: "\(d)/certs/client.key")
        let key = "\(d)/certs/client.key"
        expectError(minimalWithTLS(),
                    "sensorgw.yaml:15:10: mqtt.tls.key: \(key) is readable by its group (mode 0640); run chmod 600 \(key), or load it as a systemd credential")
    }

    @Test("A key readable by its owner only (0400, as systemd writes credentials) is accepted")
    func ownerOnlyKey() throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: "\(d)/certs/client.key")
        #expect(try parse(minimalWithTLS()).mqtt.tls != .disabled)
    }

    // SHA-256("abc") (FIPS 180-2 appendix B.1): ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad.
    static let abcDigest: [UInt8] = [
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
        0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
    ]
    static let abcBase64 = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="

    @Test("One pin, or a list of backups, decoded to the 32 digest bytes")
    func pins() throws {
        #expect(try parse(with("    pin_sha256: \(Self.abcBase64)")).mqtt.tlsOptions.pinnedKeys == [Self.abcDigest])
        let zero = String(repeating: "A", count: 43) + "="
        let options = try parse(with("    pin_sha256:", "      - \(Self.abcBase64)", "      - \(zero)")).mqtt.tlsOptions
        #expect(options.pinnedKeys == [Self.abcDigest, [UInt8](repeating: 0, count: 32)])
    }

    @Test("A pin that is not base64, or not 32 bytes, is refused at its item")
    func badPins() {
        let advice = "make one with: openssl x509 -in server.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64"
        expectError(with("    pin_sha256: not-base64!"),
                    "sensorgw.yaml:16:17: mqtt.tls.pin_sha256: 'not-base64!' is not the base64 of a SHA-256 digest (44 characters ending in '='); \(advice)")
        // Base64 of 20 bytes: a SHA-1, not a SHA-256.
        expectError(with("    pin_sha256:", "      - \(Self.abcBase64)", "      - eHh4eHh4eHh4eHh4eHh4eHh4eHg="),
                    "sensorgw.yaml:18:9: mqtt.tls.pin_sha256[1]: 'eHh4eHh4eHh4eHh4eHh4eHh4eHg=' is not the base64 of a SHA-256 digest (44 characters ending in '='); \(advice)")
    }

    @Test("Base64 as RFC 4648 section 10's test vectors, and padding only at the end")
    func base64() {
        // RFC 4648 section 10: "f" "Zg==", "fo" "Zm8=", "foo" "Zm9v", "foobar" "Zm9vYmFy".
        #expect(Base64.decode("Zg==") == Array("f".utf8))
        #expect(Base64.decode("Zm8=") == Array("fo".utf8))
        #expect(Base64.decode("Zm9v") == Array("foo".utf8))
        #expect(Base64.decode("Zm9vYmFy") == Array("foobar".utf8))
        #expect(Base64.decode("") == [])
        #expect(Base64.decode("Zm9") == nil)        // not a multiple of 4
        #expect(Base64.decode("Z===") == nil)       // at most two '='
        #expect(Base64.decode("Zg=a") == nil)       // data after '='
        #expect(Base64.decode("Zg==Zm9v") == nil)   // '=' before the end
        #expect(Base64.decode("Zm9v\nYmFy") == nil) // no line breaks
    }

    @Test("More than eight pins, or none, are refused")
    func pinCount() {
        let nine = (0..<9).map { _ in "      - \(Self.abcBase64)" }
        expectError(minimalWithTLS().replacingOccurrences(
            of: "    key: certs/client.key", with: (["    key: certs/client.key", "    pin_sha256:"] + nine).joined(separator: "\n")),
                    "sensorgw.yaml:17:7: mqtt.tls.pin_sha256: 9 pins; at most 8 (the current key and its backups)")
        expectError(with("    pin_sha256: []"),
                    "sensorgw.yaml:16:17: mqtt.tls.pin_sha256: an empty list pins nothing; give at least one pin or leave the key out")
    }

    @Test("ALPN: one name or a list, in order; a name over 255 bytes is refused")
    func alpn() throws {
        #expect(try parse(with("    alpn: x-amzn-mqtt-ca")).mqtt.tlsOptions.alpn == ["x-amzn-mqtt-ca"])
        #expect(try parse(with("    alpn: [mqtt, x-amzn-mqtt-ca]")).mqtt.tlsOptions.alpn == ["mqtt", "x-amzn-mqtt-ca"])
        let long = String(repeating: "a", count: 256)
        expectError(with("    alpn: \(long)"),
                    "sensorgw.yaml:16:11: mqtt.tls.alpn: an ALPN protocol name is at most 255 bytes; this one has 256")
    }

    @Test("The unknown-key message lists the new keys")
    func unknownKey() {
        expectError(with("    sni: broker.example"),
                    "sensorgw.yaml:16:5: mqtt.tls.sni: unknown key; expected one of: ca, certificate, key, min_version, pin_sha256, crl, alpn")
    }

    /// A CRL from the test CA (revoking nothing) with the given lastUpdate and nextUpdate.
    private func makeCRL(_ name: String, last: String, next: String) throws -> String {
        let out = "\(d)/certs/\(name)"
        let script = """
            set -eu
            cd "$1"
            openssl ca -gencrl -config ca.cnf -cert ca.pem -keyfile ca.key -crl_lastupdate "$3" -crl_nextupdate "$4" -out "$2" 2>/dev/null
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "crl", made.directory, out, last, next]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return out
    }

    @Test("A current CRL loads with no warning")
    func currentCRL() throws {
        let file = try makeCRL("current.crl", last: "20250101000000Z", next: "20990101000000Z")
        let config = try parse(with("    crl: certs/current.crl"))
        #expect(config.mqtt.tlsOptions.crl == file)
        #expect(config.warnings == [])
    }

    @Test("A CRL past its nextUpdate is a warning, not an error")
    func staleCRL() throws {
        // nextUpdate 2025-02-01, before the test clock's 2026-01-01.
        let file = try makeCRL("stale.crl", last: "20250101000000Z", next: "20250201000000Z")
        let config = try parse(with("    crl: certs/stale.crl"))
        #expect(config.mqtt.tlsOptions.crl == file)
        #expect(config.warnings == [
            "sensorgw.yaml:16:10: mqtt.tls.crl: \(file) was due to be replaced on 2025-02-01 00:00:00 UTC (its nextUpdate); "
                + "the revocations it lists still apply, but fetch a current CRL from the CA",
        ])
    }

    @Test("A CRL file OpenSSL cannot read, or a certificate in its place, is an error")
    func unloadableCRL() throws {
        try sandbox.write("certs/garbage.crl", "not a CRL\n")
        expectError(with("    crl: certs/garbage.crl"),
                    "sensorgw.yaml:16:10: mqtt.tls.crl: \(d)/certs/garbage.crl is not a PEM file of certificate revocation lists (OpenSSL cannot read it)")
        expectError(with("    crl: certs/ca.pem"),
                    "sensorgw.yaml:16:10: mqtt.tls.crl: \(d)/certs/ca.pem is not a PEM file of certificate revocation lists (OpenSSL cannot read it)")
        expectError(with("    crl: certs/none.crl"),
                    "sensorgw.yaml:16:10: mqtt.tls.crl: file not found: \(d)/certs/none.crl (PEM certificate revocation lists from the broker's CA)")
    }
}

/// `%d/NAME` resolves under the credentials directory (`$CREDENTIALS_DIRECTORY`), which the
/// tests pass in: setting the process's environment (as these tests once did) made every suite
/// running in parallel that parses a `%d/` path see it too, and fail.
@Suite("TLS files as systemd credentials")
struct CredentialPathTests {
    @Test("With a credentials directory, %d/client.key is the key in that directory")
    func resolvesUnderTheDirectory() throws {
        let sandbox = try Sandbox()
        let credentials = try Sandbox(certs: "credentials")
        let config = try GatewayConfiguration.parse(yaml: minimalWithTLS(key: #""%d/client.key""#), file: configName,
                                                    baseDirectory: sandbox.path, kinds: testKinds, clock: TLSMaterialTests.midway,
                                                    credentialsDirectory: "\(credentials.path)/credentials")
        #expect(config.mqtt.tls == .mutual(ca: "\(sandbox.path)/certs/ca.pem", certificate: "\(sandbox.path)/certs/client.pem",
                                           key: "\(credentials.path)/credentials/client.key"))
    }

    @Test("Without it, %d/ is an error that says how to run the check as the service")
    func unsetDirectory() throws {
        let sandbox = try Sandbox()
        #expect(errorDescription(minimalWithTLS(key: #""%d/client.key""#), base: sandbox.path) ==
            "sensorgw.yaml:15:10: mqtt.tls.key: '%d/client.key' names a systemd credential, but $CREDENTIALS_DIRECTORY is not set; "
                + "it is set for a service with LoadCredential=client.key:FILE (check as the service: "
                + "systemd-run -P -p LoadCredential=client.key:FILE sensorgw config check CONFIG)")
    }
}
