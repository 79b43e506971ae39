#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization
import Testing
@testable import Uplink

/// ``MosquittoTransport/queueAhead``: the messages handed to libmosquitto beyond its in-flight
/// limit wait in its queue, never on the wire, and go out from its own thread as PUBACKs
/// arrive. Checked against a broker that answers CONNACK and then acknowledges only when told,
/// counting every PUBLISH that reaches it.
@Suite(.timeLimit(.minutes(1)))
struct MosquittoQueueAheadTests {
    func settings(port: Int, window: Int) -> MQTTSettings {
        MQTTSettings(host: "127.0.0.1", port: port, clientID: "queue-ahead", topic: "t", statusTopic: "s",
                     inflightWindow: window, security: .plaintext)
    }

    /// Connects a transport with `window` to a broker naming `receiveMaximum`, hands it
    /// `handed` messages, and returns the broker, the transport and the packet ids.
    func connected(window: Int, receiveMaximum: Int?, handed: Int) async throws
        -> (SilentBroker, MosquittoTransport, [Int32]) {
        let broker = try SilentBroker(receiveMaximum: receiveMaximum)
        let connected = Atomic<Bool>(false)
        let transport = try MosquittoTransport(settings: settings(port: broker.port, window: window)) { event in
            if case .connected = event { connected.store(true, ordering: .sequentiallyConsistent) }
        }
        transport.start()
        #expect(await eventually { connected.load(ordering: .sequentiallyConsistent) })
        var packetIDs: [Int32] = []
        for index in 0..<handed {
            packetIDs.append(try transport.publish(topic: "t", payload: Array("reading \(index)".utf8), contentType: nil))
        }
        return (broker, transport, packetIDs)
    }

    /// Waits until the broker has counted `count` PUBLISH packets, then a while longer to see
    /// that no more follow.
    func settles(_ broker: SilentBroker, at count: Int) async -> Bool {
        guard await eventually({ broker.publishes.count >= count }) else { return false }
        try? await Task.sleep(for: .milliseconds(300))
        return broker.publishes.count == count
    }

    @Test func aWindowsWorthWaitsInLibmosquittoAndGoesOutAsPUBACKsArrive() async throws {
        let (broker, transport, packetIDs) = try await connected(window: 5, receiveMaximum: nil, handed: 10)
        #expect(transport.queueAhead == 5)
        #expect(await settles(broker, at: 5), "only the window on the wire: \(broker.publishes.count)")
        // Two PUBACKs: libmosquitto sends the next two itself; nothing more was published.
        broker.acknowledge(Array(packetIDs.prefix(2)))
        #expect(await settles(broker, at: 7), "\(broker.publishes.count)")
        broker.acknowledge(Array(packetIDs[2...]))
        #expect(await settles(broker, at: 10), "\(broker.publishes.count)")
        #expect(broker.publishes == packetIDs, "in the order published, each once")
        await transport.stop()
        broker.close()
    }

    @Test func aSmallerReceiveMaximumBoundsTheWireAndTheQueueStays() async throws {
        let (broker, transport, packetIDs) = try await connected(window: 5, receiveMaximum: 3, handed: 8)
        #expect(transport.queueAhead == 5)
        #expect(await settles(broker, at: 3), "\(broker.publishes.count)")
        broker.acknowledge(Array(packetIDs.prefix(3)))
        #expect(await settles(broker, at: 6), "\(broker.publishes.count)")
        await transport.stop()
        broker.close()
    }

    /// libmosquitto takes a larger Receive Maximum as its own limit, so whatever it is handed
    /// goes to the wire: the reason a transport to such a broker offers no queue.
    @Test func aLargerReceiveMaximumLeavesNoQueue() async throws {
        let (broker, transport, _) = try await connected(window: 5, receiveMaximum: 50, handed: 9)
        #expect(transport.queueAhead == 0)
        #expect(await settles(broker, at: 9), "libmosquitto sent past the configured window: \(broker.publishes.count)")
        await transport.stop()
        broker.close()
    }

    @Test func theRule() {
        #expect(MosquittoTransport.queueAhead(window: 20, receiveMaximum: nil) == 20)
        #expect(MosquittoTransport.queueAhead(window: 20, receiveMaximum: 20) == 20)
        #expect(MosquittoTransport.queueAhead(window: 20, receiveMaximum: 10) == 20)
        #expect(MosquittoTransport.queueAhead(window: 20, receiveMaximum: 21) == 0)
    }
}

/// A plaintext MQTT 5 broker on 127.0.0.1 for one client: answers CONNECT with a CONNACK
/// (naming `receiveMaximum` when given), records the packet id of every QoS 1 PUBLISH and
/// sends PUBACKs only through ``acknowledge(_:)``. It reads the fixed header's length and
/// nothing else it does not need.
final class SilentBroker: Sendable {
    let port: Int
    private let listener: Int32
    private let client = Mutex<Int32>(-1)
    private let received = Mutex<[Int32]>([])
    private let closed = Atomic<Bool>(false)

    init(receiveMaximum: Int?) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0 && listen(listener, 4) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        self.port = port
        let connack: [UInt8] = receiveMaximum.map {
            [0x20, 0x06, 0x00, 0x00, 0x03, 0x21, UInt8($0 >> 8), UInt8($0 & 0xFF)]
        } ?? [0x20, 0x03, 0x00, 0x00, 0x00]
        DispatchQueue.global().async { [self] in serve(connack: connack) }
    }

    /// Packet ids of the PUBLISH packets received, in order.
    var publishes: [Int32] { received.withLock { $0 } }

    /// Sends a PUBACK (reason: success) for each packet id.
    func acknowledge(_ packetIDs: [Int32]) {
        client.withLock { fd in
            for id in packetIDs {
                var puback: [UInt8] = [0x40, 0x02, UInt8(id >> 8), UInt8(id & 0xFF)]
                _ = write(fd, &puback, puback.count)
            }
        }
    }

    func close() {
        closed.store(true, ordering: .sequentiallyConsistent)
        _ = shutdown(listener, Int32(SHUT_RDWR))
        client.withLock { _ = shutdown($0, Int32(SHUT_RDWR)) }
    }

    private func serve(connack: [UInt8]) {
        // The transport's own TCP check connects and closes first: serve the connection that sends CONNECT.
        while !closed.load(ordering: .sequentiallyConsistent) {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            guard let (type, _) = readPacket(fd), type == 0x10 else {
                Glibc.close(fd)
                continue
            }
            client.withLock { $0 = fd }
            var reply = connack
            _ = write(fd, &reply, reply.count)
            while let (type, body) = readPacket(fd) {
                // QoS 1 PUBLISH: topic (length-prefixed), then the packet id.
                guard type & 0xF0 == 0x30, body.count >= 2 else { continue }
                let topicLength = Int(body[0]) << 8 | Int(body[1])
                guard body.count >= 2 + topicLength + 2 else { continue }
                let id = Int32(body[2 + topicLength]) << 8 | Int32(body[3 + topicLength])
                received.withLock { $0.append(id) }
            }
            Glibc.close(fd)
            return
        }
    }

    /// One packet: its first byte and the bytes after the remaining length; nil at the end.
    private func readPacket(_ fd: Int32) -> (UInt8, [UInt8])? {
        func byte() -> UInt8? {
            var value: UInt8 = 0
            return read(fd, &value, 1) == 1 ? value : nil
        }
        guard let type = byte() else { return nil }
        var length = 0, shift = 0
        while true {
            guard let next = byte(), shift <= 21 else { return nil }
            length |= Int(next & 0x7F) << shift
            if next & 0x80 == 0 { break }
            shift += 7
        }
        var body = [UInt8](repeating: 0, count: length)
        var filled = 0
        while filled < length {
            let count = body.withUnsafeMutableBytes { bytes in
                bytes.baseAddress.map { read(fd, $0 + filled, length - filled) } ?? -1
            }
            guard count > 0 else { return nil }
            filled += count
        }
        return (type, body)
    }
}
