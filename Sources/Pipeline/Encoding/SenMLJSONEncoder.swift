/// Encodes readings as SenML JSON (RFC 8428), content type `application/senml+json`.
///
/// One reading is one SenML pack of one record:
/// `[{"bn":"<gateway>:<sensor>:","n":"temperature","u":"Cel","v":21.53,"bt":1764218400.123,"seq":17,"mono_ns":123456789,"synced":true}]`.
/// `bn`, `bu`, `n`, `u`, `v`, `vb`, `vs`, `vd` (base64url, no padding), `bt` and `t` are SenML's
/// own labels. `seq` (the per-gateway sequence number), `mono_ns` (CLOCK_MONOTONIC at
/// measurement), `synced` (whether the wall clock was NTP-synchronized) , `t_rebased` (the
/// wall time re-based after the clock synced) and `boot` (the boot id of a reading that could not
/// be re-based) are this gateway's extensions; they do not end in
/// `_`, so a SenML reader that does not know them may ignore them (RFC 8428 section 4.4).
///
/// With more than one reading per message the pack is compacted as ``SenMLRecordPlan``
/// describes (docs/FORMATS.md): base name, base unit, base time, and the extension fields held
/// from record to record. Numbers that are integers exactly are written without a fraction.
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
        var carriedReadings: [Reading] = []
        carriedReadings.reserveCapacity(readings.count)
        var skipped: [UInt64] = []
        for reading in readings {
            if Self.canCarry(reading) { carriedReadings.append(reading) } else { skipped.append(reading.sequence) }
        }
        guard !carriedReadings.isEmpty else {
            return EncodedMessage(topic: context.readingsTopic, carried: [], skipped: skipped)
        }
        let plans = SenMLRecordPlan.plans(for: carriedReadings)
        buffer.append(UInt8(ascii: "["))
        for (index, (reading, plan)) in zip(carriedReadings, plans).enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            appendRecord(reading, plan, to: &buffer)
        }
        buffer.append(UInt8(ascii: "]"))
        return EncodedMessage(topic: context.readingsTopic, carried: carriedReadings.map(\.sequence), skipped: skipped)
    }

    private func appendRecord(_ reading: Reading, _ plan: SenMLRecordPlan, to buffer: inout [UInt8]) {
        var first = true
        func label(_ label: StaticString, _ buffer: inout [UInt8]) {
            if !first { buffer.append(UInt8(ascii: ",")) }
            first = false
            buffer.append(UInt8(ascii: "\""))
            label.withUTF8Buffer { buffer.append(contentsOf: $0) }
            buffer.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        buffer.append(UInt8(ascii: "{"))
        if let baseName = plan.baseName {
            label("bn", &buffer)
            buffer.append(UInt8(ascii: "\""))
            JSONText.appendEscaped(context.gatewayID, to: &buffer)
            buffer.append(UInt8(ascii: ":"))
            JSONText.appendEscaped(baseName.sensorID, to: &buffer)
            buffer.append(UInt8(ascii: ":"))
            if let quantity = baseName.quantity { JSONText.appendEscaped(quantity, to: &buffer) }
            buffer.append(UInt8(ascii: "\""))
        }
        if let baseUnit = plan.baseUnit {
            label("bu", &buffer)
            JSONText.appendQuoted(baseUnit, to: &buffer)
        }
        if let name = plan.name {
            label("n", &buffer)
            JSONText.appendQuoted(name, to: &buffer)
        }
        if let unit = plan.unit {
            label("u", &buffer)
            JSONText.appendQuoted(unit, to: &buffer)
        }
        switch reading.value {
        case .number(let number):
            label("v", &buffer)
            JSONText.appendCompactNumber(number, to: &buffer)
        case .boolean(let flag):
            label("vb", &buffer)
            appendBool(flag, to: &buffer)
        case .text(let text):
            label("vs", &buffer)
            JSONText.appendQuoted(text, to: &buffer)
        case .bytes(let data):
            label("vd", &buffer)
            buffer.append(UInt8(ascii: "\""))
            JSONText.appendBase64URL(data, to: &buffer)
            buffer.append(UInt8(ascii: "\""))
        }
        if let baseTime = plan.baseTime {
            label("bt", &buffer)
            JSONText.appendCompactNumber(baseTime, to: &buffer)
        }
        if let time = plan.time {
            label("t", &buffer)
            JSONText.appendCompactNumber(time, to: &buffer)
        }
        if let sequence = plan.sequence {
            label("seq", &buffer)
            JSONText.appendDecimal(sequence, to: &buffer)
        }
        if let monotonic = plan.monotonicNanoseconds {
            label("mono_ns", &buffer)
            JSONText.appendDecimal(monotonic, to: &buffer)
        }
        if let synchronized = plan.synchronized {
            label("synced", &buffer)
            appendBool(synchronized, to: &buffer)
        }
        if let rebased = plan.rebasedTime {
            label("t_rebased", &buffer)
            JSONText.appendCompactNumber(rebased, to: &buffer)
        }
        if let boot = plan.bootID {
            label("boot", &buffer)
            JSONText.appendQuoted(boot, to: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
    }

    private func appendBool(_ flag: Bool, to buffer: inout [UInt8]) {
        let text: StaticString = flag ? "true" : "false"
        text.withUTF8Buffer { buffer.append(contentsOf: $0) }
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
        reading.value.isCarriable && reading.timestamp.wallSeconds.isFinite
    }
}
