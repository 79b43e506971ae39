/// Encodes readings as SenML JSON (RFC 8428), content type `application/senml+json`.
///
/// One reading is one SenML pack of one record:
/// `[{"bn":"<gateway>:<sensor>:","n":"temperature","u":"Cel","v":21.53,"bt":1764218400.123,"seq":17,"mono_ns":123456789,"synced":true}]`.
/// `bn`, `n`, `u`, `v` and `bt` are SenML's own labels. `seq` (the per-gateway sequence number),
/// `mono_ns` (CLOCK_MONOTONIC at measurement) and `synced` (whether the wall clock was
/// NTP-synchronized) are this gateway's extensions; they do not end in `_`, so a SenML reader
/// that does not know them may ignore them (RFC 8428 section 4.4).
///
/// With more than one reading per message the pack has one record per reading; `bn` is written
/// only when it changes (a base value holds until a later record sets it again).
public struct SenMLJSONEncoder: ReadingEncoder {
    /// The registry entry: `senml-json`, one reading per message.
    public static let factory = ReadingEncoderFactory(
        name: "senml-json", summary: "SenML JSON (RFC 8428), one reading per message"
    ) { SenMLJSONEncoder(context: $0, maxReadingsPerMessage: $1 ?? 1) }

    public let context: EncoderContext
    public let maxReadingsPerMessage: Int
    public var contentType: String { "application/senml+json" }

    /// The gateway id, the first part of every base name.
    public var gatewayID: String { context.gatewayID }

    /// Creates an encoder for one gateway.
    public init(context: EncoderContext, maxReadingsPerMessage: Int = 1) {
        self.context = context
        self.maxReadingsPerMessage = Swift.max(1, maxReadingsPerMessage)
    }

    /// Creates an encoder that is not going to publish (probes, benches): no topic.
    public init(gatewayID: String) {
        self.init(context: EncoderContext(gatewayID: gatewayID, readingsTopic: ""))
    }

    public func encode(_ readings: ArraySlice<Reading>, into buffer: inout [UInt8]) -> EncodedMessage {
        buffer.removeAll(keepingCapacity: true)
        var carried: [UInt64] = []
        var skipped: [UInt64] = []
        carried.reserveCapacity(readings.count)
        var previousSensor: String?
        buffer.append(UInt8(ascii: "["))
        for reading in readings {
            guard Self.canCarry(reading) else {
                skipped.append(reading.sequence)
                continue
            }
            if !carried.isEmpty { buffer.append(UInt8(ascii: ",")) }
            buffer.append(UInt8(ascii: "{"))
            if reading.sensorID != previousSensor {
                append(label: "bn", to: &buffer)
                buffer.append(UInt8(ascii: "\""))
                JSONText.appendEscaped(context.gatewayID, to: &buffer)
                buffer.append(UInt8(ascii: ":"))
                JSONText.appendEscaped(reading.sensorID, to: &buffer)
                buffer.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: "\""), UInt8(ascii: ",")])
                previousSensor = reading.sensorID
            }
            append(label: "n", to: &buffer)
            JSONText.appendQuoted(reading.quantity, to: &buffer)
            buffer.append(UInt8(ascii: ","))
            append(label: "u", to: &buffer)
            JSONText.appendQuoted(reading.unit.rawValue, to: &buffer)
            buffer.append(UInt8(ascii: ","))
            append(label: "v", to: &buffer)
            JSONText.appendNumber(reading.value, to: &buffer)
            buffer.append(UInt8(ascii: ","))
            append(label: "bt", to: &buffer)
            JSONText.appendNumber(reading.timestamp.wallSeconds, to: &buffer)
            buffer.append(UInt8(ascii: ","))
            append(label: "seq", to: &buffer)
            JSONText.appendDecimal(reading.sequence, to: &buffer)
            buffer.append(UInt8(ascii: ","))
            append(label: "mono_ns", to: &buffer)
            JSONText.appendDecimal(reading.timestamp.monotonicNanoseconds, to: &buffer)
            buffer.append(UInt8(ascii: ","))
            append(label: "synced", to: &buffer)
            let flag: StaticString = reading.timestamp.clockSynchronized ? "true" : "false"
            flag.withUTF8Buffer { buffer.append(contentsOf: $0) }
            buffer.append(UInt8(ascii: "}"))
            carried.append(reading.sequence)
        }
        buffer.append(UInt8(ascii: "]"))
        if carried.isEmpty { buffer.removeAll(keepingCapacity: true) }
        return EncodedMessage(topic: context.readingsTopic, carried: carried, skipped: skipped)
    }

    /// The JSON text of one reading; `nil` for a value JSON cannot carry (NaN, infinity).
    public func encode(_ reading: Reading) -> String? {
        var buffer: [UInt8] = []
        let message = encode([reading][...], into: &buffer)
        guard !message.carried.isEmpty else { return nil }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// JSON has no NaN or infinity.
    static func canCarry(_ reading: Reading) -> Bool {
        reading.value.isFinite && reading.timestamp.wallSeconds.isFinite
    }

    /// `"label":`; labels are fixed ASCII and need no escaping.
    private func append(label: StaticString, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        label.withUTF8Buffer { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }
}
