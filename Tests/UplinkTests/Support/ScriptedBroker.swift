import Pipeline
import Synchronization
@testable import Uplink

/// A pretend broker behind scripted ``MQTTTransport``s: the ``Uplink`` shell talks to it
/// through its transport factory. Connections are accepted or refused, and each publish is
/// answered with the reason code `answer` picks (nil: never answered).
final class ScriptedBroker: Sendable {
    struct Message: Sendable, Equatable {
        var connection: Int
        var topic: String
        var payload: [UInt8]
        var contentType: String?
        var packetID: Int32
        var retain = false
    }

    private struct State {
        var connections = 0
        var refuseConnections = 0
        var messages: [Message] = []
        var current: (@Sendable (MQTTTransportEvent) -> Void)?
        var nextPacketID: Int32 = 1
        var wills: [SessionMessage?] = []
    }

    private let state = Mutex(State())
    private let answer: @Sendable (Message) -> Int32?

    /// `refuseConnections` first attempts are refused; `answer` picks each PUBACK's reason code.
    init(refuseConnections: Int = 0, answer: @escaping @Sendable (Message) -> Int32? = { _ in 0 }) {
        self.answer = answer
        state.withLock { $0.refuseConnections = refuseConnections }
    }

    var factory: MQTTTransportFactory {
        { [self] settings, onEvent throws(UplinkError) in
            let number = state.withLock { state in
                state.wills.append(settings.will)
                state.connections += 1
                state.current = onEvent
                return state.connections
            }
            return Transport(broker: self, connection: number, onEvent: onEvent)
        }
    }

    var messages: [Message] { state.withLock { $0.messages } }
    /// The will each connection was made with, in order.
    var wills: [SessionMessage?] { state.withLock { $0.wills } }
    var connections: Int { state.withLock { $0.connections } }

    /// The link drops, as a broker restart would.
    func dropConnection() {
        let current = state.withLock { state in
            defer { state.current = nil }
            return state.current
        }
        current?(.closed(reason: "connection reset by the scripted broker"))
    }

    fileprivate func start(_ transport: Transport) {
        let refuse = state.withLock { state in
            guard state.refuseConnections > 0 else { return false }
            state.refuseConnections -= 1
            return true
        }
        transport.onEvent(refuse ? .closed(reason: "refused by the scripted broker") : .connected)
    }

    fileprivate func publish(_ transport: Transport, topic: String, payload: [UInt8], contentType: String?,
                             retain: Bool = false) -> Int32 {
        let message = state.withLock { state in
            let message = Message(connection: transport.connection, topic: topic, payload: payload,
                                  contentType: contentType, packetID: state.nextPacketID, retain: retain)
            state.nextPacketID += 1
            state.messages.append(message)
            return message
        }
        if let code = answer(message) {
            transport.onEvent(.published(packetID: message.packetID, reasonCode: code))
        }
        return message.packetID
    }

    fileprivate final class Transport: MQTTTransport {
        let broker: ScriptedBroker
        let connection: Int
        let onEvent: @Sendable (MQTTTransportEvent) -> Void
        private let stopped = Mutex(false)

        init(broker: ScriptedBroker, connection: Int, onEvent: @escaping @Sendable (MQTTTransportEvent) -> Void) {
            self.broker = broker
            self.connection = connection
            self.onEvent = onEvent
        }

        func start() { broker.start(self) }

        func publish(topic: String, payload: [UInt8], contentType: String?) throws(UplinkError) -> Int32 {
            guard !stopped.withLock({ $0 }) else { throw UplinkError(message: "stopped") }
            return broker.publish(self, topic: topic, payload: payload, contentType: contentType)
        }

        func publish(_ message: SessionMessage) throws(UplinkError) -> Int32 {
            guard !stopped.withLock({ $0 }) else { throw UplinkError(message: "stopped") }
            return broker.publish(self, topic: message.topic, payload: message.payload, contentType: message.contentType,
                                  retain: message.retain)
        }

        func subscribe(_ topics: [String]) throws(UplinkError) {}

        var maximumPacketSize: Int? { nil }

        func stop() async {
            let first = stopped.withLock { stopped in
                defer { stopped = true }
                return !stopped
            }
            if first { onEvent(.closed(reason: "stopped")) }
        }
    }
}
