import YAML

/// `mqtt.envelope: { recipient: PATH, signing_key: PATH | "%d/NAME" }` (docs/ENVELOPE.md): the
/// backend's X25519 public key and the device's Ed25519 private key, each 64 hex digits as
/// `sensorgw envelope keygen` writes them. The signing key file must be readable by its owner
/// only, as the TLS client key.
extension SchemaReader {
    /// The encodings whose every payload is readings only, so all of it can be sealed; a
    /// Sparkplug B host and Home Assistant read birth, discovery and data messages themselves.
    static let sealableEncodings = ["senml-json", "senml-cbor"]

    func envelope(_ node: Node, path: String, anchor: Mark?) throws(ConfigurationError) -> GatewayConfiguration.EnvelopeKeys {
        var recipient: [UInt8]?
        var signingKey: [UInt8]?
        try reader.forEachEntry(of: node, path: path, allowed: ["recipient", "signing_key"]) {
            (key, value, _, keyPath) throws(ConfigurationError) in
            if key == "recipient" {
                recipient = try envelopeKey(value, path: keyPath, isPrivate: false)
            } else {
                signingKey = try envelopeKey(value, path: keyPath, isPrivate: true)
            }
        }
        guard let recipient else { throw reader.missing("\(path).recipient", in: anchor) }
        guard let signingKey else { throw reader.missing("\(path).signing_key", in: anchor) }
        return GatewayConfiguration.EnvelopeKeys(recipient: recipient, signingKey: signingKey)
    }

    private func envelopeKey(_ node: Node, path: String, isPrivate: Bool) throws(ConfigurationError) -> [UInt8] {
        try hexKeyFile(node, path: path, isPrivate: isPrivate,
                       made: "sensorgw envelope keygen --out DIR writes " + (isPrivate ? "device.key" : "recipient.pub"))
    }

    /// A 32-byte key file as `keygen` writes it (64 hex digits); `made` says which command makes it.
    func hexKeyFile(_ node: Node, path: String, isPrivate: Bool, made: String) throws(ConfigurationError) -> [UInt8] {
        let file = isPrivate ? try secretFile(node, path: path, what: made) : try readableFile(node, path: path, what: made)
        switch FileReading.contents(of: file, limit: 4096) {
        case .bytes(let bytes):
            let text = String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace }
            guard text.count == 64, let key = Self.hexBytes(text) else {
                throw fail(path, at: node.mark, "\(file) is not a key: expected 64 hex digits (\(made))")
            }
            return key
        case .tooLarge:
            throw fail(path, at: node.mark, "\(file) is larger than 4096 bytes: not a key")
        case .failed(let code):
            throw fail(path, at: node.mark, "cannot read \(file): \(FileReading.describe(errno: code))")
        }
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
