import CMosquitto

/// What a diagnostic TLS handshake with the broker found (`sgw_tls_probe`), as a Swift value
/// so the classification is a pure function tested without a broker.
struct TLSProbeReport: Sendable, Hashable {
    /// Which of this gateway's own TLS files OpenSSL refused.
    enum FileProblem: Sendable, Hashable {
        case caFile
        case certificateFile
        case keyFile
        case keyDoesNotMatchCertificate
        case crlFile
    }

    /// How the TCP connect ended.
    var tcp = TCPOutcome.connected
    var fileProblem: FileProblem?
    /// The peer sent TLS: a certificate, an alert, or a completed handshake.
    var reachedTLS = false
    var handshakeCompleted = false
    /// The handshake waited for the peer until the timeout.
    var timedOut = false
    /// OpenSSL's X509_V_* result for the server's chain against the CA file and host name.
    var verifyResult = 0
    /// A TLS alert (RFC 8446 section 6) the peer sent, if any.
    var alertReceived: Int?
    var errorText = ""
    var peerSubject = ""
    var peerIssuer = ""
    /// The server certificate's DNS names and IP addresses.
    var peerNames: [String] = []
    /// Validity, seconds since 1970.
    var notBefore: Int64?
    var notAfter: Int64?
    /// Base64 SHA-256 of the server's SubjectPublicKeyInfo, as `pin_sha256` is written.
    var peerPin = ""

    init() {}

    init(_ raw: sgw_tls_probe_result) {
        tcp = TCPOutcome(raw.net)
        fileProblem = switch raw.file_problem {
        case 1: .caFile
        case 2: .certificateFile
        case 3: .keyFile
        case 4: .keyDoesNotMatchCertificate
        case 5: .crlFile
        default: nil
        }
        reachedTLS = raw.reached_tls != 0
        handshakeCompleted = raw.handshake_completed != 0
        timedOut = raw.timed_out != 0
        verifyResult = raw.verify_result
        alertReceived = raw.alert_received >= 0 ? Int(raw.alert_received) : nil
        errorText = Self.text(raw.error_text)
        peerSubject = Self.text(raw.peer_subject)
        peerIssuer = Self.text(raw.peer_issuer)
        peerNames = Self.text(raw.peer_names).split(separator: ",").map(String.init)
        notBefore = raw.not_before != 0 ? Int64(raw.not_before) : nil
        notAfter = raw.not_after != 0 ? Int64(raw.not_after) : nil
        peerPin = Self.text(raw.peer_pin)
    }

    /// A fixed-size C char array as a String.
    private static func text<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { bytes in
            let prefix = bytes.prefix { $0 != 0 }
            return String(decoding: prefix, as: UTF8.self)
        }
    }
}

/// How a TCP connect ended (`sgw_tcp_connect`).
enum TCPOutcome: Sendable, Hashable {
    case connected
    /// getaddrinfo's EAI_* code.
    case nameNotResolved(code: Int32)
    /// connect's errno.
    case failed(errno: Int32)
    case timedOut
    case stopped

    init(_ raw: sgw_net_result) {
        switch raw.status {
        case Int32(SGW_NET_OK): self = .connected
        case Int32(SGW_NET_RESOLVE): self = .nameNotResolved(code: raw.code)
        case Int32(SGW_NET_TIMEOUT): self = .timedOut
        case Int32(SGW_NET_STOPPED): self = .stopped
        default: self = .failed(errno: raw.code)
        }
    }
}
