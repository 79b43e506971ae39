import CMosquitto
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a connection reports, from libmosquitto's network thread.
enum ConnectionEvent: Sendable, Equatable {
    /// CONNACK with success: publishing may start.
    case connected
    /// The connection ended (or never came up); `reason` says why in words.
    case closed(reason: String)
    /// PUBACK for `packetID` with an MQTT 5 reason code (below 0x80 is success).
    case published(packetID: Int32, reasonCode: Int32)
}

/// An error setting up a connection.
public struct UplinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed.
    public var message: String
    public var description: String { message }
}

/// One MQTT connection through libmosquitto: created, connected once, closed, destroyed.
///
/// A fresh libmosquitto instance per connection keeps the retry logic in one place (the
/// ``Uplink``): nothing that libmosquitto queued in memory survives a reconnect, so every
/// unacknowledged reading is re-sent from the outbox, in order, with its original sequence
/// number, and never twice by two different mechanisms.
///
/// The network loop runs on a private dispatch queue (its own thread), never on Swift's
/// cooperative pool; `mosquitto_publish` may be called from any thread because the instance is
/// created with `mosquitto_threaded_set(true)`.
final class MosquittoConnection: @unchecked Sendable {
    // @unchecked: `handle` is immutable after init and libmosquitto locks internally for the
    // calls made from other threads (publish, disconnect).
    private let handle: OpaquePointer
    private let sink: Unmanaged<EventSink>
    private let queue = DispatchQueue(label: "sensorgw.mqtt.loop")
    private let stopRequested = Mutex(false)

    /// Makes a new instance with TLS configured; nothing touches the network yet.
    init(settings: MQTTSettings, onEvent: @escaping @Sendable (ConnectionEvent) -> Void) throws(UplinkError) {
        Self.initializeLibrary
        let sink = Unmanaged.passRetained(EventSink(onEvent))
        guard let handle = mosquitto_new(settings.clientID, true, sink.toOpaque()) else {
            sink.release()
            throw UplinkError(message: "mosquitto_new failed (out of memory or bad client id)")
        }
        self.handle = handle
        self.sink = sink
        do {
            try Self.check(mosquitto_threaded_set(handle, true), "threaded_set")
            try Self.check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, Int32(MQTT_PROTOCOL_V5)), "protocol version")
            try Self.check(mosquitto_int_option(handle, MOSQ_OPT_SEND_MAXIMUM, Int32(settings.inflightWindow)), "send maximum")
            try Self.check(mosquitto_max_inflight_messages_set(handle, UInt32(settings.inflightWindow)), "max inflight")
            if case .mutualTLS(let ca, let certificate, let key) = settings.security {
                try Self.check(mosquitto_tls_set(handle, ca, nil, certificate, key, nil), "TLS files (ca \(ca), certificate \(certificate), key \(key))")
                // SSL_VERIFY_PEER = 1; TLS 1.2 is the floor, 1.3 is negotiated when both sides have it.
                try Self.check(mosquitto_tls_opts_set(handle, 1, "tlsv1.2", nil), "TLS options")
                // Hostname verification stays on: never call mosquitto_tls_insecure_set(true).
                try Self.check(mosquitto_tls_insecure_set(handle, false), "TLS hostname check")
            }
        } catch {
            mosquitto_destroy(handle)
            sink.release()
            throw error
        }
        mosquitto_connect_v5_callback_set(handle) { _, context, reasonCode, _, _ in
            guard let context else { return }
            let sink = Unmanaged<EventSink>.fromOpaque(context).takeUnretainedValue()
            if reasonCode == 0 {
                sink.emit(.connected)
            } else {
                let text = mosquitto_reason_string(reasonCode).map { String(cString: $0) } ?? "refused"
                sink.emit(.closed(reason: "broker refused the connection: \(text) (reason \(reasonCode))"))
            }
        }
        mosquitto_publish_v5_callback_set(handle) { _, context, packetID, reasonCode, _ in
            guard let context else { return }
            Unmanaged<EventSink>.fromOpaque(context).takeUnretainedValue()
                .emit(.published(packetID: packetID, reasonCode: reasonCode))
        }
    }

    deinit {
        mosquitto_destroy(handle)
        sink.release()
    }

    /// Starts connecting and runs the network loop until the link fails or ``stop()`` is called;
    /// ends by emitting exactly one `.closed` event.
    func start(host: String, port: Int, keepaliveSeconds: Int) {
        queue.async { [self] in
            var rc = mosquitto_connect_async(handle, host, Int32(port), Int32(keepaliveSeconds))
            while rc == MOSQ_ERR_SUCCESS.rawValue && !isStopRequested {
                rc = mosquitto_loop(handle, 1000, 1)
            }
            if isStopRequested {
                sink.takeUnretainedValue().emit(.closed(reason: "stopped"))
            } else {
                sink.takeUnretainedValue().emit(.closed(reason: Self.describe(rc)))
            }
        }
    }

    /// Publishes at QoS 1; returns the packet id whose PUBACK will confirm it.
    func publish(topic: String, payload: [UInt8]) throws(UplinkError) -> Int32 {
        var packetID: Int32 = 0
        let rc = payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle, &packetID, topic, Int32(bytes.count), bytes.baseAddress, 1, false)
        }
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            throw UplinkError(message: "publish: \(Self.describe(rc))")
        }
        return packetID
    }

    /// Sends DISCONNECT and ends the loop; returns once the loop has finished.
    func stop() async {
        stopRequested.withLock { $0 = true }
        mosquitto_disconnect(handle)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { continuation.resume() }
        }
    }

    private var isStopRequested: Bool { stopRequested.withLock { $0 } }

    private static let initializeLibrary: Void = {
        mosquitto_lib_init()
    }()

    private static func check(_ rc: Int32, _ what: String) throws(UplinkError) {
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            throw UplinkError(message: "\(what): \(describe(rc))")
        }
    }

    /// libmosquitto's words for an error code; for MOSQ_ERR_ERRNO, the system's.
    static func describe(_ rc: Int32) -> String {
        if rc == MOSQ_ERR_ERRNO.rawValue {
            return String(cString: strerror(errno))
        }
        return mosquitto_strerror(rc).map { String(cString: $0) } ?? "error \(rc)"
    }
}

/// Carries events from libmosquitto's C callbacks to Swift.
private final class EventSink: Sendable {
    let emit: @Sendable (ConnectionEvent) -> Void
    init(_ emit: @escaping @Sendable (ConnectionEvent) -> Void) { self.emit = emit }
}
