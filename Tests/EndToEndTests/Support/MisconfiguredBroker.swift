import Foundation

/// A mosquitto set up as the test says (a plaintext listener, another CA, another certificate),
/// or a port that accepts TCP connections and never answers.
final class MisconfiguredBroker {
    let port: Int
    private var child: Child?
    private var silentSocket: Int32 = -1

    /// `listener` is the text after `listener PORT 127.0.0.1`.
    init(workspace: Workspace, name: String, listener: String) async throws {
        port = freePort()
        let config = workspace.path("mosquitto-\(name).conf")
        let text = """
            per_listener_settings false
            user root
            log_dest stderr
            log_type error
            log_type warning
            listener \(port) 127.0.0.1
            \(listener)

            """
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        child = try Child("/usr/sbin/mosquitto", ["-c", config], log: workspace.path("broker-\(name).log"))
        let port = self.port
        try await waitUntil(timeout: .seconds(10), "mosquitto on port \(port)") { isListening(port: port) }
    }

    /// A listening socket nobody accepts from: the kernel completes TCP, nothing ever answers.
    init(silent: ()) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard listen(fd, 128) == 0 else { throw TestFailure("listen failed") }
        silentSocket = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// A mutual-TLS listener with the given server certificate and client CA (names in certs/).
    static func tlsListener(_ certs: String, server: String = "server", clientCA: String = "ca") -> String {
        """
        allow_anonymous false
        cafile \(certs)/\(clientCA).pem
        certfile \(certs)/\(server).pem
        keyfile \(certs)/\(server).key
        require_certificate true
        use_identity_as_username true
        """
    }

    func stop() async throws {
        try await child?.stop()
        child = nil
        if silentSocket >= 0 { close(silentSocket) }
        silentSocket = -1
    }
}

/// A server certificate for localhost from certs/ca, valid only from `start` to `end`
/// (`YYYYMMDDHHMMSSZ`): `openssl ca` takes both dates, `openssl x509 -req` (OpenSSL 3.0) does not.
func makeDatedServerCertificate(_ workspace: Workspace, name: String, start: String, end: String) throws {
    try withTestCA(workspace, serial: 1000, "making the dated certificate \(name)", arguments: [name, start, end], """
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost -keyout "$2.key" -out "$d/req.csr" 2>/dev/null
        openssl ca -batch -config "$d/ca.cnf" -extensions server -cert ca.pem -keyfile ca.key -in "$d/req.csr" -out "$2.pem" -startdate "$3" -enddate "$4" -notext 2>/dev/null
        chmod 600 "$2.key"
        """)
}
