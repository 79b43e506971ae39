import Crypto
import Envelope
import Pipeline

/// Wraps any ``ReadingEncoder``: each payload it makes is sealed to the backend and signed by
/// the device (docs/ENVELOPE.md), published on the inner encoder's topic.
///
/// The inner content type travels inside the signed header; the envelope's counter is the
/// newest carried reading's sequence number, so a backend can drop MQTT redeliveries. Session
/// messages of the inner format (its ``ConnectionHooks``: wills, births, discovery) are passed
/// through unsealed, as a broker must act on a will; the data messages its hooks encode are
/// sealed like the rest. (The configuration offers the envelope only around SenML, which has no
/// hooks: a Sparkplug B host or Home Assistant could not open what it seals.)
public struct EnvelopeEncoder: ReadingEncoder {
    /// The content type of every envelope.
    public static let envelopeContentType = "application/vnd.sensorgw.envelope"

    /// The encoder whose payloads are sealed.
    public let inner: any ReadingEncoder
    let recipient: Curve25519.KeyAgreement.PublicKey
    let signingKey: Curve25519.Signing.PrivateKey

    /// Wraps `inner`; throws ``EnvelopeError/sealingFailed`` now, not per message, if the
    /// recipient key cannot be sealed to (a low-order X25519 point).
    public init(wrapping inner: any ReadingEncoder, recipient: Curve25519.KeyAgreement.PublicKey,
                signingKey: Curve25519.Signing.PrivateKey) throws(EnvelopeError) {
        self.inner = inner
        self.recipient = recipient
        self.signingKey = signingKey
        _ = try Envelope.seal([], to: recipient, signingKey: signingKey, deviceID: Self.deviceID(inner),
                              contentType: inner.contentType, counter: 0)
    }

    public var context: EncoderContext { inner.context }
    public var contentType: String { Self.envelopeContentType }
    public var maxReadingsPerMessage: Int { inner.maxReadingsPerMessage }
    public func makeConnectionHooks() -> (any ConnectionHooks)? {
        inner.makeConnectionHooks().map { SealedHooks(inner: $0, envelope: self) }
    }

    /// The inner payload, sealed. Should sealing still fail, the readings are reported skipped
    /// (the uplink counts them) rather than published in the clear.
    public func encode(_ readings: ArraySlice<Reading>, into buffer: inout [UInt8]) -> EncodedMessage {
        seal(inner.encode(readings, into: &buffer), in: &buffer)
    }

    /// `buffer`, holding `message`'s inner payload, replaced by its envelope.
    func seal(_ message: EncodedMessage, in buffer: inout [UInt8]) -> EncodedMessage {
        var message = message
        guard let counter = message.carried.max() else { return message }
        do {
            buffer = try Envelope.seal(buffer, to: recipient, signingKey: signingKey, deviceID: Self.deviceID(inner),
                                       contentType: inner.contentType, counter: counter)
        } catch {
            buffer.removeAll(keepingCapacity: true)
            message.skipped += message.carried
            message.carried = []
        }
        return message
    }

    /// The gateway id, cut to the header's 255 bytes on a character boundary.
    static func deviceID(_ inner: any ReadingEncoder) -> String {
        var id = inner.context.gatewayID.isEmpty ? "sensorgw" : inner.context.gatewayID
        while id.utf8.count > EnvelopeLayout.maxFieldSize { id.removeLast() }
        return id
    }
}

/// An inner format's session hooks with their data messages sealed.
struct SealedHooks: ConnectionHooks {
    var inner: any ConnectionHooks
    let envelope: EnvelopeEncoder

    var subscriptions: [String] { inner.subscriptions }
    var persistentState: [UInt8] { inner.persistentState }
    mutating func restore(_ state: [UInt8]?) { inner.restore(state) }
    mutating func willForNextConnection(wallSeconds: Double) -> SessionMessage? { inner.willForNextConnection(wallSeconds: wallSeconds) }
    mutating func connected(wallSeconds: Double) -> [SessionMessage] { inner.connected(wallSeconds: wallSeconds) }
    mutating func received(topic: String, payload: [UInt8], wallSeconds: Double) -> [SessionMessage] {
        inner.received(topic: topic, payload: payload, wallSeconds: wallSeconds)
    }

    mutating func encode(_ readings: ArraySlice<Reading>, into buffer: inout [UInt8]) -> EncodedMessage {
        envelope.seal(inner.encode(readings, into: &buffer), in: &buffer)
    }
}
