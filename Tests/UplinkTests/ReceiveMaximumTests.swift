import Testing
@testable import Uplink

/// The broker's Receive Maximum (MQTT 5 section 3.2.2.3.3) bounds the in-flight window.
@Suite struct ReceiveMaximumTests {
    func connected(window: Int, receiveMaximum: Int?) -> SessionHarness {
        var harness = SessionHarness(window: window)
        harness.receiveMaximum = receiveMaximum
        harness.start()
        harness.connack()
        return harness
    }

    @Test func aSmallerReceiveMaximumIsTheWindowForThatConnection() {
        var harness = connected(window: 10, receiveMaximum: 3)
        harness.store(40)
        #expect(harness.outstanding.count == 3)
        for _ in 0..<20 {
            if let packetID = harness.outstanding.keys.sorted().first { harness.puback(packetID) }
            #expect(harness.outstanding.count <= 3)
        }
        #expect(harness.mostOutstanding == 3)
        #expect(harness.logs.contains {
            $0.message == "the broker's receive maximum narrows the in-flight window" && $0.metadata["receive_maximum"] == "3"
        })
        #expect(harness.sentSequences() == Array(1...UInt64(harness.sentSequences().count)), "in order, each once")
    }

    @Test func aLargerReceiveMaximumLeavesTheConfiguredWindow() {
        var harness = connected(window: 4, receiveMaximum: 65_535)
        harness.store(20)
        #expect(harness.outstanding.count == 4)
        #expect(!harness.logged("the broker's receive maximum narrows the in-flight window"))
    }

    @Test func theNextConnectionStartsFromTheConfiguredWindowAgain() {
        var harness = connected(window: 6, receiveMaximum: 2)
        harness.store(30)
        #expect(harness.outstanding.count == 2)
        // Another broker (failover, or the same one reconfigured) names no limit.
        harness.receiveMaximum = nil
        harness.close()
        harness.advance(by: .seconds(2))
        harness.connack()
        #expect(harness.generation == 2)
        #expect(harness.outstanding.count == 6)
    }

    /// Messages the transport holds in its own queue (libmosquitto's, beyond its in-flight
    /// limit) take packet ids but no place on the wire: the session hands over that many more.
    @Test func theTransportsQueueWidensTheWindowByItsDepth() {
        var harness = SessionHarness(window: 4)
        harness.receiveMaximum = 2
        harness.queueAhead = 3
        harness.start()
        harness.connack()
        harness.store(40)
        #expect(harness.outstanding.count == 5, "the broker's 2 on the wire and 3 queued")
        for _ in 0..<20 {
            if let packetID = harness.outstanding.keys.sorted().first { harness.puback(packetID) }
            #expect(harness.outstanding.count <= 5)
        }
        #expect(harness.mostOutstanding == 5)
        #expect(harness.sentSequences() == Array(1...UInt64(harness.sentSequences().count)), "in order, each once")
        // A transport without a queue on the next connection: the window is the wire's again.
        harness.queueAhead = 0
        harness.receiveMaximum = nil
        harness.close()
        harness.advance(by: .seconds(2))
        harness.connack()
        #expect(harness.outstanding.count == 4)
    }

    @Test func batchedMessagesAreNotQueuedAheadSoTheirMemoryStaysOneWindow() {
        var harness = SessionHarness(window: 4, readingsPerMessage: 10)
        harness.queueAhead = 4
        harness.start()
        harness.connack()
        harness.store(200)
        #expect(harness.outstanding.count == 4, "the window alone, no queue behind it")
        for _ in 0..<10 {
            if let packetID = harness.outstanding.keys.sorted().first { harness.puback(packetID) }
        }
        #expect(harness.mostOutstanding == 4)
    }
}
