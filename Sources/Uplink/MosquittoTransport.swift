import CMosquitto
import Dispatch
import Pipeline
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
    /// A pipe whose write end ``stop()`` writes: it interrupts the connect and the diagnosis.
    private let wakeRead: Int32
    private let wakeWrite: Int32
    /// The TLS context's settings and pins; outlives the SSL_CTX libmosquitto holds until
    /// `mosquitto_destroy` in deinit. nil for plaintext.
    private let tlsSettings: TLSContextSettings?

    /// The factory the ``Uplink`` uses unless a test gives it another.
    public static let factory: MQTTTransportFactory = { settings, onEvent throws(UplinkError) in
        try MosquittoTransport(settings: settings, onEvent: onEvent)
    }

    /// Makes a new instance with TLS configured; nothing touches the network yet.
    public init(settings: MQTTSettings, onEvent: @escaping @Sendable (MQTTTransportEvent) -> Void) throws(UplinkError) {
        Self.initializeLibrary
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else {
            throw UplinkError(message: "cannot make a pipe: \(String(cString: strerror(errno)))")
        }
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let tlsSettings: TLSContextSettings? = switch settings.security {
        case .plaintext: nil
        case .mutualTLS(let ca, let certificate, let key):
            TLSContextSettings(caFile: ca, certificateFile: certificate, keyFile: key, host: settings.host,
                               options: settings.tlsOptions)
        case .serverTLS(let ca):
            TLSContextSettings(caFile: ca, certificateFile: nil, keyFile: nil, host: settings.host, options: settings.tlsOptions)
        }
        let options = settings.protocolOptions
        let sink = Unmanaged.passRetained(EventSink(onEvent, clientID: settings.clientID, options: options))
        // A session kept by the broker (session_expiry) is resumed only without clean start.
        guard let handle = mosquitto_new(settings.clientID, options.sessionExpirySeconds == 0, sink.toOpaque()) else {
            sink.release()
            close(pipeEnds[0])
            close(pipeEnds[1])
            throw UplinkError(message: "mosquitto_new failed (out of memory or bad client id)")
        }
        // Configured before the properties are set: a failure then releases both here, and
        // deinit (which would release them again) cannot run for a half-made instance.
        do throws(UplinkError) {
            try Self.check(mosquitto_threaded_set(handle, true), "threaded_set")
            let version = options.version == .v311 ? MQTT_PROTOCOL_V311 : MQTT_PROTOCOL_V5
            try Self.check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, Int32(version)), "protocol version")
            if let username = options.username {
                var password: String?
                if let file = options.passwordFile { password = try PasswordFile.read(file).get() }
                try Self.check(mosquitto_username_pw_set(handle, username, password), "username")
            }
            try Self.check(mosquitto_int_option(handle, MOSQ_OPT_SEND_MAXIMUM, Int32(settings.inflightWindow)), "send maximum")
            try Self.check(mosquitto_max_inflight_messages_set(handle, UInt32(settings.inflightWindow)), "max inflight")
            if let tlsSettings {
                // Our own context (sgw_tls_context.h): verification enforced, host name, minimum
                // version, pins, CRL and ALPN; libmosquitto's defaults off so it changes nothing.
                var raw = tlsSettings.raw
                var problem: Int32 = 0
                guard let context = sgw_tls_context_new(&raw, tlsSettings.pins, &problem) else {
                    throw UplinkError(message: "TLS context: \(Self.fileProblemWords(problem, raw: raw))")
                }
                defer { SSL_CTX_free(context) }  // libmosquitto holds its own reference.
                try Self.check(mosquitto_int_option(handle, MOSQ_OPT_SSL_CTX_WITH_DEFAULTS, 0), "TLS context defaults")
                try Self.check(mosquitto_void_option(handle, MOSQ_OPT_SSL_CTX, UnsafeMutableRawPointer(context)), "TLS context")
            }
            if let will = settings.will {
                let rc = will.payload.withUnsafeBytes { bytes in
                    mosquitto_will_set_v5(handle, will.topic, Int32(bytes.count), bytes.baseAddress, Int32(will.qos), will.retain, nil)
                }
                try Self.check(rc, "will on \(will.topic)")
            }
        } catch {
            mosquitto_destroy(handle)
            sink.release()
            close(pipeEnds[0])
            close(pipeEnds[1])
            throw error
        }
        wakeRead = pipeEnds[0]
        wakeWrite = pipeEnds[1]
        self.handle = handle
        self.sink = sink
        self.settings = settings
        self.tlsSettings = tlsSettings
        mosquitto_connect_v5_callback_set(handle) { _, context, reasonCode, _, properties in
            guard let context else { return }
            let sink = Unmanaged<EventSink>.fromOpaque(context).takeUnretainedValue()
            var maximum: UInt32 = 0
            if mosquitto_property_read_int32(properties, Int32(MQTT_PROP_MAXIMUM_PACKET_SIZE.rawValue), &maximum, false) != nil {
                sink.maximumPacketSize = Int(maximum)
            }
            var receiveMaximum: UInt16 = 0
            if mosquitto_property_read_int16(properties, Int32(MQTT_PROP_RECEIVE_MAXIMUM.rawValue), &receiveMaximum, false) != nil {
                sink.receiveMaximum = Int(receiveMaximum)
            }
            if reasonCode == 0 {
                sink.connackArrived()
            } else {
                sink.emitFinal(.connectFailed(.brokerRefused(reasonCode: reasonCode, clientID: sink.clientID,
                                                             version: sink.options.version, withUsername: sink.options.username != nil)))
            }
        }
        // libmosquitto's own error lines (OpenSSL's error strings among them) complete a
        // failure's description when the diagnosis finds nothing more specific.
        mosquitto_log_callback_set(handle) { _, context, level, message in
            guard let context, let message, level & Int32(MOSQ_LOG_ERR) != 0 else { return }
            Unmanaged<EventSink>.fromOpaque(context).takeUnretainedValue().lastError = String(cString: message)
        }
        mosquitto_message_v5_callback_set(handle) { _, context, message, _ in
            guard let context, let message, let topic = message.pointee.topic else { return }
            let count = Int(message.pointee.payloadlen)
            var payload: [UInt8] = []
            if count > 0, let bytes = message.pointee.payload {
                payload = Array(UnsafeRawBufferPointer(start: bytes, count: count))
            }
            Unmanaged<EventSink>.fromOpaque(context).takeUnretainedValue()
                .emit(.message(topic: String(cString: topic), payload: payload))
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
        close(wakeRead)
        close(wakeWrite)
    }

    /// Connects and runs the network loop until the link fails or ``stop()`` is called; ends
    /// by emitting exactly one `.closed` or `.connectFailed` event.
    ///
    /// Everything runs on this transport's own thread, never on Swift's cooperative pool. First
    /// a TCP connect of our own with a timeout (named failures: refused, unreachable, not
    /// resolved, timed out; a stop interrupts it), then libmosquitto's *blocking*
    /// `mosquitto_connect_bind_v5`, then `mosquitto_loop`. libmosquitto 2.0.11's asynchronous
    /// connect starts the TLS handshake on a socket still connecting, and `SSL_ERROR_SYSCALL`
    /// (EPIPE, ECONNRESET) leaves it retrying in a tight select loop until keepalive expires
    /// (fixed upstream in 2.0.15, "Fix incorrect use of SSL_connect", #2594); the blocking
    /// connect hands TLS an established socket, and the guard in ``runLoop()`` ends an attempt
    /// that still fails that way at once.
    public func start() {
        queue.async { [self] in
            let event = connectAndRun()
            sink.takeUnretainedValue().emitFinal(event)
        }
    }

    /// How long our TCP connect and each diagnostic handshake may wait for the broker.
    static let connectTimeoutSeconds = 8

    private func connectAndRun() -> MQTTTransportEvent {
        let host = settings.host, port = settings.port
        var net = sgw_net_result()
        let fd = sgw_tcp_connect(host, Int32(port), Int32(Self.connectTimeoutSeconds * 1000), wakeRead, &net)
        if fd >= 0 { close(fd) }
        let tcp = TCPOutcome(net)
        if isStopRequested || tcp == .stopped { return .closed(reason: "stopped") }
        if let failure = ConnectionFailure.tcp(tcp, host: host, port: port, timeoutSeconds: Self.connectTimeoutSeconds) {
            return .connectFailed(failure)
        }
        var properties: OpaquePointer?
        defer { mosquitto_property_free_all(&properties) }
        if settings.protocolOptions.sessionExpirySeconds > 0 {
            let added = mosquitto_property_add_int32(&properties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue),
                                                     settings.protocolOptions.sessionExpirySeconds)
            if added != MOSQ_ERR_SUCCESS.rawValue { return .connectFailed(ConnectionFailure(.other, "session expiry property: \(Self.describe(added))")) }
        }
        let rc = mosquitto_connect_bind_v5(handle, host, Int32(port), Int32(settings.keepaliveSeconds), nil, properties)
        let systemError = errno
        if isStopRequested { return .closed(reason: "stopped") }
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            return .connectFailed(diagnose(rc: rc, systemError: systemError))
        }
        let (loopRC, loopErrno) = runLoop()
        if isStopRequested { return .closed(reason: "stopped") }
        let sink = self.sink.takeUnretainedValue()
        // A CONNACK refusal was already reported as the final event.
        if sink.hasFinished { return .closed(reason: "refused") }
        if sink.reachedCONNACK {
            return .closed(reason: loopRC == MOSQ_ERR_ERRNO.rawValue ? String(cString: strerror(loopErrno)) : Self.describe(loopRC))
        }
        return .connectFailed(diagnose(rc: loopRC, systemError: loopErrno))
    }

    /// Runs `mosquitto_loop` until it fails or a stop is requested; returns its last code and errno.
    ///
    /// Before CONNACK a loop call normally waits for the broker; one that returns at once again
    /// and again, or a socket that has hung up, is a handshake that cannot progress: the
    /// attempt ends there rather than at keepalive expiry.
    private func runLoop() -> (rc: Int32, errno: Int32) {
        let sink = self.sink.takeUnretainedValue()
        let clock = ContinuousClock()
        var windowStart = clock.now
        var callsInWindow = 0
        var logging = true
        while !isStopRequested {
            let rc = mosquitto_loop(handle, 1000, 1)
            let loopErrno = errno
            guard rc == MOSQ_ERR_SUCCESS.rawValue else { return (rc, loopErrno) }
            if sink.reachedCONNACK || sink.hasFinished {
                if logging {
                    // Only a failure before CONNACK uses libmosquitto's error lines, and with a
                    // log callback set libmosquitto formats a line (malloc, vsnprintf) for every
                    // packet sent or received, whatever its level.
                    mosquitto_log_callback_set(handle, nil)
                    logging = false
                }
                continue
            }
            let socket = mosquitto_socket(handle)
            if socket >= 0 {
                var poll = pollfd(fd: socket, events: 0, revents: 0)
                if Glibc.poll(&poll, 1, 0) > 0, poll.revents & Int16(POLLHUP | POLLERR) != 0 {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &length)
                    return (MOSQ_ERR_ERRNO.rawValue, error != 0 ? error : ECONNRESET)
                }
            }
            callsInWindow += 1
            if clock.now - windowStart > .seconds(1) {
                windowStart = clock.now
                callsInWindow = 0
            } else if callsInWindow > 50 {
                return (MOSQ_ERR_ERRNO.rawValue, ECONNRESET)
            }
        }
        return (MOSQ_ERR_SUCCESS.rawValue, 0)
    }

    /// Names a failure before CONNACK. For TLS (and for a plaintext attempt the broker hung up
    /// on) a second, diagnostic handshake with OpenSSL reads what libmosquitto does not
    /// report: the verify result, the certificate's names and dates, the alert the broker sent.
    /// It costs the broker one more handshake, only after a failure, within the backoff.
    private func diagnose(rc: Int32, systemError: Int32) -> ConnectionFailure {
        let host = settings.host, port = settings.port, timeout = Self.connectTimeoutSeconds
        let fallback = ConnectionFailure.mosquitto(rc, systemError: systemError, host: host, port: port,
                                                   lastLogLine: sink.takeUnretainedValue().lastError)
        if fallback.kind == .refused || fallback.kind == .nameNotResolved || fallback.kind == .unreachable { return fallback }
        var raw = sgw_tls_probe_result()
        let files: (ca: String, certificate: String?, key: String?)? = switch settings.security {
        case .mutualTLS(let ca, let certificate, let key): (ca, certificate, key)
        case .serverTLS(let ca): (ca, nil, nil)
        case .plaintext: nil
        }
        switch files {
        case .some(let (ca, certificate, key)):
            if let tlsSettings {
                var contextSettings = tlsSettings.raw
                sgw_tls_probe(host, Int32(port), &contextSettings, tlsSettings.pins, Int32(timeout * 1000), wakeRead, &raw)
            }
            let report = TLSProbeReport(raw)
            if let failure = ConnectionFailure.tls(report, host: host, port: port, caFile: ca, certificateFile: certificate,
                                                   keyFile: key, timeoutSeconds: timeout, options: settings.tlsOptions) {
                return failure
            }
            if !report.reachedTLS, sgw_mqtt_probe(host, Int32(port), Int32(timeout * 1000), wakeRead) == 1 {
                return .plaintextBroker(host: host, port: port)
            }
        case .none:
            sgw_tls_probe(host, Int32(port), nil, nil, Int32(timeout * 1000), wakeRead, &raw)
            if TLSProbeReport(raw).reachedTLS { return .tlsBroker(host: host, port: port) }
        }
        return fallback
    }

    /// Publishes a reading message at QoS 1 with the MQTT 5 properties: the content type when
    /// given, the configured message expiry and user properties (none with MQTT 3.1.1); returns
    /// the packet id whose PUBACK will confirm it.
    public func publish(topic: String, payload: [UInt8], contentType: String?) throws(UplinkError) -> Int32 {
        var packetID: Int32 = 0
        var properties: OpaquePointer?
        defer { mosquitto_property_free_all(&properties) }
        let options = settings.protocolOptions
        if options.version == .v5 {
            if let contentType {
                try Self.check(mosquitto_property_add_string(&properties, Int32(MQTT_PROP_CONTENT_TYPE.rawValue), contentType),
                               "content type property")
            }
            if let expiry = options.messageExpirySeconds {
                try Self.check(mosquitto_property_add_int32(&properties, Int32(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL.rawValue), expiry),
                               "message expiry property")
            }
            for property in options.userProperties {
                try Self.check(mosquitto_property_add_string_pair(&properties, Int32(MQTT_PROP_USER_PROPERTY.rawValue),
                                                                  property.name, property.value), "user property \(property.name)")
            }
        }
        let rc = payload.withUnsafeBytes { bytes in
            mosquitto_publish_v5(handle, &packetID, topic, Int32(bytes.count), bytes.baseAddress, 1, false, properties)
        }
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            throw UplinkError(message: "publish: \(Self.describe(rc))")
        }
        return packetID
    }

    /// Publishes with the message's QoS and retain flag.
    public func publish(_ message: SessionMessage) throws(UplinkError) -> Int32 {
        var packetID: Int32 = 0
        var properties: OpaquePointer?
        defer { mosquitto_property_free_all(&properties) }
        if let contentType = message.contentType, settings.protocolOptions.version == .v5 {
            try Self.check(mosquitto_property_add_string(&properties, Int32(MQTT_PROP_CONTENT_TYPE.rawValue), contentType),
                           "content type property")
        }
        let rc = message.payload.withUnsafeBytes { bytes in
            mosquitto_publish_v5(handle, &packetID, message.topic, Int32(bytes.count), bytes.baseAddress,
                                 Int32(message.qos), message.retain, properties)
        }
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            throw UplinkError(message: "publish to \(message.topic): \(Self.describe(rc))")
        }
        return packetID
    }

    /// Subscribes at QoS 1.
    public func subscribe(_ topics: [String]) throws(UplinkError) {
        for topic in topics {
            try Self.check(mosquitto_subscribe_v5(handle, nil, topic, 1, 0, nil), "subscribe to \(topic)")
        }
    }

    /// The CONNACK's `Maximum Packet Size`, if it had one.
    public var maximumPacketSize: Int? { sink.takeUnretainedValue().maximumPacketSize }

    /// The CONNACK's `Receive Maximum`, if it had one (never with MQTT 3.1.1).
    public var receiveMaximum: Int? { sink.takeUnretainedValue().receiveMaximum }

    /// A window's worth: libmosquitto keeps QoS 1 messages beyond its in-flight limit queued
    /// and sends the next from its loop thread when a PUBACK arrives, as `mosquitto_pub` does,
    /// instead of waiting for the uplink to hear of the PUBACK and publish. Nothing is lost
    /// by it: the queue dies with this instance and its readings are still in the outbox.
    public var queueAhead: Int { Self.queueAhead(window: settings.inflightWindow, receiveMaximum: receiveMaximum) }

    /// libmosquitto's in-flight limit is the configured window until a CONNACK names a
    /// Receive Maximum, which then replaces it, larger or smaller (2.0.11 `handle__connack`).
    /// With a larger one the queue would go to the wire too, beyond `inflight_window`, so
    /// there is none then.
    static func queueAhead(window: Int, receiveMaximum: Int?) -> Int {
        if let receiveMaximum, receiveMaximum > window { return 0 }
        return window
    }

    /// Sends DISCONNECT and ends the loop (or interrupts the connect); returns once the
    /// transport's thread has finished.
    public func stop() async {
        stopRequested.withLock { $0 = true }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
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

    /// Which file the context could not load (config check loads them first, so this is a
    /// file changed since).
    private static func fileProblemWords(_ problem: Int32, raw: sgw_tls_settings) -> String {
        func name(_ pointer: UnsafePointer<CChar>?) -> String { pointer.map { String(cString: $0) } ?? "" }
        return switch problem {
        case Int32(SGW_FILE_CA): "cannot load the CA file \(name(raw.ca)) (mqtt.tls.ca)"
        case Int32(SGW_FILE_CERTIFICATE): "cannot load the certificate \(name(raw.certificate)) (mqtt.tls.certificate)"
        case Int32(SGW_FILE_KEY): "cannot load the key \(name(raw.key)) (mqtt.tls.key)"
        case Int32(SGW_FILE_KEY_MISMATCH): "the key \(name(raw.key)) is not the certificate's (mqtt.tls.key)"
        case Int32(SGW_FILE_CRL): "cannot load the CRL file \(name(raw.crl)) (mqtt.tls.crl)"
        default: "OpenSSL could not make a TLS context (out of memory?)"
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

/// Carries events from libmosquitto's C callbacks to Swift; lets exactly one final event
/// (`.closed` or `.connectFailed`) through.
private final class EventSink: Sendable {
    private struct State {
        var reachedCONNACK = false
        var finished = false
        var lastError: String?
        var maximumPacketSize: Int?
        var receiveMaximum: Int?
    }

    private let handler: @Sendable (MQTTTransportEvent) -> Void
    private let state = Mutex(State())
    /// For the words of a CONNACK refusal.
    let clientID: String
    let options: MQTTSettings.ProtocolOptions

    init(_ handler: @escaping @Sendable (MQTTTransportEvent) -> Void, clientID: String, options: MQTTSettings.ProtocolOptions) {
        self.handler = handler
        self.clientID = clientID
        self.options = options
    }

    /// Whether a successful CONNACK arrived: a later end is a lost connection, not a failed connect.
    var reachedCONNACK: Bool { state.withLock { $0.reachedCONNACK } }
    var hasFinished: Bool { state.withLock { $0.finished } }
    var lastError: String? {
        get { state.withLock { $0.lastError } }
        set { state.withLock { $0.lastError = newValue } }
    }

    var maximumPacketSize: Int? {
        get { state.withLock { $0.maximumPacketSize } }
        set { state.withLock { $0.maximumPacketSize = newValue } }
    }

    var receiveMaximum: Int? {
        get { state.withLock { $0.receiveMaximum } }
        set { state.withLock { $0.receiveMaximum = newValue } }
    }

    func connackArrived() {
        state.withLock { $0.reachedCONNACK = true }
        handler(.connected)
    }

    func emit(_ event: MQTTTransportEvent) {
        guard !hasFinished else { return }
        handler(event)
    }

    func emitFinal(_ event: MQTTTransportEvent) {
        let first = state.withLock { state in
            defer { state.finished = true }
            return !state.finished
        }
        if first { handler(event) }
    }
}
