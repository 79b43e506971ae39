import ArgumentParser
import Crypto
import Envelope

#if canImport(Glibc)
import Glibc
#endif

/// `sensorgw envelope keygen|open`: the receiving side of docs/ENVELOPE.md.
struct EnvelopeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envelope",
        abstract: "Make envelope keys, and open sealed, signed payloads (docs/ENVELOPE.md).",
        subcommands: [EnvelopeKeygenCommand.self, EnvelopeOpenCommand.self])
}

/// `sensorgw envelope keygen --out DIR`
struct EnvelopeKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a backend (recipient.key/.pub, X25519) and a device (device.key/.pub, Ed25519) key pair.",
        discussion: "Keys are 64 hex digits on one line; private keys are created 0600 and never overwritten.")

    @Option(name: .long, help: "The directory to write the four key files into.")
    var out: String

    func run() throws {
        let recipient = Curve25519.KeyAgreement.PrivateKey()
        let device = Curve25519.Signing.PrivateKey()
        if mkdir(out, 0o700) != 0 && errno != EEXIST {
            throw KeyFile.Failure(description: "\(out): cannot create: \(String(cString: strerror(errno)))")
        }
        let files: [(String, [UInt8], mode_t)] = [
            ("recipient.key", Array(recipient.rawRepresentation), 0o600),
            ("recipient.pub", Array(recipient.publicKey.rawRepresentation), 0o644),
            ("device.key", Array(device.rawRepresentation), 0o600),
            ("device.pub", Array(device.publicKey.rawRepresentation), 0o644),
        ]
        for (name, key, mode) in files {
            try KeyFile.write(Hex.encode(key) + "\n", to: out + "/" + name, mode: mode)
            print("wrote \(out)/\(name)")
        }
    }
}

/// `sensorgw envelope open --key recipient.key --trust device.pub FILE`
struct EnvelopeOpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Verify and decrypt one envelope; the payload goes to stdout, its header to stderr.",
        discussion: "Exit status: 0 opened, 1 refused (the reason on stderr), 66 a file cannot be read.")

    @Option(name: .long, help: "The backend's X25519 private key file (recipient.key, 0600).")
    var key: String

    @Option(name: .long, help: "A trusted device's Ed25519 public key file; repeat for several devices.")
    var trust: [String]

    @Argument(help: "The envelope, as received (binary).")
    var file: String

    func run() throws {
        let recipient = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: KeyFile.readKey(key, isPrivate: true))
        let trusted = try trust.map { try Curve25519.Signing.PublicKey(rawRepresentation: KeyFile.readKey($0, isPrivate: false)) }
        let envelope = try KeyFile.read(file, limit: 16 << 20)
        do {
            let opened = try Envelope.open(envelope, with: recipient, trusting: trusted)
            let header = opened.header
            KeyFile.standardError("device \(header.deviceID) counter \(header.counter) content-type \(header.contentType) signer \(header.signerKeyID)\n")
            KeyFile.writeAll(opened.payload, to: STDOUT_FILENO)
        } catch {
            KeyFile.standardError("\(file): refused: \(error)\n")
            throw ExitCode(1)
        }
    }
}

/// Key and envelope files, read and written with Glibc; errors name the file, never its bytes.
enum KeyFile {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func standardError(_ text: String) { writeAll(Array(text.utf8), to: STDERR_FILENO) }

    /// Writes all of `bytes` to a descriptor (stdout may be a pipe taking them in parts).
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
    }

    static func read(_ path: String, limit: Int) throws -> [UInt8] {
        guard let handle = fopen(path, "rb") else { throw Failure(description: "\(path): cannot read: \(String(cString: strerror(errno)))") }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, handle)
            if count <= 0 { break }
            bytes += chunk[0..<count]
            guard bytes.count <= limit else { throw Failure(description: "\(path): larger than \(limit) bytes") }
        }
        return bytes
    }

    /// A 32-byte key as 64 hex digits; a private key file readable by group or others is refused,
    /// as the TLS key is.
    static func readKey(_ path: String, isPrivate: Bool) throws -> [UInt8] {
        if isPrivate {
            var info = stat()
            guard stat(path, &info) == 0 else { throw Failure(description: "\(path): cannot read: \(String(cString: strerror(errno)))") }
            guard info.st_mode & 0o077 == 0 else {
                throw Failure(description: "\(path): private key is readable by group or others; chmod 600 it")
            }
        }
        let text = String(decoding: try read(path, limit: 4096), as: UTF8.self)
        guard let key = Hex.decode(text), key.count == 32 else {
            throw Failure(description: "\(path): not a key (expected 64 hex digits)")
        }
        return key
    }

    /// Creates `path` with `mode`; an existing file is never overwritten.
    static func write(_ text: String, to path: String, mode: mode_t) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else { throw Failure(description: "\(path): cannot create: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(descriptor, $0.baseAddress, $0.count) }) == bytes.count else {
            throw Failure(description: "\(path): cannot write: \(String(cString: strerror(errno)))")
        }
    }
}
