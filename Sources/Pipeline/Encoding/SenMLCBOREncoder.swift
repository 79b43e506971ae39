/// Encodes readings as SenML CBOR (RFC 8428 section 6), content type `application/senml+cbor`.
///
/// A message is one pack (a CBOR array) of one record (a CBOR map) per reading, with SenML's
/// integer labels: `bn` -2, `bt` -3, `bu` -4, `n` 0, `u` 1, `v` 2, `vs` 3, `vb` 4, `t` 6,
/// `vd` 8 (a byte string). This gateway's extensions keep their text labels, as in JSON:
/// `"seq"`, `"mono_ns"` (unsigned), `"synced"` (bool), `"t_rebased"` (number), `"boot"` (text).
///
/// A batch is compacted by ``SenMLRecordPlan``: base name, base unit and base time, and the
/// extension fields held from record to record (docs/FORMATS.md). Numbers are integers where
/// they are exactly one, else the shortest IEEE float (half, single, double) that holds them
/// exactly; times likewise, so nothing is rounded.
public struct SenMLCBOREncoder: ReadingEncoder {
    /// The registry entry: `senml-cbor`, up to ``defaultReadingsPerMessage`` readings a message.
    public static let factory = ReadingEncoderFactory(
        name: "senml-cbor", summary: "SenML CBOR (RFC 8428 section 6), batched readings per message"
    ) { SenMLCBOREncoder(context: $0, maxReadingsPerMessage: $1 ?? SenMLCBOREncoder.defaultReadingsPerMessage) }

    /// Readings per message unless told otherwise: a batch of this size is a few kilobytes.
    public static let defaultReadingsPerMessage = 32

    /// RFC 8428 section 6, table 4.
    enum Label {
        static let baseName: Int64 = -2
        static let baseTime: Int64 = -3
        static let baseUnit: Int64 = -4
        static let name: Int64 = 0
        static let unit: Int64 = 1
        static let value: Int64 = 2
        static let stringValue: Int64 = 3
        static let booleanValue: Int64 = 4
        static let time: Int64 = 6
        static let dataValue: Int64 = 8
    }

    public let context: EncoderContext
    public let maxReadingsPerMessage: Int
    public var contentType: String { "application/senml+cbor" }

    /// Creates an encoder for one gateway.
    public init(context: EncoderContext, maxReadingsPerMessage: Int = SenMLCBOREncoder.defaultReadingsPerMessage) {
        self.context = context
        self.maxReadingsPerMessage = Swift.max(1, maxReadingsPerMessage)
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
        CBORWriter.appendArrayHeader(count: carriedReadings.count, to: &buffer)
        for (reading, plan) in zip(carriedReadings, plans) {
            appendRecord(reading, plan, to: &buffer)
        }
        return EncodedMessage(topic: context.readingsTopic, carried: carriedReadings.map(\.sequence), skipped: skipped)
    }

    private func appendRecord(_ reading: Reading, _ plan: SenMLRecordPlan, to buffer: inout [UInt8]) {
        CBORWriter.appendMapHeader(count: plan.fieldCount, to: &buffer)
        if let baseName = plan.baseName {
            CBORWriter.appendInteger(Label.baseName, to: &buffer)
            let quantity = baseName.quantity ?? ""
            CBORWriter.appendTextHeader(
                byteCount: context.gatewayID.utf8.count + baseName.sensorID.utf8.count + 2 + quantity.utf8.count, to: &buffer)
            buffer.append(contentsOf: context.gatewayID.utf8)
            buffer.append(UInt8(ascii: ":"))
            buffer.append(contentsOf: baseName.sensorID.utf8)
            buffer.append(UInt8(ascii: ":"))
            buffer.append(contentsOf: quantity.utf8)
        }
        if let baseTime = plan.baseTime {
            CBORWriter.appendInteger(Label.baseTime, to: &buffer)
            CBORWriter.appendNumber(baseTime, to: &buffer)
        }
        if let baseUnit = plan.baseUnit {
            CBORWriter.appendInteger(Label.baseUnit, to: &buffer)
            CBORWriter.appendText(baseUnit, to: &buffer)
        }
        if let name = plan.name {
            CBORWriter.appendInteger(Label.name, to: &buffer)
            CBORWriter.appendText(name, to: &buffer)
        }
        if let unit = plan.unit {
            CBORWriter.appendInteger(Label.unit, to: &buffer)
            CBORWriter.appendText(unit, to: &buffer)
        }
        switch reading.value {
        case .number(let number):
            CBORWriter.appendInteger(Label.value, to: &buffer)
            CBORWriter.appendNumber(number, to: &buffer)
        case .boolean(let flag):
            CBORWriter.appendInteger(Label.booleanValue, to: &buffer)
            CBORWriter.appendBool(flag, to: &buffer)
        case .text(let text):
            CBORWriter.appendInteger(Label.stringValue, to: &buffer)
            CBORWriter.appendText(text, to: &buffer)
        case .bytes(let data):
            CBORWriter.appendInteger(Label.dataValue, to: &buffer)
            CBORWriter.appendBytes(data, to: &buffer)
        }
        if let time = plan.time {
            CBORWriter.appendInteger(Label.time, to: &buffer)
            CBORWriter.appendNumber(time, to: &buffer)
        }
        if let sequence = plan.sequence {
            CBORWriter.appendText("seq", to: &buffer)
            CBORWriter.appendUnsigned(sequence, to: &buffer)
        }
        if let monotonic = plan.monotonicNanoseconds {
            CBORWriter.appendText("mono_ns", to: &buffer)
            CBORWriter.appendUnsigned(monotonic, to: &buffer)
        }
        if let synchronized = plan.synchronized {
            CBORWriter.appendText("synced", to: &buffer)
            CBORWriter.appendBool(synchronized, to: &buffer)
        }
        if let rebased = plan.rebasedTime {
            CBORWriter.appendText("t_rebased", to: &buffer)
            CBORWriter.appendNumber(rebased, to: &buffer)
        }
        if let boot = plan.bootID {
            CBORWriter.appendText("boot", to: &buffer)
            CBORWriter.appendText(boot, to: &buffer)
        }
    }

    /// SenML's numbers are finite: NaN and infinity are refused, as in JSON.
    static func canCarry(_ reading: Reading) -> Bool {
        reading.value.isCarriable && reading.timestamp.wallSeconds.isFinite
    }
}
