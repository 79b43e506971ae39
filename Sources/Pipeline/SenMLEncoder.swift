/// Encodes readings as SenML JSON (RFC 8428).
///
/// One reading is one SenML pack of one record:
/// `[{"bn":"<gateway>:<sensor>:","n":"temperature","u":"Cel","v":21.53,"bt":1764218400.123,"seq":17,"mono_ns":123456789,"synced":true}]`.
/// `bn`, `n`, `u`, `v` and `bt` are SenML's own labels. `seq` (the per-gateway sequence number),
/// `mono_ns` (CLOCK_MONOTONIC at measurement) and `synced` (whether the wall clock was
/// NTP-synchronized) are this gateway's extensions; they do not end in `_`, so a SenML reader
/// that does not know them may ignore them (RFC 8428 section 4.4).
public struct SenMLEncoder: Sendable {
    /// The gateway id, the first part of every base name.
    public var gatewayID: String

    /// Creates an encoder for one gateway.
    public init(gatewayID: String) {
        self.gatewayID = gatewayID
    }

    /// The JSON text of one reading; `nil` for a value JSON cannot carry (NaN, infinity).
    public func encode(_ reading: Reading) -> String? {
        guard reading.value.isFinite, reading.timestamp.wallSeconds.isFinite else { return nil }
        var json = "[{\"bn\":"
        json += JSONText.quoted(gatewayID + ":" + reading.sensorID + ":")
        json += ",\"n\":" + JSONText.quoted(reading.quantity)
        json += ",\"u\":" + JSONText.quoted(reading.unit.rawValue)
        json += ",\"v\":" + Self.number(reading.value)
        json += ",\"bt\":" + Self.number(reading.timestamp.wallSeconds)
        json += ",\"seq\":" + String(reading.sequence)
        json += ",\"mono_ns\":" + String(reading.timestamp.monotonicNanoseconds)
        json += ",\"synced\":" + (reading.timestamp.clockSynchronized ? "true" : "false")
        json += "}]"
        return json
    }

    /// Swift's shortest round-trip form, which is always a valid JSON number for finite values
    /// (`1e-05`, `21.53`, `101325.0`).
    static func number(_ value: Double) -> String {
        value.description
    }

    static func quoted(_ text: String) -> String { JSONText.quoted(text) }
}

/// JSON text helpers for the gateway's hand-written, fixed-shape messages.
public enum JSONText {
    /// A JSON string literal, escaping what RFC 8259 requires.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
