/// The version 1 byte layout (docs/ENVELOPE.md, "Layout"); all integers big-endian.
///
///     version(1) suite(1) recipient_kid(8) signer_kid(8) counter(8)
///     device_id_len(1) device_id content_type_len(1) content_type      <- header (HPKE info)
///     enc(32) ciphertext(plaintext + 16)                                <- HPKE output
///     signature(64)                                                    <- Ed25519 over all above
public enum EnvelopeLayout {
    /// The only version this code writes and reads.
    public static let version: UInt8 = 1
    /// Suite 1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305 (RFC 9180 ids 0x0020,
    /// 0x0001, 0x0003).
    public static let suiteX25519ChaChaPoly: UInt8 = 1
    /// Bytes of a key id.
    public static let keyIDSize = 8
    /// Bytes of the X25519 encapsulated key (`enc`).
    public static let encSize = 32
    /// Bytes of the Poly1305 tag at the end of the ciphertext.
    public static let tagSize = 16
    /// Bytes of an Ed25519 signature.
    public static let signatureSize = 64
    /// Bytes of the fixed part of the header, before the device id's length byte.
    static let fixedHeaderSize = 1 + 1 + keyIDSize + keyIDSize + 8
    /// Longest device id or content type, in UTF-8 bytes (one length byte each).
    public static let maxFieldSize = 255
}

/// What the signed header says, readable without any key.
public struct EnvelopeHeader: Sendable, Hashable {
    /// The key id of the backend X25519 key the payload is sealed to.
    public var recipientKeyID: EnvelopeKeyID
    /// The key id of the device Ed25519 key that signed the envelope.
    public var signerKeyID: EnvelopeKeyID
    /// The sender's counter (for the gateway: the newest reading's sequence number), for
    /// duplicate and replay detection by the receiver.
    public var counter: UInt64
    /// The sending device, e.g. the gateway id `greenhouse-1`.
    public var deviceID: String
    /// The content type of the sealed payload, e.g. `application/senml+cbor`.
    public var contentType: String
}

/// An envelope cut into its parts, the signature not yet checked.
public struct ParsedEnvelope: Sendable, Hashable {
    /// The header fields.
    public var header: EnvelopeHeader
    /// The header's bytes: HPKE's `info`, so the ciphertext is bound to them.
    public var headerBytes: [UInt8]
    /// The HPKE encapsulated key.
    public var enc: [UInt8]
    /// The HPKE ciphertext, tag included.
    public var ciphertext: [UInt8]
    /// Every byte the signature covers: header, enc and ciphertext.
    public var signedBytes: [UInt8]
    /// The Ed25519 signature.
    public var signature: [UInt8]
}

extension EnvelopeHeader {
    /// The header's bytes; throws if a text field is empty or too long.
    func encoded() throws(EnvelopeError) -> [UInt8] {
        let device = Array(deviceID.utf8)
        let content = Array(contentType.utf8)
        guard (1...EnvelopeLayout.maxFieldSize).contains(device.count) else { throw .invalidField("device id") }
        guard (1...EnvelopeLayout.maxFieldSize).contains(content.count) else { throw .invalidField("content type") }
        var out: [UInt8] = [EnvelopeLayout.version, EnvelopeLayout.suiteX25519ChaChaPoly]
        out += recipientKeyID.bytes
        out += signerKeyID.bytes
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: counter >> UInt64(shift))) }
        out.append(UInt8(device.count))
        out += device
        out.append(UInt8(content.count))
        out += content
        return out
    }
}

extension ParsedEnvelope {
    /// Cuts `bytes` into header, enc, ciphertext and signature; checks only the layout.
    public init(parsing bytes: [UInt8]) throws(EnvelopeError) {
        guard let first = bytes.first else { throw .truncated }
        guard first == EnvelopeLayout.version else { throw .unsupportedVersion(first) }
        guard bytes.count > 1 else { throw .truncated }
        guard bytes[1] == EnvelopeLayout.suiteX25519ChaChaPoly else { throw .unsupportedSuite(bytes[1]) }
        var cursor = 2
        func take(_ count: Int) throws(EnvelopeError) -> ArraySlice<UInt8> {
            guard bytes.count - cursor >= count else { throw .truncated }
            defer { cursor += count }
            return bytes[cursor..<(cursor + count)]
        }
        func text(_ name: String) throws(EnvelopeError) -> String {
            let length = Int(try take(1).first ?? 0)
            guard length > 0 else { throw .invalidField(name) }
            guard let value = String(validating: try take(length), as: UTF8.self) else { throw .invalidField(name) }
            return value
        }
        guard let recipient = EnvelopeKeyID(bytes: try take(EnvelopeLayout.keyIDSize)),
              let signer = EnvelopeKeyID(bytes: try take(EnvelopeLayout.keyIDSize)) else { throw .truncated }
        let counter = try take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let deviceID = try text("device id")
        let contentType = try text("content type")
        let headerEnd = cursor
        let enc = try take(EnvelopeLayout.encSize)
        let signatureStart = bytes.count - EnvelopeLayout.signatureSize
        guard signatureStart - cursor >= EnvelopeLayout.tagSize else { throw .truncated }
        self.header = EnvelopeHeader(recipientKeyID: recipient, signerKeyID: signer, counter: counter,
                                     deviceID: deviceID, contentType: contentType)
        self.headerBytes = Array(bytes[..<headerEnd])
        self.enc = Array(enc)
        self.ciphertext = Array(bytes[cursor..<signatureStart])
        self.signedBytes = Array(bytes[..<signatureStart])
        self.signature = Array(bytes[signatureStart...])
    }
}
