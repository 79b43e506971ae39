import Foundation

/// Real TLS files made once per test run with the `openssl` command (as
/// `Scripts/make-test-certs.sh` does, plus the broken and badly dated ones), so the checks run
/// against what OpenSSL really makes. Fixed dates come from `openssl ca -startdate/-enddate`.
struct TestCertificates: Sendable {
    /// The directory holding every file below.
    let directory: String

    var ca: String { "\(directory)/ca.pem" }
    /// Valid 2020-01-01 to 2099-12-31, for `client.key`.
    var client: String { "\(directory)/client.pem" }
    var clientKey: String { "\(directory)/client.key" }
    /// Another key, which `client.pem` was not issued for.
    var otherKey: String { "\(directory)/other.key" }
    /// `client.key` encrypted with the passphrase `secret`.
    var encryptedKey: String { "\(directory)/encrypted.key" }
    /// For `client.key`: 2020-01-01 00:00:00 to 2021-01-01 00:00:00 UTC.
    var expired: String { "\(directory)/expired.pem" }
    /// For `client.key`: 2090-01-01 00:00:00 to 2091-01-01 00:00:00 UTC.
    var notYetValid: String { "\(directory)/future.pem" }
    /// For `client.key`: 2030-01-01 00:00:00 to 2030-01-11 00:00:00 UTC, ten days.
    var tenDays: String { "\(directory)/ten-days.pem" }
    /// For `client.key`: valid for 10 days from when the test run made it (`-days 10`).
    var tenDaysFromNow: String { "\(directory)/ten-days-from-now.pem" }

    /// 2030-01-01 00:00:00 UTC, when `ten-days.pem` has ten days left.
    static let january2030: Int64 = 1_893_456_000

    static func make() throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sensorgw-test-certs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = #"""
            set -eu
            cd "$1"
            umask 077
            key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$1" 2>/dev/null; }
            key ca.key
            openssl req -x509 -key ca.key -days 36500 -subj "/CN=sensorgw test CA" -out ca.pem \
              -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
            key client.key
            key other.key
            openssl pkey -in client.key -aes256 -passout pass:secret -out encrypted.key 2>/dev/null
            openssl req -new -key client.key -subj "/CN=gw" -out client.csr 2>/dev/null
            printf '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n' > ca.cnf
            : > index.txt
            echo 01 > serial
            signed() { # NAME START END
              openssl ca -batch -notext -config ca.cnf -cert ca.pem -keyfile ca.key -in client.csr \
                -startdate "$2" -enddate "$3" -out "$1" 2>/dev/null
            }
            signed client.pem 20200101000000Z 20991231235959Z
            signed expired.pem 20200101000000Z 20210101000000Z
            signed future.pem 20900101000000Z 20910101000000Z
            signed ten-days.pem 20300101000000Z 20300111000000Z
            openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 10 \
              -out ten-days-from-now.pem 2>/dev/null
            chmod 644 ./*.pem
            """#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "sh", directory]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw MakeFailed(status: process.terminationStatus) }
        return TestCertificates(directory: directory)
    }

    struct MakeFailed: Error {
        let status: Int32
    }
}

/// The files, or why `openssl` could not make them.
enum MadeCertificates: Sendable {
    case made(TestCertificates)
    case failed(String)

    func get() throws -> TestCertificates {
        switch self {
        case .made(let certificates): return certificates
        case .failed(let reason): throw MakeCertificatesFailed(reason: reason)
        }
    }
}

struct MakeCertificatesFailed: Error, CustomStringConvertible {
    let reason: String
    var description: String { "could not make test certificates: \(reason)" }
}

/// Made on first use, once for the whole run (a global is initialized once, thread-safely);
/// every sandbox copies from it.
let sharedCertificates: MadeCertificates = {
    do {
        return .made(try TestCertificates.make())
    } catch {
        return .failed("\(error)")
    }
}()
