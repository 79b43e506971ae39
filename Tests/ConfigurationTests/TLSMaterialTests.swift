import Foundation
import Testing
@testable import Configuration

/// The TLS files as OpenSSL reads them: real files made by `openssl` (``TestCertificates``),
/// broken ones written here. Lines refer to `minimalWithTLS()`: ca on 13, certificate on 14,
/// key on 15; the values start at columns 9, 18 and 10.
@Suite("TLS material")
struct TLSMaterialTests {
    let sandbox: Sandbox
    let made: TestCertificates
    var d: String { sandbox.path }

    /// A clock with the system's view of synchronization replaced by a fixed, synchronized time.
    static let midway = CertificateClock(now: 1_767_225_600)  // 2026-01-01 00:00:00 UTC

    init() throws {
        sandbox = try Sandbox()
        made = try sharedCertificates.get()
    }

    private func parse(_ yaml: String, clock: CertificateClock = midway) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: yaml, file: configName, baseDirectory: d, kinds: testKinds, clock: clock)
    }

    private func expectError(_ yaml: String, clock: CertificateClock = midway, _ expected: String,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try parse(yaml, clock: clock)
            Issue.record("expected: \(expected)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description == expected, sourceLocation: sourceLocation)
        }
    }

    @Test("A valid set loads with no warning, and the files are the resolved paths")
    func validSet() throws {
        let config = try parse(minimalWithTLS())
        #expect(config.mqtt.tls == .mutual(ca: "\(d)/certs/ca.pem", certificate: "\(d)/certs/client.pem",
                                           key: "\(d)/certs/client.key"))
        #expect(config.warnings == [])
        // And by the real clock too.
        #expect(try parse(minimalWithTLS(), clock: .system).warnings == [])
    }

    @Test func garbageCA() throws {
        try sandbox.write("certs/ca.pem", "this is not a certificate\n")
        expectError(minimalWithTLS(),
                    "sensorgw.yaml:13:9: mqtt.tls.ca: \(d)/certs/ca.pem is not a PEM file of CA certificates (OpenSSL cannot read it)")
    }

    @Test("A CA file with a PEM block whose body is corrupt")
    func truncatedCA() throws {
        let good = try String(contentsOfFile: made.ca, encoding: .utf8)
        try sandbox.write("certs/ca.pem", good.replacingOccurrences(of: "\n", with: "\nXX", options: [], range: good.range(of: "\n")))
        expectError(minimalWithTLS(),
                    "sensorgw.yaml:13:9: mqtt.tls.ca: \(d)/certs/ca.pem is not a PEM file of CA certificates (OpenSSL cannot read it)")
    }

    @Test("A private key where the CA certificates belong")
    func keyAsCA() throws {
        try sandbox.copy(made.clientKey, to: "certs/ca.pem")
        expectError(minimalWithTLS(),
                    "sensorgw.yaml:13:9: mqtt.tls.ca: \(d)/certs/ca.pem is not a PEM file of CA certificates (OpenSSL cannot read it)")
    }

    @Test func garbageCertificate() throws {
        try sandbox.write("certs/client.pem", "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
        expectError(minimalWithTLS(),
                    "sensorgw.yaml:14:18: mqtt.tls.certificate: \(d)/certs/client.pem is not a PEM certificate (OpenSSL cannot read it)")
    }

    @Test("The key file named as the certificate")
    func keyAsCertificate() {
        expectError(minimalWithTLS(certificate: "certs/client.key"),
                    "sensorgw.yaml:14:18: mqtt.tls.certificate: \(d)/certs/client.key is not a PEM certificate (OpenSSL cannot read it)")
    }

    @Test func garbageKey() throws {
        try sandbox.write("certs/client.key", "-----BEGIN PRIVATE KEY-----\n", mode: 0o600)
        expectError(minimalWithTLS(),
                    "sensorgw.yaml:15:10: mqtt.tls.key: \(d)/certs/client.key is not a PEM private key (OpenSSL cannot read it)")
    }

    @Test("The certificate named as the key")
    func certificateAsKey() throws {
        try sandbox.copy(made.client, to: "certs/cert-as.key", mode: 0o600)
        expectError(minimalWithTLS(key: "certs/cert-as.key"),
                    "sensorgw.yaml:15:10: mqtt.tls.key: \(d)/certs/cert-as.key is not a PEM private key (OpenSSL cannot read it)")
    }

    @Test("An encrypted key is refused without a passphrase prompt")
    func encryptedKey() throws {
        try sandbox.copy(made.encryptedKey, to: "certs/client.key", mode: 0o600)
        let key = "\(d)/certs/client.key"
        expectError(minimalWithTLS(),
                    "sensorgw.yaml:15:10: mqtt.tls.key: \(key) is encrypted with a passphrase, which the agent cannot enter; "
                        + "store it unencrypted (openssl pkey -in \(key) -out NEW.key) with mode 0600")
    }

    @Test("A real key that is not the certificate's")
    func keyDoesNotMatch() throws {
        try sandbox.copy(made.otherKey, to: "certs/client.key", mode: 0o600)
        expectError(minimalWithTLS(),
                    "sensorgw.yaml:15:10: mqtt.tls.key: \(d)/certs/client.key is not the private key of the certificate \(d)/certs/client.pem")
    }

    @Test("The mismatch is reported at the key even when the key is written first")
    func keyDoesNotMatchKeyFirst() throws {
        try sandbox.copy(made.otherKey, to: "certs/client.key", mode: 0o600)
        let yaml = minimalWithTLS().replacingOccurrences(
            of: "    ca: certs/ca.pem\n    certificate: certs/client.pem\n    key: certs/client.key",
            with: "    key: certs/client.key\n    ca: certs/ca.pem\n    certificate: certs/client.pem")
        expectError(yaml,
                    "sensorgw.yaml:13:10: mqtt.tls.key: \(d)/certs/client.key is not the private key of the certificate \(d)/certs/client.pem")
    }

    @Test func expiredCertificate() throws {
        try sandbox.copy(made.expired, to: "certs/client.pem")
        expectError(minimalWithTLS(),
                    "sensorgw.yaml:14:18: mqtt.tls.certificate: \(d)/certs/client.pem expired on 2021-01-01 00:00:00 UTC "
                        + "(valid 2020-01-01 00:00:00 UTC to 2021-01-01 00:00:00 UTC); renew it")
    }

    @Test("Expired by the real clock too")
    func expiredByTheSystemClock() throws {
        try sandbox.copy(made.expired, to: "certs/client.pem")
        do {
            let config = try parse(minimalWithTLS(), clock: .system)
            // Only an unsynchronized clock turns it into a warning.
            #expect(CertificateClock.system.isSynchronized == false)
            #expect(config.warnings.first?.contains("expired on 2021-01-01 00:00:00 UTC") == true)
        } catch {
            #expect(error.description.hasPrefix("sensorgw.yaml:14:18: mqtt.tls.certificate: \(d)/certs/client.pem expired on 2021-01-01"))
        }
    }

    @Test func notYetValidCertificate() throws {
        try sandbox.copy(made.notYetValid, to: "certs/client.pem")
        expectError(minimalWithTLS(),
                    "sensorgw.yaml:14:18: mqtt.tls.certificate: \(d)/certs/client.pem is not valid before 2090-01-01 00:00:00 UTC "
                        + "(valid 2090-01-01 00:00:00 UTC to 2091-01-01 00:00:00 UTC); check the clock or the certificate")
    }

    @Test("On an unsynchronized clock (a Pi booting in the past) bad dates are a warning, not exit 78")
    func notYetValidOnAnUnsynchronizedClock() throws {
        try sandbox.copy(made.notYetValid, to: "certs/client.pem")
        let config = try parse(minimalWithTLS(), clock: CertificateClock(now: Self.midway.now, isSynchronized: false))
        #expect(config.warnings == [
            "sensorgw.yaml:14:18: mqtt.tls.certificate: \(d)/certs/client.pem is not valid before 2090-01-01 00:00:00 UTC "
                + "(valid 2090-01-01 00:00:00 UTC to 2091-01-01 00:00:00 UTC) by this board's clock, which is not synchronized yet; "
                + "TLS will fail until it is",
        ])
    }

    @Test("Ten days left is a warning naming the date")
    func expiresInTenDays() throws {
        try sandbox.copy(made.tenDays, to: "certs/client.pem")
        let config = try parse(minimalWithTLS(), clock: CertificateClock(now: TestCertificates.january2030))
        #expect(config.warnings == [
            "sensorgw.yaml:14:18: mqtt.tls.certificate: \(d)/certs/client.pem expires on 2030-01-11 00:00:00 UTC, in 10 days; renew it before then",
        ])
        let end = TestCertificates.january2030 + 10 * 86_400
        let soon = { (seconds: Int64) in try parse(minimalWithTLS(), clock: CertificateClock(now: end - seconds)).warnings }
        #expect(try soon(86_400 + 1) == [
            "sensorgw.yaml:14:18: mqtt.tls.certificate: \(d)/certs/client.pem expires on 2030-01-11 00:00:00 UTC, in 1 day; renew it before then",
        ])
        #expect(try soon(3_600) == [
            "sensorgw.yaml:14:18: mqtt.tls.certificate: \(d)/certs/client.pem expires on 2030-01-11 00:00:00 UTC, in less than a day; renew it before then",
        ])
        // The long-lived client.pem (to 2099) earns no warning at the same time; a second after
        // the end, ten-days.pem is an error.
        try sandbox.copy(made.client, to: "certs/long.pem")
        #expect(try parse(minimalWithTLS(certificate: "certs/long.pem"),
                          clock: CertificateClock(now: TestCertificates.january2030)).warnings == [])
        expectError(minimalWithTLS(), clock: CertificateClock(now: TestCertificates.january2030 + 10 * 86_400 + 1),
                    "sensorgw.yaml:14:18: mqtt.tls.certificate: \(d)/certs/client.pem expired on 2030-01-11 00:00:00 UTC "
                        + "(valid 2030-01-01 00:00:00 UTC to 2030-01-11 00:00:00 UTC); renew it")
    }

    @Test("A certificate made with -days 10 warns by the real clock")
    func expiresInTenDaysByTheSystemClock() throws {
        try sandbox.copy(made.tenDaysFromNow, to: "certs/client.pem")
        let config = try parse(minimalWithTLS(), clock: .system)
        #expect(config.warnings.count == 1)
        let warning = config.warnings.first ?? ""
        #expect(warning.hasPrefix("sensorgw.yaml:14:18: mqtt.tls.certificate: \(d)/certs/client.pem expires on "), "\(warning)")
        #expect(warning.hasSuffix(" days; renew it before then") && (warning.contains("in 9 days") || warning.contains("in 10 days")),
                "\(warning)")
    }

    @Test("A missing TLS file says which file, at its key")
    func missingCA() {
        expectError(minimalWithTLS(ca: "run/certs/ca.pem"),
                    "sensorgw.yaml:13:9: mqtt.tls.ca: file not found: \(d)/run/certs/ca.pem (the PEM certificate of the CA that signed the broker's certificate)")
    }

    @Test("Dates are written as UTC calendar time")
    func dateFormat() {
        #expect(CertificateClock.format(0) == "1970-01-01 00:00:00 UTC")
        #expect(CertificateClock.format(1_893_456_000 + 10 * 86_400 + 3_661) == "2030-01-11 01:01:01 UTC")
    }
}
