import SparkplugProto

/// Encodes readings as Sparkplug B 3.0 (Eclipse Sparkplug specification 3.0.0), content type
/// none (Sparkplug payloads are identified by topic).
///
/// The gateway is one edge node, `spBv1.0/<group_id>/<type>/<edge_node_id>`; each configured
/// sensor is one device (`.../<edge_node_id>/<sensor id>`) and each of its quantities one
/// metric named after the quantity, Double, with its SenML unit as the `engUnit` property.
/// The session side (NDEATH as the will, NBIRTH/DBIRTH after each CONNACK, `seq`, `bdSeq`,
/// rebirth on `Node Control/Rebirth`) is ``SparkplugBSession``; the uplink uses it through
/// ``makeConnectionHooks()``. A DDATA message carries readings of one device only, so a batch
/// that spans sensors goes out as one message per run of the same sensor.
public struct SparkplugBEncoder: ReadingEncoder {
    /// The registry entry: `sparkplug-b`, up to ``defaultReadingsPerMessage`` readings a message.
    public static let factory = ReadingEncoderFactory(
        name: "sparkplug-b", summary: "Sparkplug B 3.0: NBIRTH/DBIRTH, DDATA per sensor, NDEATH as the will"
    ) { SparkplugBEncoder(context: $0, maxReadingsPerMessage: $1 ?? SparkplugBEncoder.defaultReadingsPerMessage) }

    /// Readings per message unless told otherwise.
    public static let defaultReadingsPerMessage = 32

    public let context: EncoderContext
    public let maxReadingsPerMessage: Int
    /// Sparkplug names no MQTT content type; the topic says what a payload is.
    public var contentType: String { "application/vnd.sparkplug.b+protobuf" }
    /// Topics, aliases and births, fixed for this encoder's lifetime.
    public let layout: SparkplugBLayout

    /// Creates an encoder for one gateway.
    public init(context: EncoderContext, maxReadingsPerMessage: Int = SparkplugBEncoder.defaultReadingsPerMessage) {
        self.context = context
        self.maxReadingsPerMessage = Swift.max(1, maxReadingsPerMessage)
        layout = SparkplugBLayout(context)
    }

    /// Outside a session there is no `seq` to give: such a DDATA has none (a session's
    /// ``SparkplugBSession/encode(_:into:)`` is what the uplink sends).
    public func encode(_ readings: ArraySlice<Reading>, into buffer: inout [UInt8]) -> EncodedMessage {
        layout.encodeData(readings, seq: nil, into: &buffer)
    }

    public func makeConnectionHooks() -> (any ConnectionHooks)? {
        SparkplugBSession(layout: layout)
    }
}

/// The fixed part of a Sparkplug B edge node: its topics, its devices' metrics and their aliases.
public struct SparkplugBLayout: Sendable, Hashable {
    /// Sparkplug's topic namespace for version B.
    public static let namespace = "spBv1.0"
    /// The node control metric a host sets to ask for new births.
    public static let rebirthMetric = "Node Control/Rebirth"

    /// The group id (`sensorgw` unless configured).
    public let groupID: String
    /// The edge node id (the gateway id unless configured).
    public let edgeNodeID: String
    /// Device metrics in birth order; a metric's alias is its index + 1 (unique in the node).
    public let devices: [EncoderDevice]
    private let aliases: [MetricKey: UInt64]

    private struct MetricKey: Hashable, Sendable {
        var sensorID: String
        var quantity: String
    }

    /// The layout for one gateway.
    public init(_ context: EncoderContext) {
        groupID = context.sparkplugGroupID ?? "sensorgw"
        edgeNodeID = context.sparkplugEdgeNodeID ?? context.gatewayID
        devices = context.devices
        var aliases: [MetricKey: UInt64] = [:]
        var next: UInt64 = 1
        for device in context.devices {
            for quantity in device.quantities where aliases[MetricKey(sensorID: device.sensorID, quantity: quantity.name)] == nil {
                aliases[MetricKey(sensorID: device.sensorID, quantity: quantity.name)] = next
                next += 1
            }
        }
        self.aliases = aliases
    }

    /// `spBv1.0/<group>/<type>/<edge node>`.
    public func nodeTopic(_ type: String) -> String {
        "\(Self.namespace)/\(groupID)/\(type)/\(edgeNodeID)"
    }

    /// `spBv1.0/<group>/<type>/<edge node>/<device>`.
    public func deviceTopic(_ type: String, device: String) -> String {
        "\(nodeTopic(type))/\(device)"
    }

    /// The alias of a sensor's quantity, nil when the configuration did not announce it.
    public func alias(sensorID: String, quantity: String) -> UInt64? {
        aliases[MetricKey(sensorID: sensorID, quantity: quantity)]
    }

    /// Milliseconds since the epoch, as Sparkplug's timestamps are; 0 for a time before 1970.
    static func milliseconds(_ wallSeconds: Double) -> UInt64 {
        guard wallSeconds.isFinite, wallSeconds > 0, wallSeconds < 1.8e16 else { return 0 }
        return UInt64((wallSeconds * 1000).rounded())
    }

    /// The one place a reading's value becomes a Sparkplug metric value. Nil for a value the
    /// format cannot carry (NaN, infinity: a host would show them as real numbers).
    static func metricValue(_ value: ReadingValue) -> (type: Org_Eclipse_Tahu_Protobuf_DataType, value: Org_Eclipse_Tahu_Protobuf_Payload.Metric.OneOf_Value)? {
        // DBIRTH declares every quantity as Double (a kind's quantities carry no value type),
        // and DDATA must keep the datatype the birth gave: a boolean goes as 1 or 0, and text
        // or bytes cannot be carried (skipped and counted).
        switch value {
        case .number(let number):
            guard number.isFinite else { return nil }
            return (.double, .doubleValue(number))
        case .boolean(let flag):
            return (.double, .doubleValue(flag ? 1 : 0))
        case .text, .bytes:
            return nil
        }
    }

    /// NDEATH: the will, carrying the connection's `bdSeq`.
    func death(bdSeq: UInt8, wallSeconds: Double) -> SessionMessage {
        var payload = Org_Eclipse_Tahu_Protobuf_Payload()
        payload.timestamp = Self.milliseconds(wallSeconds)
        payload.metrics = [Self.bdSeqMetric(bdSeq)]
        return SessionMessage(topic: nodeTopic("NDEATH"), payload: Self.bytes(payload), qos: 1)
    }

    /// NBIRTH (seq 0) and one DBIRTH per device (seq 1, 2 ...): what follows every CONNACK and rebirth.
    func births(bdSeq: UInt8, wallSeconds: Double) -> [SessionMessage] {
        let now = Self.milliseconds(wallSeconds)
        var node = Org_Eclipse_Tahu_Protobuf_Payload()
        node.timestamp = now
        node.seq = 0
        var rebirth = Org_Eclipse_Tahu_Protobuf_Payload.Metric()
        rebirth.name = Self.rebirthMetric
        rebirth.timestamp = now
        rebirth.datatype = UInt32(Org_Eclipse_Tahu_Protobuf_DataType.boolean.rawValue)
        rebirth.booleanValue = false
        node.metrics = [Self.bdSeqMetric(bdSeq), rebirth]
        // Births at QoS 0, not retained, as the specification requires; DDATA goes at QoS 1 because
        // the outbox deletes a reading only on its PUBACK (docs/FORMATS.md).
        var messages = [SessionMessage(topic: nodeTopic("NBIRTH"), payload: Self.bytes(node), qos: 0)]
        for (index, device) in devices.enumerated() {
            var payload = Org_Eclipse_Tahu_Protobuf_Payload()
            payload.timestamp = now
            payload.seq = UInt64((index + 1) % 256)
            payload.metrics = device.quantities.compactMap { quantity in
                guard let alias = alias(sensorID: device.sensorID, quantity: quantity.name) else { return nil }
                var metric = Org_Eclipse_Tahu_Protobuf_Payload.Metric()
                metric.name = quantity.name
                metric.alias = alias
                metric.timestamp = now
                metric.datatype = UInt32(Org_Eclipse_Tahu_Protobuf_DataType.double.rawValue)
                // No value is known until the first reading: said so rather than a made-up 0.
                metric.isNull = true
                var unit = Org_Eclipse_Tahu_Protobuf_Payload.PropertyValue()
                unit.type = UInt32(Org_Eclipse_Tahu_Protobuf_DataType.string.rawValue)
                unit.stringValue = quantity.unit.rawValue
                metric.properties.keys = ["engUnit"]
                metric.properties.values = [unit]
                return metric
            }
            messages.append(SessionMessage(topic: deviceTopic("DBIRTH", device: device.sensorID), payload: Self.bytes(payload), qos: 0))
        }
        return messages
    }

    /// DDATA for the leading run of `readings` from one sensor: metrics by alias, each with its
    /// reading's time. Readings of metrics no DBIRTH announced, and values the format cannot
    /// carry, are skipped; the rest of the batch (another sensor) is left for the next message.
    func encodeData(_ readings: ArraySlice<Reading>, seq: UInt8?, into buffer: inout [UInt8]) -> EncodedMessage {
        buffer.removeAll(keepingCapacity: true)
        guard let sensorID = readings.first?.sensorID else {
            return EncodedMessage(topic: nodeTopic("DDATA"), carried: [], skipped: [])
        }
        var payload = Org_Eclipse_Tahu_Protobuf_Payload()
        var carried: [UInt64] = []
        var skipped: [UInt64] = []
        var newest = 0.0
        for reading in readings {
            guard reading.sensorID == sensorID else { break }
            guard let alias = alias(sensorID: reading.sensorID, quantity: reading.quantity),
                  let mapped = Self.metricValue(reading.value) else {
                skipped.append(reading.sequence)
                continue
            }
            var metric = Org_Eclipse_Tahu_Protobuf_Payload.Metric()
            metric.alias = alias
            // Sparkplug has one time per metric: the re-based one when the reading was taken
            // before the clock synced and has been re-based since (docs/FORMATS.md, SenML).
            let wallSeconds = reading.timestamp.rebasedWallSeconds ?? reading.timestamp.wallSeconds
            metric.timestamp = Self.milliseconds(wallSeconds)
            metric.datatype = UInt32(mapped.type.rawValue)
            metric.value = mapped.value
            payload.metrics.append(metric)
            carried.append(reading.sequence)
            newest = Swift.max(newest, wallSeconds)
        }
        let topic = deviceTopic("DDATA", device: sensorID)
        guard !carried.isEmpty else { return EncodedMessage(topic: topic, carried: [], skipped: skipped) }
        payload.timestamp = Self.milliseconds(newest)
        if let seq { payload.seq = UInt64(seq) }
        buffer = Self.bytes(payload)
        return EncodedMessage(topic: topic, carried: carried, skipped: skipped)
    }

    private static func bdSeqMetric(_ bdSeq: UInt8) -> Org_Eclipse_Tahu_Protobuf_Payload.Metric {
        var metric = Org_Eclipse_Tahu_Protobuf_Payload.Metric()
        metric.name = "bdSeq"
        metric.datatype = UInt32(Org_Eclipse_Tahu_Protobuf_DataType.int64.rawValue)
        metric.longValue = UInt64(bdSeq)
        return metric
    }

    /// A proto2 message without required fields always serializes; an empty payload stands in
    /// for the impossible failure rather than a crash.
    static func bytes(_ payload: Org_Eclipse_Tahu_Protobuf_Payload) -> [UInt8] {
        do {
            let bytes: [UInt8] = try payload.serializedBytes()
            return bytes
        } catch {
            return []
        }
    }
}
