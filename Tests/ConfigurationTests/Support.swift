import Foundation
import Testing
@testable import Configuration
import Drivers
import SensorKit

/// The kinds a configuration may name: the real catalog, so option errors are the real ones.
let testKinds = SensorRegistry.builtIn.catalog

/// A fresh directory with the three TLS files a mutual-TLS config names, removed when released.
final class Sandbox: Sendable {
    let path: String

    /// Creates `<tmp>/<uuid>/<certs>/{ca.pem, client.pem, client.key}`, copies of real files
    /// made by `openssl` (``TestCertificates``) that OpenSSL accepts; the key is mode 0600.
    init(certs: String = "certs") throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("sensorgw-config-\(UUID().uuidString)").path
        let certDirectory = "\(path)/\(certs)"
        try FileManager.default.createDirectory(atPath: certDirectory, withIntermediateDirectories: true)
        let made = try sharedCertificates.get()
        try copy(made.ca, to: "\(certs)/ca.pem", mode: 0o644)
        try copy(made.client, to: "\(certs)/client.pem", mode: 0o644)
        try copy(made.clientKey, to: "\(certs)/client.key", mode: 0o600)
    }

    /// Copies `file` to `relative` inside the sandbox with `mode`; returns the full path.
    @discardableResult
    func copy(_ file: String, to relative: String, mode: Int = 0o644) throws -> String {
        let target = "\(path)/\(relative)"
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: file, toPath: target)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: target)
        return target
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `contents` to `relative` inside the sandbox with `mode`; returns the full path.
    @discardableResult
    func write(_ relative: String, _ contents: String, mode: Int = 0o644) throws -> String {
        let file = "\(path)/\(relative)"
        try Data(contents.utf8).write(to: URL(fileURLWithPath: file))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        return file
    }
}

/// The repository's `Examples/` directory, found from this file's location.
let examplesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Examples").path

/// The built-in board profiles, as an unknown `board:` lists them.
let boardProfileNames = "beaglebone-black, libre-computer-aml-s905x-cc, raspberry-pi-3b-plus, raspberry-pi-4, raspberry-pi-5, raspberry-pi-cm4, raspberry-pi-cm5, raspberry-pi-zero-2-w"

/// The name bad configs are parsed under.
let configName = "sensorgw.yaml"

/// The full description of the error `yaml` produces, or `nil` if it parses; parsed as outside
/// a service with credentials, whatever the environment the tests run in.
func errorDescription(_ yaml: String, base: String) -> String? {
    do {
        _ = try GatewayConfiguration.parse(yaml: yaml, file: configName, baseDirectory: base, kinds: testKinds,
                                           credentialsDirectory: nil)
        return nil
    } catch {
        return error.description
    }
}

/// A small valid config (plaintext, so it needs no files) to break in one place per test.
/// Line numbers in the tests refer to this layout.
let minimalYAML = """
    gateway:
      id: gw
    board: simulated
    sensors:
      - id: air
        type: bme280
        i2c: { bus: 1, address: 0x76 }
    storage:
      path: outbox.sqlite
    mqtt:
      host: localhost
      tls: false

    """

/// `minimalYAML` with line `number` (1-based) replaced by `lines` (zero or more lines).
func minimal(replacingLine number: Int, with lines: String...) -> String {
    var all = minimalYAML.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    all.replaceSubrange((number - 1)..<number, with: lines)
    return all.joined(separator: "\n")
}

/// `minimalYAML` with `lines` inserted before line `number`.
func minimal(inserting lines: String..., before number: Int) -> String {
    var all = minimalYAML.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    all.insert(contentsOf: lines, at: number - 1)
    return all.joined(separator: "\n")
}

/// The mqtt section with mutual TLS on the sandbox's files, starting at line 10 like `minimalYAML`'s.
func minimalWithTLS(ca: String = "certs/ca.pem", certificate: String = "certs/client.pem",
                    key: String = "certs/client.key") -> String {
    minimal(replacingLine: 12, with:
        "  tls:",
        "    ca: \(ca)",
        "    certificate: \(certificate)",
        "    key: \(key)")
}
