/// What a reading measured: a number, a boolean, a text or raw bytes (SenML's `v`, `vb`, `vs`
/// and `vd`, RFC 8428 section 4.2).
///
/// Almost every sensor reports numbers, so ``Reading`` has an initializer taking a `Double` and
/// a `number` accessor; the other cases come from drivers that have them (a
/// door contact, a firmware version, a raw frame).
public enum ReadingValue: Sendable, Hashable {
    /// A number (`v`).
    case number(Double)
    /// A boolean (`vb`).
    case boolean(Bool)
    /// A UTF-8 text (`vs`).
    case text(String)
    /// Raw bytes (`vd`): base64url without padding in JSON, a byte string in CBOR.
    case bytes([UInt8])

    /// The number, or nil for any other kind of value.
    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The boolean, or nil for any other kind of value.
    public var boolean: Bool? {
        if case .boolean(let value) = self { return value }
        return nil
    }

    /// A short name of the kind of value, for drop reasons and logs: `number`, `boolean`,
    /// `text` or `bytes`.
    public var kindName: String {
        switch self {
        case .number: "number"
        case .boolean: "boolean"
        case .text: "text"
        case .bytes: "bytes"
        }
    }

    /// Whether every format can carry it: false only for a NaN or infinite number.
    public var isCarriable: Bool {
        if case .number(let value) = self { return value.isFinite }
        return true
    }
}

extension ReadingValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
}

extension ReadingValue: CustomStringConvertible {
    /// The number as Swift prints a `Double`, `true`/`false`, the text, or the bytes in hex.
    public var description: String {
        switch self {
        case .number(let value): value.description
        case .boolean(let value): value.description
        case .text(let value): value
        case .bytes(let value):
            value.map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
        }
    }
}
