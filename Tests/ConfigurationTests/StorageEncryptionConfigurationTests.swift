import Testing
@testable import Configuration

/// `storage.encryption_key` (docs/SECURITY.md): line numbers refer to `minimalYAML` with the key
/// inserted as line 10, after `path:` (line 9).
@Suite("Storage: the outbox key")
struct StorageEncryptionConfigurationTests {
    let sandbox: Sandbox
    var d: String { sandbox.path }

    init() throws {
        sandbox = try Sandbox()
    }

    /// 32 bytes, as `head -c 32 /dev/urandom` writes them.
    static let key = "0123456789abcdef0123456789abcdef"

    private func yaml(_ key: String = "outbox.key") -> String {
        minimal(inserting: "  encryption_key: \(key)", before: 10)
    }

    @Test func theKeyFileIsResolvedAgainstTheConfigDirectoryAndNotKept() throws {
        try sandbox.write("outbox.key", Self.key, mode: 0o600)
        let config = try GatewayConfiguration.parse(yaml: yaml(), file: configName, baseDirectory: d, kinds: testKinds)
        #expect(config.storage.encryptionKeyFile == "\(d)/outbox.key")
        #expect(!"\(config.storage)".contains(Self.key), "the configuration holds the file's name, never its bytes")
        let plain = try GatewayConfiguration.parse(yaml: minimalYAML, file: configName, baseDirectory: d, kinds: testKinds)
        #expect(plain.storage.encryptionKeyFile == nil, "off unless configured")
    }

    @Test func aMissingWrongSizedOrShareableKeyIsAConfigErrorThatShowsNoneOfIt() throws {
        #expect(errorDescription(yaml(), base: d)
                    == "sensorgw.yaml:10:19: storage.encryption_key: file not found: \(d)/outbox.key "
                    + "(the outbox key: head -c 32 /dev/urandom > FILE; chmod 600 FILE)")
        try sandbox.write("outbox.key", "SECRET-but-31-bytes-long-------", mode: 0o600)
        let short = errorDescription(yaml(), base: d)
        #expect(short == "sensorgw.yaml:10:19: storage.encryption_key: \(d)/outbox.key holds 31 bytes; an outbox key is exactly 32 "
                    + "(head -c 32 /dev/urandom > FILE; chmod 600 FILE)")
        #expect(short?.contains("SECRET") == false)
        try sandbox.write("outbox.key", Self.key + "\n", mode: 0o600)
        #expect(errorDescription(yaml(), base: d)?.contains("holds 33 bytes; an outbox key is exactly 32") == true,
                "a trailing newline (echo instead of head -c) is caught")
        try sandbox.write("outbox.key", Self.key, mode: 0o640)
        #expect(errorDescription(yaml(), base: d)
                    == "sensorgw.yaml:10:19: storage.encryption_key: \(d)/outbox.key is readable by its group (mode 0640); "
                    + "run chmod 600 \(d)/outbox.key, or load it as a systemd credential")
        #expect(errorDescription(yaml("\"%d/outbox-key\""), base: d)?
                    .hasPrefix("sensorgw.yaml:10:19: storage.encryption_key: '%d/outbox-key' names a systemd credential, but $CREDENTIALS_DIRECTORY is not set") == true)
        #expect(errorDescription(minimal(inserting: "  encryption: on", before: 10), base: d)
                    == "sensorgw.yaml:10:3: storage.encryption: unknown key; expected one of: path, flush_interval, max_bytes, max_age, encryption_key")
    }
}
