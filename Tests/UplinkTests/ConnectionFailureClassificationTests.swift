#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Uplink

/// The pure mapping from errno, getaddrinfo codes, OpenSSL verify results and TLS alerts to a
/// named failure. Codes are restated from their standards, not taken from the code under test:
/// X509_V_ERR_* from OpenSSL's x509_vfy.h, alerts from RFC 8446 section 6, MQTT 5 reason codes
/// from the MQTT 5.0 specification section 3.2.2.2.
@Suite struct ConnectionFailureClassificationTests {
    let ca = "/etc/sensorgw/ca.pem", certificate = "/etc/sensorgw/gw.pem", key = "/etc/sensorgw/gw.key"

    func classify(_ report: TLSProbeReport, host: String = "broker.lan") -> ConnectionFailure? {
        ConnectionFailure.tls(report, host: host, port: 8883, caFile: ca, certificateFile: certificate, keyFile: key,
                              timeoutSeconds: 8)
    }

    func peer(verify: Int, names: [String] = ["broker.lan"]) -> TLSProbeReport {
        var report = TLSProbeReport()
        report.reachedTLS = true
        report.handshakeCompleted = true
        report.verifyResult = verify
        report.peerSubject = "/CN=broker.lan"
        report.peerIssuer = "/CN=Someone Else's CA"
        report.peerNames = names
        report.notBefore = 1_577_836_800  // 2020-01-01 00:00:00 UTC
        report.notAfter = 1_580_515_200   // 2020-02-01 00:00:00 UTC
        return report
    }

    @Test func socketErrorsAreNamed() {
        // ECONNREFUSED 111, ETIMEDOUT 110, ENETUNREACH 101, EHOSTUNREACH 113, ECONNRESET 104 on Linux.
        #expect(ConnectionFailure.errno(111, broker: "b:1").kind == .refused)
        #expect(ConnectionFailure.errno(111, broker: "b:1").detail.contains("b:1"))
        #expect(ConnectionFailure.errno(110, broker: "b:1").kind == .timedOut)
        #expect(ConnectionFailure.errno(101, broker: "b:1").kind == .unreachable)
        #expect(ConnectionFailure.errno(113, broker: "b:1").kind == .unreachable)
        #expect(ConnectionFailure.errno(104, broker: "b:1").kind == .reset)
        #expect(ConnectionFailure.errno(24, broker: "b:1").kind == .other)  // EMFILE
    }

    @Test func tcpOutcomesAreNamedAndAStopIsNotAFailure() {
        let unresolved = ConnectionFailure.tcp(.nameNotResolved(code: EAI_NONAME), host: "nope.invalid", port: 8883, timeoutSeconds: 8)
        #expect(unresolved?.kind == .nameNotResolved)
        #expect(unresolved?.detail.contains("nope.invalid") == true && unresolved?.detail.contains("mqtt.host") == true)
        #expect(ConnectionFailure.tcp(.timedOut, host: "h", port: 1, timeoutSeconds: 8)?.kind == .timedOut)
        #expect(ConnectionFailure.tcp(.failed(errno: 111), host: "h", port: 1, timeoutSeconds: 8)?.kind == .refused)
        #expect(ConnectionFailure.tcp(.connected, host: "h", port: 1, timeoutSeconds: 8) == nil)
        #expect(ConnectionFailure.tcp(.stopped, host: "h", port: 1, timeoutSeconds: 8) == nil)
    }

    @Test func libmosquittoCodesAreNamed() {
        // MOSQ_ERR_ERRNO 14 with errno, MOSQ_ERR_EAI 15 with the getaddrinfo code, MOSQ_ERR_TLS 8.
        #expect(ConnectionFailure.mosquitto(14, systemError: 111, host: "h", port: 1, lastLogLine: nil).kind == .refused)
        #expect(ConnectionFailure.mosquitto(15, systemError: EAI_NONAME, host: "h", port: 1, lastLogLine: nil).kind == .nameNotResolved)
        let tls = ConnectionFailure.mosquitto(8, systemError: 0, host: "h", port: 1, lastLogLine: "OpenSSL Error[0]: x")
        #expect(tls.kind == .tlsHandshake && tls.detail.contains("OpenSSL Error[0]: x"))
        #expect(ConnectionFailure.mosquitto(7, systemError: 0, host: "h", port: 1, lastLogLine: nil).kind == .reset)  // CONN_LOST
    }

    @Test func aConnackRefusalNamesTheReason() {
        let refused = ConnectionFailure.brokerRefused(reasonCode: 0x87, clientID: "gw-1")  // Not authorized
        #expect(refused.kind == .brokerRefused)
        #expect(refused.detail.contains("0x87") && refused.detail.contains("gw-1"))
    }

    @Test func anUntrustedServerCertificateNamesTheCAFile() {
        // 20 unable to get local issuer certificate, 18 self-signed leaf, 19 self-signed in chain,
        // 2 unable to get issuer certificate, 21 unable to verify the first certificate.
        for code in [20, 18, 19, 2, 21] {
            let failure = classify(peer(verify: code))
            #expect(failure?.kind == .serverCertificateUntrusted, "verify result \(code)")
            #expect(failure?.detail.contains(ca) == true && failure?.detail.contains("mqtt.tls.ca") == true)
            #expect(failure?.detail.contains("Someone Else's CA") == true)
        }
    }

    @Test func aHostNameMismatchSaysExpectedAndPresented() {
        let failure = classify(peer(verify: 62, names: ["other.example", "10.0.0.9"]))  // X509_V_ERR_HOSTNAME_MISMATCH
        #expect(failure?.kind == .hostNameMismatch)
        #expect(failure?.detail.contains("other.example, 10.0.0.9") == true)
        #expect(failure?.detail.contains("not for broker.lan") == true)
        #expect(classify(peer(verify: 64), host: "10.0.0.1")?.kind == .hostNameMismatch)  // IP address mismatch
    }

    @Test func validityDatesAreGiven() {
        let expired = classify(peer(verify: 10))  // X509_V_ERR_CERT_HAS_EXPIRED
        #expect(expired?.kind == .certificateExpired)
        #expect(expired?.detail.contains("2020-02-01 00:00:00 UTC") == true)
        let early = classify(peer(verify: 9))  // X509_V_ERR_CERT_NOT_YET_VALID
        #expect(early?.kind == .certificateNotYetValid)
        #expect(early?.detail.contains("2020-01-01 00:00:00 UTC") == true && early?.detail.contains("clock") == true)
    }

    @Test func anAlertAboutTheClientCertificateNamesTheCertificateFile() {
        // unknown_ca 48, bad_certificate 42, certificate_required 116, certificate_unknown 46.
        for alert in [48, 42, 116, 46] {
            var report = peer(verify: 0)
            report.alertReceived = alert
            let failure = classify(report)
            #expect(failure?.kind == .clientCertificateRejected, "alert \(alert)")
            #expect(failure?.detail.contains(certificate) == true)
        }
        var version = peer(verify: 0)
        version.alertReceived = 70  // protocol_version: not about certificates
        #expect(classify(version)?.kind == .tlsHandshake)
    }

    @Test func aServerProblemIsNamedBeforeTheClientCertificate() {
        var report = peer(verify: 20)
        report.alertReceived = 48
        #expect(classify(report)?.kind == .serverCertificateUntrusted)
    }

    @Test func ownFilesThatCannotBeLoadedAreNamedByKey() {
        var report = TLSProbeReport()
        report.fileProblem = .keyDoesNotMatchCertificate
        let failure = classify(report)
        #expect(failure?.kind == .localTLSFiles)
        #expect(failure?.detail.contains(key) == true && failure?.detail.contains(certificate) == true)
        report.fileProblem = .caFile
        #expect(classify(report)?.detail.contains("mqtt.tls.ca") == true)
    }

    @Test func aHealthyHandshakeOrNoTLSAtAllIsNotClassifiedHere() {
        #expect(classify(peer(verify: 0)) == nil)
        var silent = TLSProbeReport()
        silent.reachedTLS = false  // the caller then knocks with plain MQTT
        #expect(classify(silent) == nil)
        silent.timedOut = true
        #expect(classify(silent)?.kind == .timedOut)
    }

    @Test func protocolMismatchesNameTheSetting() {
        #expect(ConnectionFailure.plaintextBroker(host: "h", port: 1883).detail.contains("mqtt.port"))
        #expect(ConnectionFailure.tlsBroker(host: "h", port: 8883).detail.contains("mqtt.tls"))
        #expect(ConnectionFailure.Kind.plaintextBroker.rawValue == "plaintext_broker")
        #expect(ConnectionFailure.Kind.tlsBroker.rawValue == "tls_broker")
    }
}
