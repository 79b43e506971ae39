import Crypto
import FoundationEssentials

/// A payload opened from an envelope whose signature and ciphertext both checked out.
public struct OpenedEnvelope: Sendable, Hashable {
    /// The signed header: who sent it, what the payload is, the sender's counter.
    public var header: EnvelopeHeader
    /// The inner payload, e.g. a SenML CBOR pack.
    public var payload: [UInt8]
}

/// Seals payloads to a backend key and signs them with a device key (docs/ENVELOPE.md).
///
/// Encrypt-then-sign: the signature covers the ciphertext, so a relay or broker holding only
/// the device's public key can check origin and drop forgeries without being able to read.
public enum Envelope {
    /// The HPKE suite of layout version 1.
    static let ciphersuite = HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .chaChaPoly)

    /// Seals `payload` to `recipient` and signs the result with `signingKey`.
    ///
    /// The header is HPKE's `info` (the AEAD's aad is empty), so a ciphertext cannot be moved
    /// under another header even by someone who can sign. Each call draws a fresh ephemeral key.
    public static func seal(_ payload: [UInt8], to recipient: Curve25519.KeyAgreement.PublicKey,
                            signingKey: Curve25519.Signing.PrivateKey, deviceID: String,
                            contentType: String, counter: UInt64) throws(EnvelopeError) -> [UInt8] {
        let header = EnvelopeHeader(recipientKeyID: EnvelopeKeyID(recipient),
                                    signerKeyID: EnvelopeKeyID(signingKey.publicKey),
                                    counter: counter, deviceID: deviceID, contentType: contentType)
        var out = try header.encoded()
        do {
            var sender = try HPKE.Sender(recipientKey: recipient, ciphersuite: ciphersuite, info: Data(out))
            let ciphertext = try sender.seal(payload)
            out += sender.encapsulatedKey
            out += ciphertext
            out += try signingKey.signature(for: out)
        } catch {
            throw .sealingFailed
        }
        return out
    }

    /// Checks the layout and the signature against `trusted` device keys, without decrypting:
    /// what a relay without the backend key can do.
    public static func verify(_ envelope: [UInt8],
                              trusting trusted: [Curve25519.Signing.PublicKey]) throws(EnvelopeError) -> ParsedEnvelope {
        let parsed = try ParsedEnvelope(parsing: envelope)
        guard let signer = trusted.first(where: { EnvelopeKeyID($0) == parsed.header.signerKeyID }) else {
            throw .unknownSigner(parsed.header.signerKeyID)
        }
        guard signer.isValidSignature(parsed.signature, for: parsed.signedBytes) else { throw .badSignature }
        return parsed
    }

    /// Opens an envelope sealed to `recipientKey` and signed by one of the `trusted` keys.
    ///
    /// Checks in order: layout, recipient key id, signer key id, signature, then decryption, so
    /// nothing is decrypted that was not signed by a trusted device.
    public static func open(_ envelope: [UInt8], with recipientKey: Curve25519.KeyAgreement.PrivateKey,
                            trusting trusted: [Curve25519.Signing.PublicKey]) throws(EnvelopeError) -> OpenedEnvelope {
        let layout = try ParsedEnvelope(parsing: envelope)
        let ours = EnvelopeKeyID(recipientKey.publicKey)
        guard layout.header.recipientKeyID == ours else { throw .unknownRecipientKey(layout.header.recipientKeyID) }
        let parsed = try verify(envelope, trusting: trusted)
        do {
            var recipient = try HPKE.Recipient(privateKey: recipientKey, ciphersuite: ciphersuite,
                                               info: Data(parsed.headerBytes), encapsulatedKey: Data(parsed.enc))
            let payload = try recipient.open(parsed.ciphertext)
            return OpenedEnvelope(header: parsed.header, payload: Array(payload))
        } catch {
            throw .decryptionFailed
        }
    }
}
