import Logging
import Outbox
import Pipeline
import Synchronization
import Testing
@testable import Uplink

/// The failover list in the session alone (virtual time, the pretend shell): which broker each
/// attempt dials, when the backoff waits and grows, and that a new broker gets every
/// unacknowledged reading again, in order, with its original sequence number.
@Suite struct FailoverSessionTests {
    static let b = MQTTSettings.Broker(host: "b.test", port: 8884)
    static let c = MQTTSettings.Broker(host: "c.test", port: 8885)

    func harness(failover: [MQTTSettings.Broker] = [b, c], window: Int = 5) -> SessionHarness {
        SessionHarness(window: window, reconnectInitial: .seconds(1), reconnectMax: .seconds(8), random: 0, failover: failover)
    }

    func reconnectWaits(_ harness: SessionHarness) -> [Duration] {
        harness.timerStarts.filter { $0.0 == .reconnect }.map(\.1)
    }

    @Test func aFailedAttemptDialsTheNextBrokerAtOnceAndOnlyAWholeFailedRoundWaits() {
        var harness = harness()
        harness.start()
        #expect(harness.dialled == [0])
        harness.connectFailed(ConnectionFailure(.refused, "connection refused"))
        harness.connectFailed(ConnectionFailure(.refused, "connection refused"))
        // Two dead brokers added no wait before the third was tried.
        #expect(harness.dialled == [0, 1, 2])
        #expect(harness.now == .zero && reconnectWaits(harness).isEmpty)
        harness.connectFailed(ConnectionFailure(.refused, "connection refused"))
        // The whole round failed: the backoff's first step (half of 1 s at the lowest draw).
        #expect(reconnectWaits(harness) == [.milliseconds(500)])
        #expect(harness.dialled == [0, 1, 2])
        harness.advance(by: .milliseconds(500))
        #expect(harness.dialled == [0, 1, 2, 0])
        for _ in 0..<3 { harness.connectFailed(ConnectionFailure(.refused, "connection refused")) }
        // It grew once per failed round, not once per failed attempt.
        #expect(reconnectWaits(harness) == [.milliseconds(500), .seconds(1)])
        #expect(harness.dialled == [0, 1, 2, 0, 1, 2])
        #expect(harness.session.counters.connectFailures == [.refused: 6])
        #expect(harness.logs.filter { $0.message == "could not connect to broker" }.map { $0.metadata["broker"] }
            == ["broker.test:8883", "b.test:8884", "c.test:8885", "broker.test:8883", "b.test:8884", "c.test:8885"])
    }

    @Test func aConnectionResetsTheBackoffAndTheRound() {
        var harness = harness()
        harness.start()
        for _ in 0..<3 { harness.connectFailed(ConnectionFailure(.refused, "connection refused")) }
        harness.advance(by: .milliseconds(500))
        for _ in 0..<3 { harness.connectFailed(ConnectionFailure(.refused, "connection refused")) }
        harness.advance(by: .seconds(1))
        harness.connectFailed(ConnectionFailure(.refused, "connection refused"))
        #expect(harness.dialled == [0, 1, 2, 0, 1, 2, 0, 1])
        harness.connack()  // on b.test
        #expect(harness.session.broker == Self.b)
        harness.close()
        // Lost after CONNACK: the next broker after the reset backoff's first step.
        #expect(reconnectWaits(harness).last == .milliseconds(500))
        #expect(harness.logs.last { $0.message == "reconnecting" }?.metadata["to"] == "c.test:8885")
        harness.advance(by: .milliseconds(500))
        #expect(harness.dialled.last == 2)
        // A fresh round: c.test and then broker.test fail at once, without a wait between.
        harness.connectFailed(ConnectionFailure(.refused, "connection refused"))
        #expect(harness.dialled.last == 0)
        #expect(reconnectWaits(harness).count == 3)
    }

    @Test func aLostConnectionReplaysEveryUnacknowledgedReadingToTheNextBrokerInOrder() {
        var harness = harness(failover: [Self.b], window: 4)
        harness.start()
        harness.connack()
        harness.store(6)
        let first = harness.generation
        let packetIDs = harness.outstanding.keys.sorted()
        harness.puback(packetIDs[0])
        harness.puback(packetIDs[2])  // 1 and 3 acknowledged by broker.test; 2, 4, 5, 6 not
        #expect(harness.sentSequences(generation: first) == [1, 2, 3, 4, 5, 6])
        harness.close("broker.test went away")
        #expect(harness.logs.contains { $0.message == "broker connection lost" && $0.metadata["broker"] == "broker.test:8883" })
        harness.advance(by: .seconds(1))
        #expect(harness.dialled == [0, 1])
        harness.connack()
        #expect(harness.logs.contains { $0.message == "connected to broker" && $0.metadata["broker"] == "b.test:8884" })
        // b.test receives the unacknowledged ones again, oldest first, with their numbers.
        #expect(harness.sentSequences(generation: harness.generation) == [2, 4, 5, 6])
        harness.store(2)
        harness.pubackAll()
        harness.pubackAll()
        #expect(harness.sentSequences(generation: harness.generation) == [2, 4, 5, 6, 7, 8])
        #expect(harness.stored.isEmpty)
        #expect(Set(harness.acknowledged) == Set(1...8))
    }

    @Test func aDeadFirstBrokerAtStartCostsNoTimeBeforeTheSecondStreams() {
        var harness = harness(failover: [Self.b])
        harness.store(3, tell: false)
        harness.start()
        harness.connectFailed(ConnectionFailure(.refused, "connection refused"))
        harness.connack()
        #expect(harness.dialled == [0, 1])
        #expect(harness.published.map(\.at) == [.zero, .zero, .zero])
        #expect(harness.sentSequences(generation: harness.generation) == [1, 2, 3])
    }

    @Test func aBrokerThatNeverAnswersIsLeftAtTheConnectTimeoutForTheNext() {
        var harness = harness(failover: [Self.b])
        harness.start()
        harness.advance(by: .seconds(30))
        #expect(harness.dialled == [0, 1])
        #expect(harness.logs.contains { $0.metadata["reason"]?.contains("no CONNACK from broker.test:8883 within 30 s") == true })
        harness.advance(by: .seconds(30))
        // The second timed out too: a whole round, so now the backoff.
        #expect(harness.dialled == [0, 1])
        #expect(reconnectWaits(harness) == [.milliseconds(500)])
        harness.advance(by: .milliseconds(500))
        #expect(harness.dialled == [0, 1, 0])
    }

    @Test func afterTheLastBrokerTheListStartsAgainFromTheFirst() {
        var harness = harness()
        harness.start()
        harness.connectFailed(ConnectionFailure(.refused, "connection refused"))
        harness.connectFailed(ConnectionFailure(.refused, "connection refused"))
        harness.connack()  // on c.test, the last
        harness.close()
        harness.advance(by: .seconds(1))
        #expect(harness.dialled == [0, 1, 2, 0])
    }

    @Test func dialledSettingsNameOneBrokerSoTLSVerifiesTheHostDialled() {
        var settings = MQTTSettings(host: "a.test", port: 8883, clientID: "c", topic: "t", statusTopic: "s", security: .plaintext)
        settings.failover = [Self.b, Self.c]
        #expect(settings.brokers.map(\.description) == ["a.test:8883", "b.test:8884", "c.test:8885"])
        let second = settings.dialling(1)
        #expect(second.host == "b.test" && second.port == 8884 && second.brokerIndex == 1)
        #expect(second.brokers == [Self.b])
        #expect(settings.dialling(3).host == "a.test" && settings.dialling(3).brokerIndex == 0)
    }
}

/// The shell dials what the session names: the transport factory gets each broker's own host.
@Suite(.timeLimit(.minutes(1)))
struct FailoverShellTests {
    @Test func theTransportOfEachAttemptIsMadeForTheBrokerItDials() async throws {
        let outbox = try OutboxStore(path: "/tmp/sgw-failover-shell-\(UInt64.random(in: 0...UInt64.max)).sqlite")
        _ = try await outbox.append([Reading(sensorID: "air", quantity: "temperature", value: 20, unit: .celsius,
                                             timestamp: Timestamp(wallSeconds: 1_764_218_400, monotonicNanoseconds: 1,
                                                                  clockSynchronized: true))])
        var settings = MQTTSettings(host: "dead.test", port: 8883, clientID: "c", topic: "unused", statusTopic: "g1/status",
                                    reconnectInitial: .seconds(30), reconnectMax: .seconds(60), security: .plaintext)
        settings.failover = [.init(host: "alive.test", port: 9883)]
        let broker = ScriptedBroker()
        let dialled = Mutex<[String]>([])
        let factory: MQTTTransportFactory = { settings, onEvent throws(UplinkError) in
            dialled.withLock { $0.append("\(settings.host):\(settings.port)#\(settings.brokerIndex)") }
            guard settings.host == "alive.test" else { throw UplinkError(message: "no route to \(settings.host)") }
            return try broker.factory(settings, onEvent)
        }
        let uplink = Uplink(settings: settings, outbox: outbox,
                            encoder: SenMLJSONEncoder(context: EncoderContext(gatewayID: "g1", readingsTopic: "g1/readings")),
                            logger: Logger(label: "failover-test") { _ in SwiftLogNoOpLogHandler() }, transportFactory: factory)
        let run = Task { await uplink.run(drainTimeout: .seconds(5)) }
        uplink.readingsStored()
        var delivered = false
        for _ in 0..<2_000 where !delivered {
            delivered = uplink.statistics.acknowledged == 1
            if !delivered { try await Task.sleep(for: .milliseconds(5)) }
        }
        uplink.stop()
        await run.value
        // Delivered well inside the 30 s backoff: the second broker was dialled at once.
        #expect(delivered)
        #expect(dialled.withLock { $0 } == ["dead.test:8883#0", "alive.test:9883#1"])
        #expect(try await outbox.count() == 0)
    }
}
