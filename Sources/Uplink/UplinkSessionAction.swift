import Logging
import Outbox
import Pipeline

extension UplinkSession {
    /// What the session asks its shell to do; results come back as ``Event``s.
    enum Action: Sendable, Hashable {
        /// Make a transport for connection `generation` to `Configuration.brokers[broker]` and start it.
        case connect(generation: Int, broker: Int)
        /// Stop the current transport, if there is one.
        case disconnect
        /// Publish the current connection's will by hand, before a graceful DISCONNECT: a broker
        /// sends a will only when a link dies, and subscribers should learn of a stop as of a crash.
        case publishWill
        /// Start (or restart) `timer`; when it runs out, send back `.timerFired(timer, token)`.
        case startTimer(Timer, token: Int, after: Duration)
        /// Cancel `timer`.
        case cancelTimer(Timer)
        /// The connection is up: subscribe and publish what the encoding's hooks ask for
        /// (Sparkplug births), before any reading; answer `.flowControlRead` with the broker's
        /// Receive Maximum and the transport's queue.
        case announce(generation: Int)
        /// A message arrived on a subscribed topic: let the encoding's hooks answer it.
        case answerCommand(generation: Int, topic: String, payload: [UInt8])
        /// Publish a message the agent asked for (``Event/sendMessage(_:)``) on the current connection.
        case publishMessage(SessionMessage)
        /// Read the highest sequence number and the stored count; answer `.boundaryRead`.
        case readBoundary(generation: Int)
        /// Read stored readings; answer `.readCompleted` or `.readFailed`.
        case read(ReadRequest)
        /// Encode `readings` as one message and publish it; answer `.publishCompleted`.
        case publish(generation: Int, readings: [Reading])
        /// Tell the outbox the broker acknowledged these readings.
        case acknowledge([UInt64])
        /// Read the outbox's drop counts; answer `.dropStatusRead`.
        case readDropStatus(generation: Int)
        /// Publish a status report; answer `.statusPublished` or `.statusPublishFailed`.
        case publishStatus(StatusRequest)
        /// Tell the outbox these drop counts were delivered.
        case markReported(DropCounts)
        /// Write a log line.
        case log(LogEntry)
        /// Tell the agent (metrics) what happened to a connection.
        case report(UplinkIncident)
        /// Return from ``Uplink/run(drainTimeout:)``.
        case finish
    }

    /// A status report to publish; the shell adds the time and the moved-aside file's path.
    struct StatusRequest: Sendable, Hashable {
        var generation: Int
        var totals: DropCounts
        var sinceLastReport: DropCounts
        var pending: Int
        /// Whether to name the corrupt outbox that was moved aside at start-up.
        var reportsRecovery: Bool
    }

    /// Log levels, as swift-log has them.
    typealias LogLevel = Logger.Level

    /// A log line, as data, so tests can read what the session said.
    struct LogEntry: Sendable, Hashable {
        var level: LogLevel
        var message: String
        var metadata: [String: String] = [:]
    }
}
