/// Why a connection attempt ended before CONNACK, in words a person can act on.
///
/// "Could not connect" (this) is distinct from "connection lost" (a connection that had
/// reached CONNACK); each ``Kind`` is counted in `sensorgw_uplink_connect_failures_total`.
public struct ConnectionFailure: Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; its raw value is the metric's `reason` label.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Nothing listens on the broker's port (RST to the SYN).
        case refused
        /// No answer in time: a black-holed SYN, a broker that never completes TLS or CONNACK.
        case timedOut = "timed_out"
        /// The broker's host name does not resolve.
        case nameNotResolved = "name_not_resolved"
        /// No route to the broker's network or host.
        case unreachable
        /// The broker reset or closed the connection before CONNACK, for no reason it named.
        case reset
        /// The broker's certificate is not signed by a CA in the configured CA file.
        case serverCertificateUntrusted = "server_certificate_untrusted"
        /// The broker's certificate is for another host name.
        case hostNameMismatch = "host_name_mismatch"
        /// The broker's certificate has expired.
        case certificateExpired = "certificate_expired"
        /// The broker's certificate is not valid yet (or this board's clock is behind).
        case certificateNotYetValid = "certificate_not_yet_valid"
        /// The broker's certificate is listed in the configured CRL (`mqtt.tls.crl`).
        case certificateRevoked = "certificate_revoked"
        /// The broker's public key is none of `mqtt.tls.pin_sha256`.
        case serverKeyNotPinned = "server_key_not_pinned"
        /// The broker refused this gateway's client certificate.
        case clientCertificateRejected = "client_certificate_rejected"
        /// TLS is configured, but the port is a plaintext MQTT listener.
        case plaintextBroker = "plaintext_broker"
        /// Plaintext is configured, but the port speaks TLS.
        case tlsBroker = "tls_broker"
        /// This gateway's own CA file, certificate or key cannot be used.
        case localTLSFiles = "local_tls_files"
        /// The broker answered CONNACK with a refusal (not authorized, bad client id ...).
        case brokerRefused = "broker_refused"
        /// Another TLS failure (protocol version, cipher, an alert not about certificates).
        case tlsHandshake = "tls_handshake"
        /// Anything else (out of sockets, a protocol error).
        case other
    }

    /// What failed.
    public var kind: Kind
    /// The cause and what to change, for the log.
    public var detail: String

    /// Creates a failure.
    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { detail }
}
