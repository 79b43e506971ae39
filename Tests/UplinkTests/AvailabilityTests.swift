import Logging
import Outbox
import Pipeline
import Testing
@testable import Uplink

/// The retained online/offline status (`mqtt.topics.availability`) through the ``Uplink``
/// shell, a scripted broker and a real outbox: the will at connect, `online` after CONNACK
/// before any reading, `offline` by hand at a graceful stop.
@Suite(.timeLimit(.minutes(1)))
struct AvailabilityTests {
    let context = EncoderContext(gatewayID: "g1", readingsTopic: "sensorgw/g1/readings")
    let topic = "sensorgw/g1/availability"
    let quiet = quietLogger

    func settings(availability: String?) -> MQTTSettings {
        var settings = MQTTSettings(host: "scripted", port: 1, clientID: "c", topic: "unused", statusTopic: "sensorgw/g1/status",
                                    inflightWindow: 5, reconnectInitial: .milliseconds(20), reconnectMax: .milliseconds(40),
                                    security: .plaintext)
        settings.availabilityTopic = availability
        return settings
    }

    func readings(_ count: Int) -> [Reading] {
        (0..<count).map { index in
            Reading(sensorID: "air", quantity: "temperature", value: 20 + Double(index), unit: .celsius,
                    timestamp: Timestamp(wallSeconds: 1_764_218_400 + Double(index), monotonicNanoseconds: UInt64(index),
                                         clockSynchronized: true))
        }
    }

    /// Runs an uplink over `encoder` until `count` readings are acknowledged, stops it
    /// gracefully; returns the broker.
    func deliver(_ count: Int, encoder: any ReadingEncoder, availability: String?,
                 dropOnce: Bool = false) async throws -> ScriptedBroker {
        let store = try temporaryOutbox()
        _ = try await store.append(readings(count))
        let broker = ScriptedBroker()
        let uplink = Uplink(settings: settings(availability: availability), outbox: store, encoder: encoder, logger: quiet,
                            transportFactory: broker.factory)
        let run = Task { await uplink.run(drainTimeout: .seconds(5)) }
        uplink.readingsStored()
        #expect(await eventually { uplink.statistics.acknowledged == count })
        if dropOnce {
            broker.dropConnection()
            #expect(await eventually { broker.connections == 2 && broker.messages.contains { $0.connection == 2 } })
        }
        uplink.stop()
        await run.value
        return broker
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func summary(_ message: ScriptedBroker.Message) -> String {
        "\(message.topic) \(text(message.payload))\(message.retain ? " retained" : "")"
    }

    @Test func senMLConnectsWithARetainedOfflineWillAndAnnouncesOnlineBeforeAnyReading() async throws {
        let broker = try await deliver(3, encoder: SenMLJSONEncoder(context: context), availability: topic)
        let will = try #require(broker.wills.first ?? nil)
        #expect(will.topic == topic && text(will.payload) == "offline" && will.retain && will.qos == 1)
        let messages = broker.messages
        #expect(messages.first.map(summary) == "\(topic) online retained", "online goes first, before the readings")
        #expect(messages.filter { $0.topic == "sensorgw/g1/readings" }.count == 3)
        #expect(messages.filter { !$0.retain }.allSatisfy { $0.topic == "sensorgw/g1/readings" }, "readings are not retained")
        // A graceful stop sends the will by hand: a broker drops it after a clean DISCONNECT.
        #expect(messages.last.map(summary) == "\(topic) offline retained")
    }

    @Test func everyConnectionAnnouncesOnlineAgainAndCarriesTheWill() async throws {
        let broker = try await deliver(2, encoder: SenMLCBOREncoder(context: context), availability: topic, dropOnce: true)
        #expect(broker.wills.count == 2 && broker.wills.allSatisfy { $0?.topic == topic && $0.map { text($0.payload) } == "offline" })
        let online = broker.messages.filter { $0.topic == topic && text($0.payload) == "online" }
        #expect(online.map(\.connection) == [1, 2])
        #expect(broker.messages.filter { $0.topic == topic && text($0.payload) == "offline" }.map(\.connection) == [2],
                "the dropped link's offline is the broker's to send (the will); only the stop sends one by hand")
    }

    @Test func switchedOffThereIsNoWillAndNoStatus() async throws {
        let broker = try await deliver(2, encoder: SenMLJSONEncoder(context: context), availability: nil)
        #expect(broker.wills == [nil])
        #expect(broker.messages.allSatisfy { $0.topic == "sensorgw/g1/readings" })
    }

    @Test func homeAssistantKeepsItsOwnAvailabilityTopicAndSendsItsOfflineAtAStop() async throws {
        let encoder = HomeAssistantEncoder(context: context)
        let broker = try await deliver(1, encoder: encoder, availability: topic)
        let will = try #require(broker.wills.first ?? nil)
        #expect(will.topic == encoder.availabilityTopic && will.topic != topic)
        #expect(!broker.messages.contains { $0.topic == topic }, "no second status beside Home Assistant's")
        #expect(broker.messages.last.map(summary) == "\(encoder.availabilityTopic) offline retained")
    }
}
