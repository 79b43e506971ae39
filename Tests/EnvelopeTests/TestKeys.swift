import Crypto
import Envelope

/// Fixed keys, so the vectors file is reproducible: raw private keys are SHA-256 of a label.
enum TestKeys {
    static func raw(_ label: String) -> [UInt8] { Array(SHA256.hash(data: Array(label.utf8))) }

    static let recipient = try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw("sensorgw envelope test recipient"))
    static let otherRecipient = try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw("sensorgw envelope other recipient"))
    static let device = try! Curve25519.Signing.PrivateKey(rawRepresentation: raw("sensorgw envelope test device"))
    static let otherDevice = try! Curve25519.Signing.PrivateKey(rawRepresentation: raw("sensorgw envelope other device"))
}

/// One vector as the JSON file holds it (hex fields), for Examples/envelope-receiver.py.
struct Vector {
    var name: String
    var envelope: [UInt8]
    var plaintext: [UInt8]?
    var expect: String

    var json: String {
        var fields = [
            "\"name\": \"\(name)\"",
            "\"recipient_private_key\": \"\(Hex.encode(TestKeys.recipient.rawRepresentation))\"",
            "\"recipient_public_key\": \"\(Hex.encode(TestKeys.recipient.publicKey.rawRepresentation))\"",
            "\"signer_public_key\": \"\(Hex.encode(TestKeys.device.publicKey.rawRepresentation))\"",
            "\"envelope\": \"\(Hex.encode(envelope))\"",
            "\"expect\": \"\(expect)\"",
        ]
        if let plaintext { fields.append("\"plaintext\": \"\(Hex.encode(plaintext))\"") }
        return "    {\n      " + fields.joined(separator: ",\n      ") + "\n    }"
    }

    static func file(_ vectors: [Vector]) -> String {
        "{\n  \"format\": \"sensorgw-envelope-v1\",\n  \"vectors\": [\n"
            + vectors.map(\.json).joined(separator: ",\n") + "\n  ]\n}\n"
    }

    /// A fresh set: two good envelopes (CBOR-ish bytes and JSON text), one with a flipped
    /// ciphertext byte (bad signature), one sealed to another key.
    static func make() throws -> [Vector] {
        let json = Array(#"[{"bn":"greenhouse-1/air/","n":"temperature","u":"Cel","v":21.5}]"#.utf8)
        let cbor: [UInt8] = [0x81, 0xa2, 0x00, 0x64, 0x74, 0x65, 0x6d, 0x70, 0x02, 0xf9, 0x4d, 0x60]
        let good = try Envelope.seal(json, to: TestKeys.recipient.publicKey, signingKey: TestKeys.device,
                                     deviceID: "greenhouse-1", contentType: "application/senml+json", counter: 42)
        let binary = try Envelope.seal(cbor, to: TestKeys.recipient.publicKey, signingKey: TestKeys.device,
                                       deviceID: "greenhouse-1", contentType: "application/senml+cbor", counter: 43)
        var flipped = good
        flipped[flipped.count - 70] ^= 0x01
        let elsewhere = try Envelope.seal(json, to: TestKeys.otherRecipient.publicKey, signingKey: TestKeys.device,
                                          deviceID: "greenhouse-1", contentType: "application/senml+json", counter: 44)
        return [
            Vector(name: "senml-json", envelope: good, plaintext: json, expect: "ok"),
            Vector(name: "senml-cbor", envelope: binary, plaintext: cbor, expect: "ok"),
            Vector(name: "flipped-ciphertext-byte", envelope: flipped, plaintext: nil, expect: "bad_signature"),
            Vector(name: "other-recipient", envelope: elsewhere, plaintext: nil, expect: "unknown_recipient_key"),
        ]
    }
}
