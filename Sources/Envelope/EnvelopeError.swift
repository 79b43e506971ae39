/// Why an envelope could not be sealed or opened. Each case names one check, so a receiver can
/// count and log them apart; none carries key material or plaintext.
public enum EnvelopeError: Error, Sendable, Hashable {
    /// Fewer bytes than the layout needs (docs/ENVELOPE.md, "Layout").
    case truncated
    /// The first byte is not a version this code reads.
    case unsupportedVersion(UInt8)
    /// The suite byte names no cipher suite this code knows.
    case unsupportedSuite(UInt8)
    /// The envelope was sealed to a recipient key other than the one given to open it.
    case unknownRecipientKey(EnvelopeKeyID)
    /// The signer's key id is not among the trusted device keys.
    case unknownSigner(EnvelopeKeyID)
    /// The Ed25519 signature does not verify: the bytes were changed or signed by someone else.
    case badSignature
    /// HPKE (ChaCha20-Poly1305) refused the ciphertext: wrong key, or tampered after signing.
    case decryptionFailed
    /// A header text field (device id, content type) is empty, longer than 255 UTF-8 bytes,
    /// or (when opening) not valid UTF-8; names the field.
    case invalidField(String)
    /// swift-crypto refused to seal (a bad recipient public key).
    case sealingFailed
}
