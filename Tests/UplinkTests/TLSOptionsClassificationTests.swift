import Testing
@testable import Uplink

/// The failures the TLS options add, from the diagnostic handshake's report. Codes restated from
/// OpenSSL's x509_vfy.h (X509_V_ERR_UNABLE_TO_GET_CRL 3, X509_V_ERR_CERT_REVOKED 23,
/// X509_V_ERR_APPLICATION_VERIFICATION 50) and RFC 8446 section 6 (protocol_version 70).
@Suite struct TLSOptionsClassificationTests {
    let crl = "/etc/sensorgw/ca.crl"
    let pin: [UInt8] = Array(repeating: 7, count: 32)

    func classify(_ report: TLSProbeReport, _ options: MQTTSettings.TLSOptions) -> ConnectionFailure? {
        ConnectionFailure.tls(report, host: "broker.lan", port: 8883, caFile: "/etc/sensorgw/ca.pem",
                              certificateFile: "/etc/sensorgw/gw.pem", keyFile: "/etc/sensorgw/gw.key", timeoutSeconds: 8,
                              options: options)
    }

    func peer(verify: Int) -> TLSProbeReport {
        var report = TLSProbeReport()
        report.reachedTLS = true
        report.handshakeCompleted = true
        report.verifyResult = verify
        report.peerSubject = "/CN=broker.lan"
        report.peerPin = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        return report
    }

    @Test("A revoked server certificate is certificate_revoked and names the CRL file")
    func revoked() {
        let failure = classify(peer(verify: 23), MQTTSettings.TLSOptions(crlFile: crl))
        #expect(failure?.kind == .certificateRevoked)
        #expect(failure?.kind.rawValue == "certificate_revoked")
        #expect(failure?.detail == "the broker's certificate (/CN=broker.lan) is revoked by the CRL /etc/sensorgw/ca.crl (mqtt.tls.crl); the broker needs a new certificate")
    }

    @Test("The pin check's failure is server_key_not_pinned, with the key the server presented")
    func notPinned() {
        let failure = classify(peer(verify: 50), MQTTSettings.TLSOptions(pinnedKeys: [pin, pin]))
        #expect(failure?.kind == .serverKeyNotPinned)
        #expect(failure?.kind.rawValue == "server_key_not_pinned")
        #expect(failure?.detail == "the broker's certificate (/CN=broker.lan) carries a public key that is not among the 2 pins in mqtt.tls.pin_sha256 (it presented sha256 ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=); if the broker's key was changed on purpose, add its pin")
    }

    @Test("Application verification without pins is not called a pin failure")
    func applicationVerificationWithoutPins() {
        let failure = classify(peer(verify: 50), MQTTSettings.TLSOptions())
        #expect(failure?.kind == .tlsHandshake)
    }

    @Test("A CRL with no list from the broker's CA says so")
    func crlFromAnotherCA() {
        let failure = classify(peer(verify: 3), MQTTSettings.TLSOptions(crlFile: crl))
        #expect(failure?.kind == .tlsHandshake)
        #expect(failure?.detail.contains("holds no list from the CA that issued the broker's certificate") == true)
        #expect(failure?.detail.contains(crl) == true)
    }

    @Test("A chain failure is reported before the pin: the chain is checked first")
    func untrustedBeatsPin() {
        // X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT 18.
        #expect(classify(peer(verify: 18), MQTTSettings.TLSOptions(pinnedKeys: [pin]))?.kind == .serverCertificateUntrusted)
    }

    @Test("protocol_version from a broker without TLS 1.3 names min_version when it asked for 1.3")
    func protocolVersion() {
        var report = TLSProbeReport()
        report.alertReceived = 70
        report.reachedTLS = true
        let strict = classify(report, MQTTSettings.TLSOptions(requireTLS13: true))
        #expect(strict?.kind == .tlsHandshake)
        #expect(strict?.detail.contains("mqtt.tls.min_version") == true && strict?.detail.contains("TLS 1.3") == true)
        let lenient = classify(report, MQTTSettings.TLSOptions())
        #expect(lenient?.detail.contains("min_version") == false)
    }

    @Test("An unloadable CRL is one of this gateway's own files")
    func crlFileProblem() {
        var report = TLSProbeReport()
        report.fileProblem = .crlFile
        let failure = classify(report, MQTTSettings.TLSOptions(crlFile: crl))
        #expect(failure?.kind == .localTLSFiles && failure?.detail.contains("mqtt.tls.crl") == true)
    }

    @Test("ALPN names go on the wire as RFC 7301 section 3.1 says: each preceded by its length")
    func alpnWire() {
        let wire = TLSContextSettings.alpnWire(["mqtt", "x-amzn-mqtt-ca"])
        // Spelled out step by step: as one expression Swift 6.2.3 gives up type-checking it.
        var expected: [UInt8] = [4]
        expected += Array("mqtt".utf8)
        expected.append(14)
        expected += Array("x-amzn-mqtt-ca".utf8)
        #expect(wire == expected)
        #expect(TLSContextSettings.alpnWire([]) == [])
    }
}
