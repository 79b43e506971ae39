import CMosquitto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C view of the uplink's TLS settings (`sgw_tls_settings`, `sgw_tls_pins`), with storage
/// that lives as long as this object: the pins are read by the verify callback for as long as
/// the SSL_CTX built from them exists, so the owner keeps this object past `mosquitto_destroy`.
final class TLSContextSettings: @unchecked Sendable {
    // @unchecked: the buffers are written once in init and only read afterwards.
    private(set) var raw = sgw_tls_settings()
    let pins: UnsafeMutablePointer<sgw_tls_pins>
    private var strings: [UnsafeMutablePointer<CChar>] = []
    private let alpnWire: UnsafeMutableBufferPointer<UInt8>

    init(caFile: String, certificateFile: String?, keyFile: String?, host: String?, options: MQTTSettings.TLSOptions) {
        pins = .allocate(capacity: 1)
        pins.initialize(to: sgw_tls_pins())
        let wire = Self.alpnWire(options.alpn)
        alpnWire = .allocate(capacity: max(wire.count, 1))
        _ = alpnWire.initialize(from: wire)
        func owned(_ text: String) -> UnsafePointer<CChar> {
            let copy = strdup(text)!
            strings.append(copy)
            return UnsafePointer(copy)
        }
        raw.ca = owned(caFile)
        // NULL: no client certificate (server-only TLS); sgw_tls_context_new loads none.
        raw.certificate = certificateFile.map(owned)
        raw.key = keyFile.map(owned)
        raw.crl = options.crlFile.map(owned)
        raw.host = host.map(owned)
        raw.min_version = options.requireTLS13 ? TLS1_3_VERSION : TLS1_2_VERSION
        raw.alpn = wire.isEmpty ? nil : UnsafePointer(alpnWire.baseAddress)
        raw.alpn_length = UInt32(wire.count)
        raw.enforce = 1
        let count = min(options.pinnedKeys.count, Int(SGW_MAX_PINS))
        pins.pointee.count = Int32(count)
        withUnsafeMutableBytes(of: &pins.pointee.digests) { bytes in
            for (index, digest) in options.pinnedKeys.prefix(count).enumerated() where digest.count == Int(SGW_PIN_LENGTH) {
                for (offset, byte) in digest.enumerated() { bytes[index * Int(SGW_PIN_LENGTH) + offset] = byte }
            }
        }
    }

    deinit {
        for string in strings { free(string) }
        pins.deallocate()
        alpnWire.deallocate()
    }

    /// RFC 7301 section 3.1: each name preceded by its length in one byte.
    static func alpnWire(_ names: [String]) -> [UInt8] {
        names.flatMap { name in [UInt8(min(name.utf8.count, 255))] + name.utf8.prefix(255) }
    }
}
