/// What the configuration keeps from the broker, applied to readings as they are encoded: the
/// redacted quantities (again: the ``RedactionStage`` keeps new readings out of the outbox, but
/// an outbox may still hold readings stored before the redaction was configured) and the time
/// resolution per sensor (``TimeCoarsening``).
public struct WirePrivacy: Sendable, Hashable {
    /// Sensors whose every reading is redacted.
    public var redactedSensors: Set<String>
    /// Redacted quantities of other sensors.
    public var redactedQuantities: Set<SensorQuantity>
    /// Each sensor's time resolution, where one is configured (its own or the gateway's).
    public var timeResolutions: [String: TimeCoarsening]
    /// The gateway-wide resolution: for sensors not in ``timeResolutions`` (readings of a
    /// sensor since removed from the configuration) and the times session messages carry.
    public var defaultTimeResolution: TimeCoarsening?

    /// One quantity of one sensor.
    public struct SensorQuantity: Sendable, Hashable {
        /// The sensor id.
        public var sensorID: String
        /// The quantity.
        public var quantity: String
        /// Creates the pair.
        public init(sensorID: String, quantity: String) {
            self.sensorID = sensorID
            self.quantity = quantity
        }
    }

    /// Creates the policy; the default changes nothing.
    public init(redactedSensors: Set<String> = [], redactedQuantities: Set<SensorQuantity> = [],
                timeResolutions: [String: TimeCoarsening] = [:], defaultTimeResolution: TimeCoarsening? = nil) {
        self.redactedSensors = redactedSensors
        self.redactedQuantities = redactedQuantities
        self.timeResolutions = timeResolutions
        self.defaultTimeResolution = defaultTimeResolution
    }

    /// Whether it changes anything at all.
    public var isEmpty: Bool {
        redactedSensors.isEmpty && redactedQuantities.isEmpty && timeResolutions.isEmpty && defaultTimeResolution == nil
    }

    /// Whether a reading of `quantity` by `sensorID` must never be sent.
    public func redacts(sensorID: String, quantity: String) -> Bool {
        if redactedSensors.contains(sensorID) { return true }
        if redactedQuantities.contains(SensorQuantity(sensorID: sensorID, quantity: quantity)) { return true }
        // A `timeout` marker speaks of its quantity's gaps.
        if quantity.hasSuffix("_stale") {
            return redactedQuantities.contains(SensorQuantity(sensorID: sensorID, quantity: String(quantity.dropLast(6))))
        }
        return false
    }

    /// The readings as they may be sent, in order, and the sequence numbers of those that may not.
    public func apply(_ readings: ArraySlice<Reading>) -> (sent: [Reading], redacted: [UInt64]) {
        var sent: [Reading] = []
        sent.reserveCapacity(readings.count)
        var redacted: [UInt64] = []
        for reading in readings {
            if redacts(sensorID: reading.sensorID, quantity: reading.quantity) {
                redacted.append(reading.sequence)
                continue
            }
            var coarse = reading
            if let resolution = timeResolutions[reading.sensorID] ?? defaultTimeResolution {
                coarse.timestamp = resolution.apply(reading.timestamp)
            }
            sent.append(coarse)
        }
        return (sent, redacted)
    }

    /// The announced devices without what is redacted: no Sparkplug metric, no Home Assistant
    /// entity for a redacted quantity, no device for a sensor redacted whole.
    public func announced(_ devices: [EncoderDevice]) -> [EncoderDevice] {
        devices.compactMap { device in
            guard !redactedSensors.contains(device.sensorID) else { return nil }
            var kept = device
            kept.quantities = device.quantities.filter { !redacts(sensorID: device.sensorID, quantity: $0.name) }
            return kept
        }
    }

    /// A session message's wall time, floored to the gateway-wide resolution.
    func sessionWallSeconds(_ wallSeconds: Double) -> Double {
        defaultTimeResolution?.floor(seconds: wallSeconds) ?? wallSeconds
    }
}

/// Any encoder with a ``WirePrivacy`` applied to what it is given: redacted readings are left
/// out (reported as skipped, so the uplink deletes them unsent) and the times of the others are
/// coarsened before the format sees them.
public struct PrivateEncoder: ReadingEncoder {
    /// The format.
    public let base: any ReadingEncoder
    /// What is kept from the broker.
    public let privacy: WirePrivacy

    /// Wraps `base`; its context should announce ``WirePrivacy/announced(_:)`` devices only.
    public init(_ base: any ReadingEncoder, privacy: WirePrivacy) {
        self.base = base
        self.privacy = privacy
    }

    public var context: EncoderContext { base.context }
    public var contentType: String { base.contentType }
    public var maxReadingsPerMessage: Int { base.maxReadingsPerMessage }

    public func encode(_ readings: ArraySlice<Reading>, into buffer: inout [UInt8]) -> EncodedMessage {
        let (sent, redacted) = privacy.apply(readings)
        return Self.merge(base.encode(sent[...], into: &buffer), redacted: redacted, buffer: &buffer)
    }

    public func makeConnectionHooks() -> (any ConnectionHooks)? {
        base.makeConnectionHooks().map { PrivateConnectionHooks(base: $0, privacy: privacy) }
    }

    /// The base's message with the redacted readings added to its skipped ones; an empty payload
    /// when the base carried nothing (all redacted).
    static func merge(_ message: EncodedMessage, redacted: [UInt64], buffer: inout [UInt8]) -> EncodedMessage {
        guard !redacted.isEmpty else { return message }
        if message.carried.isEmpty { buffer.removeAll(keepingCapacity: true) }
        return EncodedMessage(topic: message.topic, carried: message.carried, skipped: message.skipped + redacted)
    }
}

/// A format's session side with a ``WirePrivacy`` applied to the readings it encodes and to
/// the times of the messages it sends.
struct PrivateConnectionHooks: ConnectionHooks {
    var base: any ConnectionHooks
    let privacy: WirePrivacy

    var subscriptions: [String] { base.subscriptions }
    var persistentState: [UInt8] { base.persistentState }

    mutating func restore(_ state: [UInt8]?) { base.restore(state) }

    mutating func willForNextConnection(wallSeconds: Double) -> SessionMessage? {
        base.willForNextConnection(wallSeconds: privacy.sessionWallSeconds(wallSeconds))
    }

    mutating func connected(wallSeconds: Double) -> [SessionMessage] {
        base.connected(wallSeconds: privacy.sessionWallSeconds(wallSeconds))
    }

    mutating func received(topic: String, payload: [UInt8], wallSeconds: Double) -> [SessionMessage] {
        base.received(topic: topic, payload: payload, wallSeconds: privacy.sessionWallSeconds(wallSeconds))
    }

    mutating func encode(_ readings: ArraySlice<Reading>, into buffer: inout [UInt8]) -> EncodedMessage {
        let (sent, redacted) = privacy.apply(readings)
        // The base may carry a leading part only (Sparkplug: one device per message); redacted
        // readings anywhere in the slice are reported now, and the uplink hands over again only
        // what was neither carried nor skipped.
        return PrivateEncoder.merge(base.encode(sent[...], into: &buffer), redacted: redacted, buffer: &buffer)
    }
}
