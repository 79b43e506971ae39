/// Encodes readings as SenML CBOR (RFC 8428 section 6), content type `application/senml+cbor`.
///
/// A message is one pack (a CBOR array) of one record (a CBOR map) per reading, with SenML's
/// integer labels: `bn` -2, `bt` -3, `n` 0, `u` 1, `v` 2, `t` 6. This gateway's extensions keep
/// their text labels, as in JSON: `"seq"` (unsigned), `"mono_ns"` (unsigned), `"synced"` (bool).
///
/// A batch stays compact through SenML's base values, which hold until a later record sets them
/// again: the base name `<gateway>:<sensor>:` is written only when the sensor changes; the first
/// record carries the base time `bt` (its wall time) and later records the difference `t`
/// (left out when zero, as for the three quantities of one BME280 sample). A difference that
/// would not add back to the exact wall time gets a fresh `bt` instead, so no time is rounded.
/// Values are the shortest IEEE float (half, single, double) that holds them exactly.
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
        static let name: Int64 = 0
        static let unit: Int64 = 1
        static let value: Int64 = 2
        static let time: Int64 = 6
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
        var skipped: [UInt64] = []
        // The array head needs the count first; refusals are rare, so count them in a first pass.
        let carriedCount = readings.reduce(0) { $0 + (Self.canCarry($1) ? 1 : 0) }
        var carried: [UInt64] = []
        carried.reserveCapacity(carriedCount)
        guard carriedCount > 0 else {
            return EncodedMessage(topic: context.readingsTopic, carried: [], skipped: readings.map(\.sequence))
        }
        CBORWriter.appendArrayHeader(count: carriedCount, to: &buffer)
        var baseSensor: String?
        var baseTime: Double?
        for reading in readings {
            guard Self.canCarry(reading) else {
                skipped.append(reading.sequence)
                continue
            }
            let wall = reading.timestamp.wallSeconds
            let writesBaseName = reading.sensorID != baseSensor
            var relativeTime: Double?
            if let baseTime {
                let difference = wall - baseTime
                relativeTime = difference.isFinite && baseTime + difference == wall ? difference : nil
            }
            let writesBaseTime = relativeTime == nil
            let writesTime = !writesBaseTime && relativeTime != 0

            CBORWriter.appendMapHeader(count: 6 + (writesBaseName ? 1 : 0) + (writesBaseTime ? 1 : 0) + (writesTime ? 1 : 0),
                                       to: &buffer)
            if writesBaseName {
                CBORWriter.appendInteger(Label.baseName, to: &buffer)
                let nameBytes = context.gatewayID.utf8.count + reading.sensorID.utf8.count + 2
                CBORWriter.appendTextHeader(byteCount: nameBytes, to: &buffer)
                buffer.append(contentsOf: context.gatewayID.utf8)
                buffer.append(UInt8(ascii: ":"))
                buffer.append(contentsOf: reading.sensorID.utf8)
                buffer.append(UInt8(ascii: ":"))
                baseSensor = reading.sensorID
            }
            if writesBaseTime {
                CBORWriter.appendInteger(Label.baseTime, to: &buffer)
                CBORWriter.appendFloat(wall, to: &buffer)
                baseTime = wall
            }
            CBORWriter.appendInteger(Label.name, to: &buffer)
            CBORWriter.appendText(reading.quantity, to: &buffer)
            CBORWriter.appendInteger(Label.unit, to: &buffer)
            CBORWriter.appendText(reading.unit.rawValue, to: &buffer)
            CBORWriter.appendInteger(Label.value, to: &buffer)
            CBORWriter.appendFloat(reading.value, to: &buffer)
            if writesTime, let relativeTime {
                CBORWriter.appendInteger(Label.time, to: &buffer)
                CBORWriter.appendFloat(relativeTime, to: &buffer)
            }
            CBORWriter.appendText("seq", to: &buffer)
            CBORWriter.appendUnsigned(reading.sequence, to: &buffer)
            CBORWriter.appendText("mono_ns", to: &buffer)
            CBORWriter.appendUnsigned(reading.timestamp.monotonicNanoseconds, to: &buffer)
            CBORWriter.appendText("synced", to: &buffer)
            CBORWriter.appendBool(reading.timestamp.clockSynchronized, to: &buffer)
            carried.append(reading.sequence)
        }
        return EncodedMessage(topic: context.readingsTopic, carried: carried, skipped: skipped)
    }

    /// SenML's numbers are finite: NaN and infinity are refused, as in JSON.
    static func canCarry(_ reading: Reading) -> Bool {
        reading.value.isFinite && reading.timestamp.wallSeconds.isFinite
    }
}
