import Outbox
import Pipeline

extension UplinkSession {
    /// Everything the session reacts to: requests from the agent, the transport's reports,
    /// timers, and the results of the actions it asked the shell to perform.
    enum Event: Sendable, Hashable {
        /// ``Uplink/run(drainTimeout:)`` began.
        case start
        /// New readings are in the outbox.
        case readingsStored
        /// The outbox dropped readings; a status report may be due.
        case dropsChanged
        /// Stop: drain what is in flight until the deadline, then finish.
        case stop
        /// A timer started by ``Action/startTimer(_:token:after:)`` ran out.
        case timerFired(Timer, token: Int)
        /// Something the transport of connection `generation` reported.
        case transport(generation: Int, MQTTTransportEvent)
        /// The transport for `generation` could not be made (TLS files, out of memory).
        case transportSetupFailed(generation: Int, reason: String)
        /// Result of ``Action/announce(generation:)``: the broker's Receive Maximum from the
        /// CONNACK (nil: none named), to which the window is narrowed for this connection if
        /// smaller, and how many messages beyond that the transport holds in its own queue
        /// (``MQTTTransport/queueAhead``), by which the window then widens.
        case flowControlRead(generation: Int, receiveMaximum: Int?, queueAhead: Int)
        /// Result of ``Action/readBoundary(generation:)``: the highest sequence number ever
        /// assigned, and how many readings are stored.
        case boundaryRead(generation: Int, highest: UInt64, pending: Int)
        /// Result of ``Action/read(_:)``, oldest first.
        case readCompleted(ReadRequest, [Reading])
        /// ``Action/read(_:)`` failed.
        case readFailed(ReadRequest, reason: String)
        /// What became of ``Action/publish(generation:readings:)``.
        case publishCompleted(generation: Int, PublishOutcome)
        /// Result of ``Action/readDropStatus(generation:)``.
        case dropStatusRead(generation: Int, DropStatus)
        /// ``Action/publishStatus(_:)`` was queued under `packetID`.
        case statusPublished(generation: Int, packetID: Int32)
        /// ``Action/publishStatus(_:)`` failed.
        case statusPublishFailed(generation: Int, reason: String)
        /// The agent asks for one message outside the readings (a command's reply).
        case sendMessage(SessionMessage)
    }

    /// Which way a reading goes out: live (stored since the connection came up, unpaced) or
    /// backlog (stored before, paced).
    enum Lane: Sendable, Hashable {
        case live
        case backlog
    }

    /// The session's timers; each start replaces the running one of its kind.
    enum Timer: Sendable, Hashable, CaseIterable {
        /// The backoff before the next connection attempt.
        case reconnect
        /// How long a CONNACK may take (a black-holed SYN, a broker that hangs).
        case connectTimeout
        /// Look again: the replay pace allows more, or a failed outbox read is retried.
        case tick
        /// The end of the drain on stop.
        case drainDeadline
        /// A partial batch of new readings has waited `batch_wait`: send it.
        case batchWait
    }

    /// One outbox read: `limit` readings with sequence numbers in `after+1 ... through`.
    struct ReadRequest: Sendable, Hashable {
        var generation: Int
        var lane: Lane
        var after: UInt64
        var through: UInt64
        var limit: Int
    }

    /// What the shell got from the encoder and the transport for one message.
    enum PublishOutcome: Sendable, Hashable {
        /// Queued under `packetID`, carrying `carried`; the encoder refused `skipped`.
        case sent(packetID: Int32, carried: [UInt64], skipped: [UInt64])
        /// The encoder could carry none of the readings; nothing was published.
        case nothingEncodable(skipped: [UInt64])
        /// The transport refused to queue it (the link is going down).
        case failed(reason: String)
        /// `dropped` cannot fit the broker's maximum packet size (`limit` bytes) even alone:
        /// nothing was published, they are dropped (deleted from the outbox) and counted.
        case tooLarge(dropped: [UInt64], limit: Int)
    }

    /// The outbox's drop counts when a status report is considered.
    struct DropStatus: Sendable, Hashable {
        var totals: DropCounts
        var unreported: DropCounts
        var pending: Int
    }
}
