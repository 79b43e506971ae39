import Envelope
import FoundationEssentials
import Glibc
import Testing

/// Examples/envelope-receiver.py (RFC 9180 written out over PyPI `cryptography`) opens what this
/// code sealed at test time: an independent decoder, not ours read back.
@Suite("Envelope Python receiver")
struct PythonReceiverTests {
    static let root = String(#filePath.dropLast("Tests/EnvelopeTests/PythonReceiverTests.swift".count))

    func run(_ command: String) -> (output: String, status: Int32) {
        guard let pipe = popen(command, "r") else { return ("", -1) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, pipe)
            if count <= 0 { break }
            output += buffer[0..<count]
        }
        let status = pclose(pipe)
        return (String(decoding: output, as: UTF8.self), status)
    }

    @Test(.enabled(if: system("python3 -c 'import cryptography' >/dev/null 2>&1") == 0, "needs python3 cryptography"))
    func pythonOpensFreshVectors() throws {
        let vectors = try Vector.make()
        let path = "/tmp/sensorgw-envelope-vectors-\(getpid()).json"
        try Data(Vector.file(vectors).utf8).write(to: URL(filePath: path))
        defer { unlink(path) }
        let (output, status) = run("python3 '\(Self.root)Examples/envelope-receiver.py' '\(path)' 2>&1")
        #expect(status == 0, "\(output)")
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.contains("senml-json: ok \(Hex.encode(vectors[0].plaintext!)) application/senml+json greenhouse-1 42"))
        #expect(lines.contains("senml-cbor: ok \(Hex.encode(vectors[1].plaintext!)) application/senml+cbor greenhouse-1 43"))
        #expect(lines.contains("flipped-ciphertext-byte: bad_signature"))
        #expect(lines.contains("other-recipient: unknown_recipient_key"))
    }

    @Test(.enabled(if: system("python3 -c 'import cryptography' >/dev/null 2>&1") == 0, "needs python3 cryptography"))
    func pythonOpensCommittedVectors() {
        let (output, status) = run("python3 '\(Self.root)Examples/envelope-receiver.py' '\(Self.root)Tests/EnvelopeTests/vectors.json' 2>&1")
        #expect(status == 0, "\(output)")
        #expect(output.split(separator: "\n").count == 4)
    }
}
