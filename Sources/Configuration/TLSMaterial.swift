#if os(Linux)
import COpenSSLCheck
#endif

/// The TLS files loaded the way the uplink will load them: libmosquitto hands them to the
/// system's OpenSSL, so OpenSSL judges them here too (through `COpenSSLCheck`), and a file the
/// uplink would refuse is a configuration error instead of a connection retried forever.
///
/// Each function returns `nil` when the file is fine, or what is wrong with it in words.
enum TLSMaterial {
    /// A certificate that expires sooner than this gets a warning.
    static let expiryWarningSeconds: Int64 = 30 * 86_400

    /// The CA file: PEM, at least one certificate.
    static func caProblem(_ file: String) -> String? {
        #if os(Linux)
        var count: Int32 = 0
        switch Int(sgw_tls_check_ca_file(file, &count)) {
        case Int(SGW_TLS_OK.rawValue): return nil
        case Int(SGW_TLS_NO_CERTIFICATE.rawValue): return "\(file) holds no certificate; a CA file needs at least one"
        case Int(SGW_TLS_INTERNAL.rawValue): return internalProblem
        default: return "\(file) is not a PEM file of CA certificates (OpenSSL cannot read it)"
        }
        #else
        return nil
        #endif
    }

    /// The client certificate's validity period, or what is wrong with the file.
    static func certificate(_ file: String) -> Result<ClosedRange<Int64>, Problem> {
        #if os(Linux)
        var notBefore: Int64 = 0
        var notAfter: Int64 = 0
        switch Int(sgw_tls_check_certificate_file(file, &notBefore, &notAfter)) {
        case Int(SGW_TLS_OK.rawValue):
            guard notBefore <= notAfter else {
                return .failure(Problem("\(file) ends its validity (\(CertificateClock.format(notAfter))) before it starts (\(CertificateClock.format(notBefore)))"))
            }
            return .success(notBefore...notAfter)
        case Int(SGW_TLS_BAD_DATES.rawValue): return .failure(Problem("\(file) has validity dates OpenSSL cannot read"))
        case Int(SGW_TLS_INTERNAL.rawValue): return .failure(Problem(internalProblem))
        default: return .failure(Problem("\(file) is not a PEM certificate (OpenSSL cannot read it)"))
        }
        #else
        return .success(Int64.min...Int64.max)
        #endif
    }

    /// The private key on its own: PEM, readable without a passphrase.
    static func keyProblem(_ file: String) -> String? {
        keyCheck(file, certificate: nil)
    }

    /// Whether `key` is the key `certificate` was issued for (both already load on their own).
    static func mismatchProblem(key: String, certificate: String) -> String? {
        keyCheck(key, certificate: certificate)
    }

    private static func keyCheck(_ file: String, certificate: String?) -> String? {
        #if os(Linux)
        let status = certificate.map { sgw_tls_check_key_file(file, $0) } ?? sgw_tls_check_key_file(file, nil)
        switch Int(status) {
        case Int(SGW_TLS_OK.rawValue):
            return nil
        case Int(SGW_TLS_KEY_ENCRYPTED.rawValue):
            return "\(file) is encrypted with a passphrase, which the agent cannot enter; "
                + "store it unencrypted (openssl pkey -in \(file) -out NEW.key) with mode 0600"
        case Int(SGW_TLS_KEY_MISMATCH.rawValue):
            return "\(file) is not the private key of the certificate \(certificate ?? "")"
        case Int(SGW_TLS_INTERNAL.rawValue):
            return internalProblem
        default:
            return "\(file) is not a PEM private key (OpenSSL cannot read it)"
        }
        #else
        return nil
        #endif
    }

    /// The CRL file: PEM, at least one CRL. Success carries a warning when a CRL is past its
    /// nextUpdate: the revocations it lists still hold, and the uplink keeps using it rather
    /// than refusing every broker until a fresh list arrives.
    static func crl(_ file: String, clock: CertificateClock) -> Result<String?, Problem> {
        #if os(Linux)
        var count: Int32 = 0
        var nextUpdate: Int64 = 0
        switch Int(sgw_tls_check_crl_file(file, &count, &nextUpdate)) {
        case Int(SGW_TLS_OK.rawValue):
            guard nextUpdate != 0, nextUpdate < clock.now else { return .success(nil) }
            return .success("\(file) was due to be replaced on \(CertificateClock.format(nextUpdate)) (its nextUpdate); "
                + "the revocations it lists still apply, but fetch a current CRL from the CA")
        case Int(SGW_TLS_INTERNAL.rawValue): return .failure(Problem(internalProblem))
        default: return .failure(Problem("\(file) is not a PEM file of certificate revocation lists (OpenSSL cannot read it)"))
        }
        #else
        return .success(nil)
        #endif
    }

    private static let internalProblem = "OpenSSL could not set up a TLS context to check it (out of memory?)"

    /// What is wrong with a file, in words.
    struct Problem: Error, Equatable {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// What the validity period means today: an error (expired, not yet valid) when the clock
    /// can be trusted, a warning otherwise or when the end is near, or nothing.
    enum Validity: Equatable {
        case valid
        case warning(String)
        case error(String)
    }

    static func validity(_ period: ClosedRange<Int64>, of file: String, clock: CertificateClock) -> Validity {
        let from = CertificateClock.format(period.lowerBound)
        let to = CertificateClock.format(period.upperBound)
        let unsynchronized = "by this board's clock, which is not synchronized yet; TLS will fail until it is"
        if clock.now < period.lowerBound {
            let text = "\(file) is not valid before \(from) (valid \(from) to \(to))"
            return clock.isSynchronized ? .error(text + "; check the clock or the certificate") : .warning("\(text) \(unsynchronized)")
        }
        if clock.now > period.upperBound {
            let text = "\(file) expired on \(to) (valid \(from) to \(to))"
            return clock.isSynchronized ? .error(text + "; renew it") : .warning("\(text) \(unsynchronized)")
        }
        let left = period.upperBound - clock.now
        guard left < expiryWarningSeconds else { return .valid }
        let days = left / 86_400
        let when = days == 0 ? "in less than a day" : days == 1 ? "in 1 day" : "in \(days) days"
        return .warning("\(file) expires on \(to), \(when); renew it before then")
    }
}
