import CMosquitto
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ``MQTTTransport`` through libmosquitto: created, connected once, closed, destroyed.
///
/// A fresh libmosquitto instance per connection keeps the retry logic in one place (the
/// ``Uplink``): nothing that libmosquitto queued in memory survives a reconnect, so every
/// unacknowledged reading is re-sent from the outbox, in order, with its original sequence
/// number, and never twice by two different mechanisms.
///
/// The network loop runs on a private dispatch queue (its own thread), never on Swift's
/// cooperative pool; `mosquitto_publish` may be called from any thread because the instance is
/// created with `mosquitto_threaded_set(true)`.
public final class MosquittoTransport: MQTTTransport, @unchecked Sendable {
    // @unchecked: `handle` is immutable after init and libmosquitto locks internally for the
    // calls made from other threads (publish, disconnect).
    private let handle: OpaquePointer
    private let sink: Unmanaged<EventSink>
    private let queue = DispatchQueue(label: "sensorgw.mqtt.loop")
    private let stopRequested = Mutex(false)
    private let settings: MQTTSettings

    /// The factory the ``Uplink`` uses unless a test gives it another.
    public static let factory: MQTTTransportFactory = { settings, onEvent throws(UplinkError) in
        try MosquittoTransport(settings: settings, onEvent: onEvent)
    }

    /// Makes a new instance with TLS configured; nothing touches the network yet.
    public init(settings: MQTTSettings, onEvent: @escaping @Sendable (MQTTTransportEvent) -> Void) throws(UplinkError) {
        Self.initializeLibrary
        let sink = Unmanaged.passRetained(EventSink(onEvent))
        guard let handle = mosquitto_new(settings.clientID, true, sink.toOpaque()) else {
            sink.release()
            throw UplinkError(message: "mosquitto_new failed (out of memory or bad client id)")
        }
        // Configured before the properties are set: a failure then releases both here, and
        // deinit (which would release them again) cannot run for a half-made instance.
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
        self.handle = handle
        self.sink = sink
        self.settings = settings
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
    public func start() {
        let host = settings.host, port = settings.port, keepaliveSeconds = settings.keepaliveSeconds
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

    /// Publishes at QoS 1, with the MQTT 5 content-type property when given; returns the
    /// packet id whose PUBACK will confirm it.
    public func publish(topic: String, payload: [UInt8], contentType: String?) throws(UplinkError) -> Int32 {
        var packetID: Int32 = 0
        var properties: OpaquePointer?
        defer { mosquitto_property_free_all(&properties) }
        if let contentType {
            try Self.check(mosquitto_property_add_string(&properties, Int32(MQTT_PROP_CONTENT_TYPE.rawValue), contentType),
                           "content type property")
        }
        let rc = payload.withUnsafeBytes { bytes in
            mosquitto_publish_v5(handle, &packetID, topic, Int32(bytes.count), bytes.baseAddress, 1, false, properties)
        }
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            throw UplinkError(message: "publish: \(Self.describe(rc))")
        }
        return packetID
    }

    /// Sends DISCONNECT and ends the loop; returns once the loop has finished.
    public func stop() async {
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
    let emit: @Sendable (MQTTTransportEvent) -> Void
    init(_ emit: @escaping @Sendable (MQTTTransportEvent) -> Void) { self.emit = emit }
}
