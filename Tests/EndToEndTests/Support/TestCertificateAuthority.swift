import Foundation

/// Runs `commands` (bash) in the workspace's `certs` directory, where the test CA is
/// (`ca.pem`, `ca.key`), with `$d/ca.cnf`: an `openssl ca` configuration for that CA with a
/// `server` extension section (localhost, 127.0.0.1) and a `client` one. `$2`, `$3`, ... are
/// `arguments`.
///
/// `openssl ca` is used rather than `openssl x509 -req` because it takes a start and an end
/// date (OpenSSL 3.0's `x509` does not) and keeps the index a CRL is made from. `serial` is the
/// first serial number: a CRL names certificates by serial, so each caller uses its own range.
func withTestCA(_ workspace: Workspace, serial: Int, _ what: String, arguments: [String] = [], _ commands: String) throws {
    let script = """
        set -euo pipefail
        cd "$1"; d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
        : > "$d/index.txt"; echo \(serial) > "$d/serial"
        cat > "$d/ca.cnf" <<C
        [ca]
        default_ca = test
        [test]
        database = $d/index.txt
        serial = $d/serial
        new_certs_dir = $d
        default_md = sha256
        default_crl_days = 30
        policy = any
        unique_subject = no
        [any]
        commonName = supplied
        [server]
        basicConstraints = CA:false
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:localhost,IP:127.0.0.1
        [client]
        basicConstraints = CA:false
        extendedKeyUsage = clientAuth
        C

        """ + commands
    let status = try run("/bin/bash", ["-c", script, what, workspace.certificates.path] + arguments)
    guard status == 0 else { throw TestFailure("\(what) failed with \(status)") }
}
