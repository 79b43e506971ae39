import Configuration
import Crypto
import EnvelopeEncoding
import Pipeline

/// `mqtt.envelope`'s keys as Crypto keys, checked once when the agent starts (a key swift-crypto
/// refuses, or a recipient key HPKE cannot seal to, stops the start), then wrapped around the
/// encoder of every uplink the agent makes, reloads included (a reload cannot change the keys:
/// ``ReloadPlan`` refuses it).
struct EnvelopeSealing: Sendable {
    let recipient: Curve25519.KeyAgreement.PublicKey
    let signingKey: Curve25519.Signing.PrivateKey

    /// - Throws: swift-crypto's error for a malformed key, ``EnvelopeError`` for one HPKE refuses.
    init(_ keys: GatewayConfiguration.EnvelopeKeys, checkingWith probe: any ReadingEncoder) throws {
        recipient = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: keys.recipient)
        signingKey = try Curve25519.Signing.PrivateKey(rawRepresentation: keys.signingKey)
        _ = try EnvelopeEncoder(wrapping: probe, recipient: recipient, signingKey: signingKey)
    }

    /// `encoder` with every payload sealed. The keys passed the same check at start; should it
    /// fail now regardless, nothing is sent rather than anything in the clear.
    func seal(_ encoder: any ReadingEncoder) -> any ReadingEncoder {
        (try? EnvelopeEncoder(wrapping: encoder, recipient: recipient, signingKey: signingKey)) ?? WithheldEncoder(inner: encoder)
    }
}

/// Carries nothing and skips nothing: the readings stay in the outbox, unsent, never sent in
/// the clear and never dropped.
struct WithheldEncoder: ReadingEncoder {
    let inner: any ReadingEncoder
    var context: EncoderContext { inner.context }
    var contentType: String { EnvelopeEncoder.envelopeContentType }
    var maxReadingsPerMessage: Int { inner.maxReadingsPerMessage }

    func encode(_ readings: ArraySlice<Reading>, into buffer: inout [UInt8]) -> EncodedMessage {
        buffer.removeAll(keepingCapacity: true)
        return EncodedMessage(topic: context.readingsTopic, carried: [], skipped: [])
    }
}
