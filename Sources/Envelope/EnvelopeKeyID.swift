import Crypto
import FoundationEssentials

/// The first 8 bytes of SHA-256 over a raw 32-byte public key (X25519 or Ed25519).
///
/// Carried in the header so a receiver holding several keys (during rotation) picks the right
/// one without trial decryption; 64 bits tell keys apart but prove nothing, the signature does.
public struct EnvelopeKeyID: Sendable, Hashable, CustomStringConvertible {
    /// The id as 8 big-endian bytes, as in the envelope.
    public let bytes: [UInt8]

    /// Wraps 8 bytes read from an envelope.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == EnvelopeLayout.keyIDSize else { return nil }
        self.bytes = Array(bytes)
    }

    /// The id of a raw public key.
    public init(rawPublicKey: some DataProtocol) {
        bytes = Array(SHA256.hash(data: rawPublicKey).prefix(EnvelopeLayout.keyIDSize))
    }

    /// The id of a backend (recipient) X25519 public key.
    public init(_ key: Curve25519.KeyAgreement.PublicKey) { self.init(rawPublicKey: key.rawRepresentation) }

    /// The id of a device (signer) Ed25519 public key.
    public init(_ key: Curve25519.Signing.PublicKey) { self.init(rawPublicKey: key.rawRepresentation) }

    /// Lower-case hex, 16 digits.
    public var description: String { Hex.encode(bytes) }
}
