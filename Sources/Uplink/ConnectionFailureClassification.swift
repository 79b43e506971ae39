import CMosquitto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pure functions from what the system, OpenSSL and libmosquitto report to a named failure.
extension ConnectionFailure {
    /// A TCP connect that did not complete.
    static func tcp(_ outcome: TCPOutcome, host: String, port: Int, timeoutSeconds: Int) -> ConnectionFailure? {
        let broker = "\(host):\(port)"
        switch outcome {
        case .connected, .stopped:
            return nil
        case .nameNotResolved(let code):
            let words = gai_strerror(code).map { String(cString: $0) } ?? "error \(code)"
            return ConnectionFailure(.nameNotResolved, "the broker's host name \(host) does not resolve (\(words)); check mqtt.host and this board's DNS")
        case .timedOut:
            return ConnectionFailure(.timedOut, "no answer from \(broker) within \(timeoutSeconds) s (the TCP connection was not accepted); check mqtt.host, mqtt.port and firewalls")
        case .failed(let code):
            return errno(code, broker: broker)
        }
    }

    /// A socket error (from connect, or from reading a connection that never reached CONNACK).
    static func errno(_ code: Int32, broker: String) -> ConnectionFailure {
        let words = String(cString: strerror(code))
        switch code {
        case ECONNREFUSED:
            return ConnectionFailure(.refused, "connection refused by \(broker): nothing listens on that port; check mqtt.port and that the broker is running")
        case ETIMEDOUT:
            return ConnectionFailure(.timedOut, "connecting to \(broker) timed out (\(words)); check mqtt.host, mqtt.port and firewalls")
        case ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL:
            return ConnectionFailure(.unreachable, "\(broker) is unreachable (\(words)); check this board's network and mqtt.host")
        case ECONNRESET, EPIPE, ECONNABORTED:
            return ConnectionFailure(.reset, "\(broker) reset the connection before CONNACK (\(words))")
        default:
            return ConnectionFailure(.other, "cannot connect to \(broker): \(words)")
        }
    }

    /// A failed connection attempt as libmosquitto reported it: `rc` a MOSQ_ERR_* code,
    /// `systemError` the errno (MOSQ_ERR_ERRNO) or getaddrinfo code (MOSQ_ERR_EAI) just after it.
    static func mosquitto(_ rc: Int32, systemError: Int32, host: String, port: Int, lastLogLine: String?) -> ConnectionFailure {
        let broker = "\(host):\(port)"
        switch rc {
        case MOSQ_ERR_ERRNO.rawValue:
            return errno(systemError, broker: broker)
        case MOSQ_ERR_EAI.rawValue:
            return tcp(.nameNotResolved(code: systemError), host: host, port: port, timeoutSeconds: 0)
                ?? ConnectionFailure(.nameNotResolved, "the broker's host name \(host) does not resolve")
        case MOSQ_ERR_TLS.rawValue:
            let extra = lastLogLine.map { " (\($0))" } ?? ""
            return ConnectionFailure(.tlsHandshake, "the TLS handshake with \(broker) failed\(extra)")
        default:
            let words = mosquitto_strerror(rc).map { String(cString: $0) } ?? "error \(rc)"
            let extra = lastLogLine.map { "; \($0)" } ?? ""
            return ConnectionFailure(.reset, "\(broker) closed the connection before CONNACK (\(words)\(extra))")
        }
    }

    /// A CONNACK refusal: an MQTT 5 reason code (0x80 and above) or an MQTT 3.1.1 return code (1 ... 5).
    static func brokerRefused(reasonCode: Int32, clientID: String, version: MQTTSettings.ProtocolOptions.Version = .v5,
                              withUsername: Bool = false) -> ConnectionFailure {
        // MQTT 3.1.1 CONNACK return codes are not MQTT 5 reason codes: 4 is "bad user name or
        // password" and 5 "not authorized" (3.1.1 section 3.2.2.3); 0x86 and 0x87 in MQTT 5.
        let words: String
        let code: String
        let credentials: Bool
        if version == .v311 {
            // libmosquitto's 3.1.1 words end with a full stop; the code follows in brackets.
            var text = mosquitto_connack_string(reasonCode).map { String(cString: $0) } ?? "refused"
            if text.hasSuffix(".") { text.removeLast() }
            words = text
            code = "return code \(reasonCode)"
            credentials = reasonCode == 4 || reasonCode == 5
        } else {
            words = mosquitto_reason_string(reasonCode).map { String(cString: $0) } ?? "refused"
            code = "reason 0x\(String(reasonCode, radix: 16))"
            credentials = reasonCode == 0x86 || reasonCode == 0x87
        }
        let hint: String =
            if credentials && withUsername {
                "; check mqtt.username and the password in mqtt.password_file, and that the broker's ACL allows client \(clientID)"
            } else if credentials {
                "; the broker's ACL or identity mapping must allow client \(clientID) (its certificate's CN), "
                    + "or the broker wants a login (mqtt.username, mqtt.password_file)"
            } else if reasonCode == 0x85 && version == .v5 || reasonCode == 2 && version == .v311 {
                "; check mqtt.client_id"
            } else {
                ""
            }
        return ConnectionFailure(.brokerRefused, "the broker refused the connection: \(words) (\(code))\(hint)")
    }

    /// What a diagnostic handshake says about a TLS failure, or nil when it found nothing wrong.
    /// `certificateFile` and `keyFile` are nil for server-only TLS (a password login).
    static func tls(_ report: TLSProbeReport, host: String, port: Int, caFile: String, certificateFile: String?,
                    keyFile: String?, timeoutSeconds: Int,
                    options: MQTTSettings.TLSOptions = MQTTSettings.TLSOptions()) -> ConnectionFailure? {
        let broker = "\(host):\(port)"
        if let failure = tcp(report.tcp, host: host, port: port, timeoutSeconds: timeoutSeconds) { return failure }
        if let problem = report.fileProblem {
            let certificateFile = certificateFile ?? "", keyFile = keyFile ?? ""
            let what = switch problem {
            case .caFile: "the CA file \(caFile) (mqtt.tls.ca) cannot be loaded"
            case .certificateFile: "the client certificate \(certificateFile) (mqtt.tls.certificate) cannot be loaded"
            case .keyFile: "the key \(keyFile) (mqtt.tls.key) cannot be loaded"
            case .keyDoesNotMatchCertificate: "the key \(keyFile) is not the key of the certificate \(certificateFile) (mqtt.tls.key, mqtt.tls.certificate)"
            case .crlFile: "the CRL file \(options.crlFile ?? "") (mqtt.tls.crl) cannot be loaded"
            }
            return ConnectionFailure(.localTLSFiles, what + (report.errorText.isEmpty ? "" : " (\(report.errorText))"))
        }
        if report.reachedTLS, report.verifyResult != 0,
           let failure = serverCertificate(report, host: host, broker: broker, caFile: caFile, options: options) {
            return failure
        }
        if let alert = report.alertReceived {
            if clientCertificateAlerts.contains(alert), certificateFile == nil {
                return ConnectionFailure(.clientCertificateRejected,
                    "the broker at \(broker) wants a client certificate (TLS alert \(alertName(alert))), and mqtt.tls has none; give mqtt.tls.certificate and key")
            }
            if clientCertificateAlerts.contains(alert), let certificateFile {
                return ConnectionFailure(.clientCertificateRejected,
                    "the broker at \(broker) rejected this gateway's client certificate \(certificateFile) (mqtt.tls.certificate): TLS alert \(alertName(alert)); the broker's cafile must hold the CA that signed it")
            }
            if alert == 70, options.requireTLS13 {  // protocol_version
                return ConnectionFailure(.tlsHandshake,
                    "the broker at \(broker) does not speak TLS 1.3 (alert \(alertName(alert))), which mqtt.tls.min_version requires; enable TLS 1.3 on the broker or set min_version: \"1.2\"")
            }
            return ConnectionFailure(.tlsHandshake, "the broker at \(broker) ended the TLS handshake: alert \(alertName(alert)); check that both sides allow TLS 1.2 or later")
        }
        if report.timedOut {
            return ConnectionFailure(.timedOut, "\(broker) accepted the TCP connection but did not answer the TLS handshake within \(timeoutSeconds) s")
        }
        return nil
    }

    /// The server's certificate failed verification (verify result, X509_V_ERR_*).
    private static func serverCertificate(_ report: TLSProbeReport, host: String, broker: String, caFile: String,
                                          options: MQTTSettings.TLSOptions) -> ConnectionFailure? {
        let subject = report.peerSubject.isEmpty ? "" : " (\(report.peerSubject))"
        switch report.verifyResult {
        case 23:  // X509_V_ERR_CERT_REVOKED
            return ConnectionFailure(.certificateRevoked,
                "the broker's certificate\(subject) is revoked by the CRL \(options.crlFile ?? "") (mqtt.tls.crl); the broker needs a new certificate")
        case 50 where !options.pinnedKeys.isEmpty:  // X509_V_ERR_APPLICATION_VERIFICATION: our pin check
            let presented = report.peerPin.isEmpty ? "" : " (it presented sha256 \(report.peerPin))"
            let count = options.pinnedKeys.count
            return ConnectionFailure(.serverKeyNotPinned,
                "the broker's certificate\(subject) carries a public key that is not among the \(count == 1 ? "pin" : "\(count) pins") in mqtt.tls.pin_sha256\(presented); if the broker's key was changed on purpose, add its pin")
        case 3 where options.crlFile != nil:  // X509_V_ERR_UNABLE_TO_GET_CRL
            return ConnectionFailure(.tlsHandshake,
                "the CRL file \(options.crlFile ?? "") (mqtt.tls.crl) holds no list from the CA that issued the broker's certificate\(subject); get that CA's CRL")
        case 10:  // X509_V_ERR_CERT_HAS_EXPIRED
            let date = report.notAfter.map(utcText) ?? "an unknown date"
            return ConnectionFailure(.certificateExpired,
                "the broker's certificate\(subject) expired on \(date); renew it on the broker (or check this board's clock)")
        case 9:  // X509_V_ERR_CERT_NOT_YET_VALID
            let date = report.notBefore.map(utcText) ?? "an unknown date"
            return ConnectionFailure(.certificateNotYetValid,
                "the broker's certificate\(subject) is not valid until \(date); check this board's clock (NTP) or the certificate")
        case 62, 64:  // X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH
            let presented = report.peerNames.isEmpty ? report.peerSubject : report.peerNames.joined(separator: ", ")
            return ConnectionFailure(.hostNameMismatch,
                "the broker's certificate is for \(presented), not for \(host); set mqtt.host to a name the certificate carries, or reissue the certificate")
        case 2, 18, 19, 20, 21, 27:
            // Unable to get the issuer, self-signed (leaf or in the chain), unable to verify the
            // leaf's signature, untrusted: the chain does not end at a CA in the CA file.
            let issuer = report.peerIssuer.isEmpty ? "" : ", issued by \(report.peerIssuer)"
            return ConnectionFailure(.serverCertificateUntrusted,
                "the broker's certificate\(subject)\(issuer) is not signed by a CA in \(caFile) (mqtt.tls.ca); put the broker's CA in that file")
        default:
            let words = X509_verify_cert_error_string(report.verifyResult).map { String(cString: $0) } ?? "error \(report.verifyResult)"
            return ConnectionFailure(.tlsHandshake, "the broker's certificate at \(broker) failed verification: \(words) (\(report.verifyResult))")
        }
    }

    /// Alerts a TLS server sends when it refuses the client's certificate: bad_certificate,
    /// unsupported_certificate, certificate_revoked, certificate_expired, certificate_unknown,
    /// unknown_ca, access_denied, decrypt_error, certificate_required.
    static let clientCertificateAlerts: Set<Int> = [42, 43, 44, 45, 46, 48, 49, 51, 116]

    static func alertName(_ alert: Int) -> String {
        let names: [Int: String] = [
            10: "unexpected_message", 20: "bad_record_mac", 40: "handshake_failure", 42: "bad_certificate",
            43: "unsupported_certificate", 44: "certificate_revoked", 45: "certificate_expired",
            46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied",
            50: "decode_error", 51: "decrypt_error", 70: "protocol_version", 71: "insufficient_security",
            80: "internal_error", 112: "unrecognized_name", 116: "certificate_required",
        ]
        return "\(names[alert] ?? "alert") (\(alert))"
    }

    /// TLS was configured and the port answered plain MQTT.
    static func plaintextBroker(host: String, port: Int) -> ConnectionFailure {
        ConnectionFailure(.plaintextBroker,
            "\(host):\(port) is a plaintext MQTT listener, but mqtt.tls is configured; use the broker's TLS port in mqtt.port (8883 by convention)")
    }

    /// Plaintext was configured and the port answered with TLS.
    static func tlsBroker(host: String, port: Int) -> ConnectionFailure {
        ConnectionFailure(.tlsBroker,
            "\(host):\(port) speaks TLS, but mqtt.tls is false; configure mqtt.tls (ca, certificate, key) or use the broker's plaintext port")
    }

    /// Seconds since 1970 as `2026-01-31 12:00:00 UTC`.
    static func utcText(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) UTC"
    }
}
