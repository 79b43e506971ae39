import Testing
@testable import Uplink

/// How the session tells a failed attempt from a lost connection, counts each kind, and words
/// the reconnect delay; virtual time, no broker.
@Suite struct ConnectFailureHandlingTests {
    @Test func aFailureBeforeConnackIsCouldNotConnectCountedByKind() {
        var harness = SessionHarness(reconnectInitial: .seconds(1), reconnectMax: .seconds(4), random: 0)
        harness.start()
        let untrusted = ConnectionFailure(.serverCertificateUntrusted, "not signed by a CA in /etc/sensorgw/ca.pem")
        harness.connectFailed(untrusted)
        #expect(harness.logs.contains { $0.level == .warning && $0.message == "could not connect to broker"
            && $0.metadata["kind"] == "server_certificate_untrusted" && $0.metadata["reason"] == untrusted.detail
            && $0.metadata["broker"] == "broker.test:8883" })
        #expect(!harness.logged("broker connection lost"), "a connection that never came up is not 'lost'")
        #expect(harness.incidents == [.couldNotConnect(untrusted)])
        #expect(!harness.transportOpen)

        harness.advance(by: .seconds(1))
        #expect(harness.connects == 2, "retried after the backoff")
        harness.connectFailed(ConnectionFailure(.refused, "connection refused"))
        harness.advance(by: .seconds(2))
        harness.close("closed by the broker")  // before CONNACK: a failed attempt too
        #expect(harness.session.counters.connectFailures == [.serverCertificateUntrusted: 1, .refused: 1, .reset: 1])
        #expect(harness.session.counters.connectionsLost == 0)
        #expect(harness.logs.contains { $0.message == "could not connect to broker" && $0.metadata["kind"] == "reset"
            && $0.metadata["reason"]?.contains("closed by the broker") == true })
    }

    @Test func aConnectionThatReachedConnackIsLostNotFailed() {
        var harness = SessionHarness()
        harness.start()
        harness.connack()
        harness.close("keepalive expired")
        #expect(harness.logs.contains { $0.message == "broker connection lost" && $0.metadata["reason"] == "keepalive expired" })
        #expect(!harness.logged("could not connect to broker"))
        #expect(harness.session.counters.connectionsLost == 1)
        #expect(harness.session.counters.connectFailures.isEmpty)
        #expect(harness.incidents == [.connectionLost(reason: "keepalive expired")])
    }

    @Test func aLateFailureFromAnOldAttemptIsIgnored() {
        var harness = SessionHarness()
        harness.start()
        let first = harness.generation
        harness.connectFailed(ConnectionFailure(.refused, "refused"))
        harness.advance(by: .seconds(1))
        harness.connack()
        harness.send(.transport(generation: first, .connectFailed(ConnectionFailure(.refused, "late"))))
        #expect(harness.session.counters.connectFailures == [.refused: 1])
        #expect(harness.session.counters.connections == 1)
    }

    @Test func theReconnectDelayIsLoggedInHundredthsOfASecond() {
        // Highest draw: the whole first step, 1 s.
        var harness = SessionHarness(reconnectInitial: .milliseconds(1443), reconnectMax: .seconds(8), random: UInt64.max)
        harness.start()
        harness.connectFailed(ConnectionFailure(.refused, "refused"))
        #expect(harness.logs.last { $0.message == "reconnecting" }?.metadata["in"] == "1.44s")
        #expect(UplinkSession.secondsText(.nanoseconds(721_246_329)) == "0.72s")
        #expect(UplinkSession.secondsText(.milliseconds(5)) == "0.01s")
        #expect(UplinkSession.secondsText(.seconds(60)) == "60.00s")
        #expect(UplinkSession.secondsText(.milliseconds(1996)) == "2.00s")
    }
}
