import Pipeline
import Testing
@testable import Uplink

/// ``Uplink/send(_:)``: a command's reply goes out on the connection that is up, never queued
/// for a later one (docs/COMMANDS.md).
@Suite("Session: messages the agent sends")
struct SessionSendMessageTests {
    let reply = SessionMessage(topic: "sensorgw/gw/commands/reply", payload: Array("{}".utf8), contentType: "application/json")

    @Test func aMessageIsPublishedWhileConnected() {
        var harness = SessionHarness()
        harness.start()
        harness.connack()
        harness.send(.sendMessage(reply))
        #expect(harness.sentMessages == [reply])
    }

    @Test func withoutAConnectionItIsLoggedAndDropped() {
        var harness = SessionHarness()
        harness.start()
        harness.send(.sendMessage(reply))
        harness.connack()
        #expect(harness.sentMessages.isEmpty)
        #expect(harness.logged("not connected; a message is not sent"))
    }
}
