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
}
