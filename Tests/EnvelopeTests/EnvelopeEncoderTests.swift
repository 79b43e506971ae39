import Envelope
import EnvelopeEncoding
import Pipeline
import Testing

@Suite("Envelope encoder")
struct EnvelopeEncoderTests {
    let timestamp = Timestamp(wallSeconds: 1_764_218_400.25, monotonicNanoseconds: 1, clockSynchronized: true)
    let inner = SenMLJSONEncoder(context: EncoderContext(gatewayID: "greenhouse-1", readingsTopic: "sensorgw/greenhouse-1/readings"),
                                 maxReadingsPerMessage: 10)

    func encoder() throws -> EnvelopeEncoder {
        try EnvelopeEncoder(wrapping: inner, recipient: TestKeys.recipient.publicKey, signingKey: TestKeys.device)
    }

    @Test func sealsTheInnerPayloadUnderItsContentType() throws {
        let readings = [
            Reading(sensorID: "air", quantity: "temperature", value: 21.5, unit: .celsius, timestamp: timestamp, sequence: 11),
            Reading(sensorID: "air", quantity: "humidity", value: 40, unit: .relativeHumidity, timestamp: timestamp, sequence: 12),
        ]
        var plain: [UInt8] = []
        let expected = inner.encode(readings[...], into: &plain)
        var sealed: [UInt8] = []
        let message = try encoder().encode(readings[...], into: &sealed)
        #expect(message == expected)
        #expect(try encoder().contentType == "application/vnd.sensorgw.envelope")
        #expect(sealed != plain)
        let opened = try Envelope.open(sealed, with: TestKeys.recipient, trusting: [TestKeys.device.publicKey])
        #expect(opened.payload == plain)
        #expect(opened.header.contentType == "application/senml+json")
        #expect(opened.header.deviceID == "greenhouse-1")
        #expect(opened.header.counter == 12)
    }

    /// NaN cannot be carried by SenML JSON: nothing to seal, nothing to publish.
    @Test func nothingCarriedGivesNothingToSeal() throws {
        let readings = [Reading(sensorID: "a", quantity: "t", value: .nan, unit: .celsius, timestamp: timestamp, sequence: 8)]
        var buffer: [UInt8] = []
        let message = try encoder().encode(readings[...], into: &buffer)
        #expect(message.carried.isEmpty && message.skipped == [8])
        #expect((try? Envelope.open(buffer, with: TestKeys.recipient, trusting: [TestKeys.device.publicKey])) == nil)
    }

    /// A format with session hooks (Sparkplug B): its births and will pass as they are, its
    /// data messages are sealed, byte for byte what the same hooks in the same state make.
    @Test func dataFromAFormatsSessionHooksIsSealedToo() throws {
        let devices = [EncoderDevice(sensorID: "air", quantities: [.init(name: "temperature", unit: .celsius)])]
        let context = EncoderContext(gatewayID: "greenhouse-1", readingsTopic: "sensorgw/greenhouse-1/readings", devices: devices,
                                     sparkplugGroupID: "farm", sparkplugEdgeNodeID: "greenhouse-1")
        let sparkplug = try #require(ReadingEncoders.named("sparkplug-b")).makeEncoder(context)
        let sealing = try EnvelopeEncoder(wrapping: sparkplug, recipient: TestKeys.recipient.publicKey, signingKey: TestKeys.device)
        var plain = try #require(sparkplug.makeConnectionHooks())
        var sealed = try #require(sealing.makeConnectionHooks())
        plain.restore(nil)
        sealed.restore(nil)
        #expect(plain.willForNextConnection(wallSeconds: 5) == sealed.willForNextConnection(wallSeconds: 5))
        #expect(plain.connected(wallSeconds: 5) == sealed.connected(wallSeconds: 5))
        let readings = [Reading(sensorID: "air", quantity: "temperature", value: 21.5, unit: .celsius, timestamp: timestamp, sequence: 3)]
        var plainBytes: [UInt8] = []
        var sealedBytes: [UInt8] = []
        let plainMessage = plain.encode(readings[...], into: &plainBytes)
        let sealedMessage = sealed.encode(readings[...], into: &sealedBytes)
        #expect(sealedMessage == plainMessage && sealedMessage.carried == [3])
        let opened = try Envelope.open(sealedBytes, with: TestKeys.recipient, trusting: [TestKeys.device.publicKey])
        #expect(opened.payload == plainBytes)
        #expect(opened.header.contentType == sparkplug.contentType)
    }
}
