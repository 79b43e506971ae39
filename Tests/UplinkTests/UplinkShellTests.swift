#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Outbox
import Pipeline
import Synchronization
import Testing
@testable import Uplink

/// The ``Uplink`` shell with a scripted transport and a real ``OutboxStore`` in a temporary
/// directory: what the session decides really reaches the outbox and the wire.
@Suite(.timeLimit(.minutes(1)))
struct UplinkShellTests {
    let context = EncoderContext(gatewayID: "g1", readingsTopic: "sensorgw/g1/readings")

    func settings(window: Int = 5) -> MQTTSettings {
        MQTTSettings(host: "scripted", port: 1, clientID: "c", topic: "unused", statusTopic: "sensorgw/g1/status",
                     inflightWindow: window, reconnectInitial: .milliseconds(20), reconnectMax: .milliseconds(40),
                     security: .plaintext)
    }

    func readings(_ count: Int) -> [Reading] {
        (0..<count).map { index in
            Reading(sensorID: "air", quantity: "temperature", value: 20 + Double(index) / 4, unit: .celsius,
                    timestamp: Timestamp(wallSeconds: 1_764_218_400 + Double(index), monotonicNanoseconds: UInt64(index),
                                         clockSynchronized: true))
        }
    }

    let quiet = quietLogger

    @Test func deliversEveryReadingAsSenMLJSONAndEmptiesTheOutbox() async throws {
        let outbox = try temporaryOutbox()
        let stored = try await outbox.append(readings(5))
        let broker = ScriptedBroker()
        let encoder = SenMLJSONEncoder(context: context)
        let uplink = Uplink(settings: settings(), outbox: outbox, encoder: encoder, logger: quiet,
                            transportFactory: broker.factory)
        let run = Task { await uplink.run(drainTimeout: .seconds(5)) }
        uplink.readingsStored()
        #expect(await eventually { uplink.statistics.acknowledged == 5 })
        uplink.stop()
        await run.value
        #expect(try await outbox.count() == 0)
        let messages = broker.messages
        #expect(messages.map(\.payload) == stored.compactMap { encoder.encode($0).map { Array($0.utf8) } })
        #expect(messages.allSatisfy { $0.topic == "sensorgw/g1/readings" && $0.contentType == "application/senml+json" })
    }

    @Test func aRefusedReadingStaysStoredAndIsResentWithTheSamePayloadAfterReconnect() async throws {
        let outbox = try temporaryOutbox()
        _ = try await outbox.append(readings(3))
        let refusedOnce = Mutex(false)
        let broker = ScriptedBroker { message in
            let isSecond = String(decoding: message.payload, as: UTF8.self).contains(#""seq":2,"#)
            guard isSecond else { return 0 }
            // 0x87, not authorized, the first time only.
            return refusedOnce.withLock { refused in defer { refused = true }; return refused ? 0 : 0x87 }
        }
        let uplink = Uplink(settings: settings(), outbox: outbox, encoder: SenMLJSONEncoder(context: context), logger: quiet,
                            transportFactory: broker.factory)
        let run = Task { await uplink.run(drainTimeout: .seconds(5)) }
        uplink.readingsStored()
        #expect(await eventually { uplink.statistics.acknowledged == 2 && uplink.statistics.refused == 1 })
        #expect(try await outbox.pending(after: 0, limit: 10).map(\.sequence) == [2])
        broker.dropConnection()
        #expect(await eventually { uplink.statistics.acknowledged == 3 })
        uplink.stop()
        await run.value
        #expect(try await outbox.count() == 0)
        let copies = broker.messages.filter { String(decoding: $0.payload, as: UTF8.self).contains(#""seq":2,"#) }
        #expect(copies.count == 2)
        #expect(Set(copies.map(\.payload)).count == 1, "a re-send is the same reading, same number")
        #expect(copies.map(\.connection) == [1, 2])
    }

    @Test func stopReturnsAfterTheDeadlineWithUnansweredReadingsStillStored() async throws {
        let outbox = try temporaryOutbox()
        _ = try await outbox.append(readings(3))
        let broker = ScriptedBroker { _ in nil }  // never answers
        let uplink = Uplink(settings: settings(), outbox: outbox, encoder: SenMLJSONEncoder(context: context), logger: quiet,
                            transportFactory: broker.factory)
        let run = Task { await uplink.run(drainTimeout: .milliseconds(200)) }
        uplink.readingsStored()
        #expect(await eventually { broker.messages.count == 3 })
        uplink.stop()
        await run.value  // returns: the time limit fails the test if it does not
        #expect(try await outbox.count() == 3)
        #expect(uplink.statistics.acknowledged == 0)
    }

    @Test func aCBORBatchOfNReadingsIsAcknowledgedByOnePuback() async throws {
        let outbox = try temporaryOutbox()
        _ = try await outbox.append(readings(10))
        let broker = ScriptedBroker()
        let encoder = SenMLCBOREncoder(context: context, maxReadingsPerMessage: 4)
        let uplink = Uplink(settings: settings(window: 2), outbox: outbox, encoder: encoder, logger: quiet,
                            transportFactory: broker.factory)
        let run = Task { await uplink.run(drainTimeout: .seconds(5)) }
        uplink.readingsStored()
        #expect(await eventually { uplink.statistics.acknowledged == 10 })
        uplink.stop()
        await run.value
        #expect(try await outbox.count() == 0)
        let messages = broker.messages
        #expect(messages.count == 3, "4 + 4 + 2 readings")
        #expect(uplink.statistics.published == 3)
        #expect(messages.allSatisfy { $0.contentType == "application/senml+cbor" })
        // A CBOR array head of 4 (0x84) and of 2 (0x82) records.
        #expect(messages.map { $0.payload.first } == [0x84, 0x84, 0x82])
    }

    @Test func refusedConnectionsAreRetriedUntilOneIsAccepted() async throws {
        let outbox = try temporaryOutbox()
        _ = try await outbox.append(readings(2))
        let broker = ScriptedBroker(refuseConnections: 2)
        let uplink = Uplink(settings: settings(), outbox: outbox, encoder: SenMLJSONEncoder(context: context), logger: quiet,
                            transportFactory: broker.factory)
        let run = Task { await uplink.run(drainTimeout: .seconds(5)) }
        #expect(await eventually { uplink.statistics.acknowledged == 2 })
        uplink.stop()
        await run.value
        #expect(uplink.statistics.connectionAttempts == 3)
        #expect(uplink.statistics.connections == 1)
    }
}
