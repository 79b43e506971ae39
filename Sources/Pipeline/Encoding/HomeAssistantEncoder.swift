/// Publishes readings for Home Assistant's MQTT integration with discovery: the gateway appears
/// as one device with one sensor entity per configured sensor and quantity, with no setup in
/// Home Assistant.
///
/// - Discovery: after each CONNACK, a retained config per entity on
///   `homeassistant/sensor/<gateway>/<sensor>_<quantity>/config` (`device_class`, `state_class`,
///   `unit_of_measurement`, `state_topic`, `unique_id`, the `device` block, availability).
/// - Availability: `<readings topic>/availability`, `online` retained after each CONNACK,
///   `offline` retained as the MQTT will, so the entities go unavailable when the link dies.
/// - State: one plain number per message on `<readings topic>/<sensor>/<quantity>`.
/// - Removal: the entities announced are kept in the session state; one no longer configured
///   gets an empty retained config, which makes Home Assistant delete it.
///
/// This is an encoding of its own (`mqtt.encoding: homeassistant`) rather than an option beside
/// SenML: Home Assistant reads plain states per entity topic, so the readings themselves change.
public struct HomeAssistantEncoder: ReadingEncoder {
    /// The registry entry: `homeassistant`, one reading per message (one state topic per entity).
    public static let factory = ReadingEncoderFactory(
        name: "homeassistant", summary: "Home Assistant MQTT discovery: one device, one entity per sensor quantity"
    ) { context, _ in HomeAssistantEncoder(context: context, discoveryPrefix: context.discoveryPrefix ?? "homeassistant") }

    public let context: EncoderContext
    /// One state topic per entity: a message carries one reading.
    public var maxReadingsPerMessage: Int { 1 }
    public var contentType: String { "text/plain" }
    /// The discovery topic prefix Home Assistant listens on (its default).
    public let discoveryPrefix: String

    /// Creates an encoder for one gateway.
    public init(context: EncoderContext, discoveryPrefix: String = "homeassistant") {
        self.context = context
        self.discoveryPrefix = discoveryPrefix
    }

    public func encode(_ readings: ArraySlice<Reading>, into buffer: inout [UInt8]) -> EncodedMessage {
        buffer.removeAll(keepingCapacity: true)
        guard let reading = readings.first else { return EncodedMessage(topic: context.readingsTopic, carried: [], skipped: []) }
        let topic = stateTopic(sensorID: reading.sensorID, quantity: reading.quantity)
        guard Self.appendState(reading.value, to: &buffer) else {
            return EncodedMessage(topic: topic, carried: [], skipped: [reading.sequence])
        }
        return EncodedMessage(topic: topic, carried: [reading.sequence], skipped: [])
    }

    public func makeConnectionHooks() -> (any ConnectionHooks)? {
        HomeAssistantSession(encoder: self)
    }

    /// The one place a value becomes a state. Every entity is announced as a numeric `sensor`
    /// (its quantity's unit and `state_class: measurement`), so a boolean is sent as 1 or 0 to
    /// stay a valid state of that entity; a text or bytes value has no numeric state and is
    /// skipped (counted by the uplink). False for a value the entity cannot show.
    static func appendState(_ value: ReadingValue, to buffer: inout [UInt8]) -> Bool {
        switch value {
        case .number(let number):
            guard number.isFinite else { return false }
            JSONText.appendNumber(number, to: &buffer)
            return true
        case .boolean(let flag):
            buffer.append(flag ? UInt8(ascii: "1") : UInt8(ascii: "0"))
            return true
        case .text, .bytes:
            return false
        }
    }

    /// `<readings topic>/<sensor>/<quantity>`.
    public func stateTopic(sensorID: String, quantity: String) -> String {
        "\(context.readingsTopic)/\(sensorID)/\(quantity)"
    }

    /// `<readings topic>/availability`.
    public var availabilityTopic: String { "\(context.readingsTopic)/availability" }

    /// Home Assistant's node id and object ids allow `[a-zA-Z0-9_-]` only.
    static func identifier(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") ? $0 : "_" })
    }

    /// The object id of one entity: `<sensor>_<quantity>`.
    static func objectID(sensorID: String, quantity: String) -> String {
        identifier("\(sensorID)_\(quantity)")
    }

    /// `<discovery prefix>/sensor/<node id>/<object id>/config`.
    public func configTopic(objectID: String) -> String {
        "\(discoveryPrefix)/sensor/\(Self.identifier(context.gatewayID))/\(objectID)/config"
    }

    /// The discovery config of one entity, as JSON.
    func config(sensorID: String, quantity: EncoderDevice.Quantity) -> [UInt8] {
        let gateway = context.gatewayID
        let objectID = Self.objectID(sensorID: sensorID, quantity: quantity.name)
        let mapping = HomeAssistantUnits.mapping(for: quantity.unit)
        var fields: [(String, String)] = [
            ("name", JSONText.quoted("\(sensorID) \(quantity.name)")),
            ("unique_id", JSONText.quoted("\(Self.identifier(gateway))_\(objectID)")),
            ("object_id", JSONText.quoted("\(Self.identifier(gateway))_\(objectID)")),
            ("state_topic", JSONText.quoted(stateTopic(sensorID: sensorID, quantity: quantity.name))),
            ("availability_topic", JSONText.quoted(availabilityTopic)),
            ("payload_available", JSONText.quoted("online")),
            ("payload_not_available", JSONText.quoted("offline")),
            ("unit_of_measurement", JSONText.quoted(mapping.unit)),
        ]
        if let deviceClass = mapping.deviceClass { fields.append(("device_class", JSONText.quoted(deviceClass))) }
        fields.append(("state_class", JSONText.quoted(mapping.stateClass)))
        fields.append(("device", "{\"identifiers\":[\(JSONText.quoted("sensorgw_\(Self.identifier(gateway))"))],"
            + "\"name\":\(JSONText.quoted(gateway)),\"manufacturer\":\"SensorGateway\",\"model\":\"sensorgw\"}"))
        let body = fields.map { "\(JSONText.quoted($0.0)):\($0.1)" }.joined(separator: ",")
        return Array("{\(body)}".utf8)
    }
}

/// The session side of Home Assistant discovery: the will, the retained configs and the
/// removal of entities no longer configured, as a pure value.
public struct HomeAssistantSession: ConnectionHooks {
    let encoder: HomeAssistantEncoder
    /// Object ids announced by an earlier run (from the session state), or by this one.
    public private(set) var announced: [String] = []

    init(encoder: HomeAssistantEncoder) {
        self.encoder = encoder
    }

    public var subscriptions: [String] { [] }

    /// The announced object ids, one per line.
    public var persistentState: [UInt8] { Array(announced.joined(separator: "\n").utf8) }

    public mutating func restore(_ state: [UInt8]?) {
        guard let state, !state.isEmpty else { return }
        announced = String(decoding: state, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    public mutating func willForNextConnection(wallSeconds: Double) -> SessionMessage? {
        SessionMessage(topic: encoder.availabilityTopic, payload: Array("offline".utf8), retain: true, qos: 1)
    }

    /// Empty retained configs for entities announced before and gone now, a retained config for
    /// each entity configured, then `online`.
    public mutating func connected(wallSeconds: Double) -> [SessionMessage] {
        var messages: [SessionMessage] = []
        var current: [String] = []
        for device in encoder.context.devices {
            for quantity in device.quantities {
                let objectID = HomeAssistantEncoder.objectID(sensorID: device.sensorID, quantity: quantity.name)
                current.append(objectID)
                messages.append(SessionMessage(topic: encoder.configTopic(objectID: objectID),
                                               payload: encoder.config(sensorID: device.sensorID, quantity: quantity),
                                               contentType: "application/json", retain: true, qos: 1))
            }
        }
        let removals = announced.filter { !current.contains($0) }.map { objectID in
            SessionMessage(topic: encoder.configTopic(objectID: objectID), payload: [], retain: true, qos: 1)
        }
        announced = current
        return removals + messages + [SessionMessage(topic: encoder.availabilityTopic, payload: Array("online".utf8),
                                                     retain: true, qos: 1)]
    }

    public mutating func received(topic: String, payload: [UInt8], wallSeconds: Double) -> [SessionMessage] { [] }

    public mutating func encode(_ readings: ArraySlice<Reading>, into buffer: inout [UInt8]) -> EncodedMessage {
        encoder.encode(readings, into: &buffer)
    }
}

/// SenML units as Home Assistant names them, with the device class and state class that go
/// with them (Home Assistant's `homeassistant/const.py` and `components/sensor/const.py`).
public enum HomeAssistantUnits {
    /// What Home Assistant is told about one unit.
    public struct Mapping: Sendable, Hashable {
        /// `unit_of_measurement`.
        public var unit: String
        /// `device_class`, nil when no class fits the unit alone (ppm, µg/m³, %: the quantity decides).
        public var deviceClass: String?
        /// `state_class`.
        public var stateClass: String
    }

    static let table: [String: Mapping] = [
        "Cel": Mapping(unit: "°C", deviceClass: "temperature", stateClass: "measurement"),
        "K": Mapping(unit: "K", deviceClass: "temperature", stateClass: "measurement"),
        "Pa": Mapping(unit: "Pa", deviceClass: "pressure", stateClass: "measurement"),
        "hPa": Mapping(unit: "hPa", deviceClass: "pressure", stateClass: "measurement"),
        "%RH": Mapping(unit: "%", deviceClass: "humidity", stateClass: "measurement"),
        "lx": Mapping(unit: "lx", deviceClass: "illuminance", stateClass: "measurement"),
        "V": Mapping(unit: "V", deviceClass: "voltage", stateClass: "measurement"),
        "mV": Mapping(unit: "mV", deviceClass: "voltage", stateClass: "measurement"),
        "A": Mapping(unit: "A", deviceClass: "current", stateClass: "measurement"),
        "mA": Mapping(unit: "mA", deviceClass: "current", stateClass: "measurement"),
        "W": Mapping(unit: "W", deviceClass: "power", stateClass: "measurement"),
        "kW": Mapping(unit: "kW", deviceClass: "power", stateClass: "measurement"),
        "Wh": Mapping(unit: "Wh", deviceClass: "energy", stateClass: "total_increasing"),
        "kWh": Mapping(unit: "kWh", deviceClass: "energy", stateClass: "total_increasing"),
        "VA": Mapping(unit: "VA", deviceClass: "apparent_power", stateClass: "measurement"),
        "Hz": Mapping(unit: "Hz", deviceClass: "frequency", stateClass: "measurement"),
        "MHz": Mapping(unit: "MHz", deviceClass: "frequency", stateClass: "measurement"),
        "m": Mapping(unit: "m", deviceClass: "distance", stateClass: "measurement"),
        "mm": Mapping(unit: "mm", deviceClass: "distance", stateClass: "measurement"),
        "cm": Mapping(unit: "cm", deviceClass: "distance", stateClass: "measurement"),
        "km": Mapping(unit: "km", deviceClass: "distance", stateClass: "measurement"),
        "s": Mapping(unit: "s", deviceClass: "duration", stateClass: "measurement"),
        "ms": Mapping(unit: "ms", deviceClass: "duration", stateClass: "measurement"),
        "min": Mapping(unit: "min", deviceClass: "duration", stateClass: "measurement"),
        "h": Mapping(unit: "h", deviceClass: "duration", stateClass: "measurement"),
        "m/s": Mapping(unit: "m/s", deviceClass: "speed", stateClass: "measurement"),
        "km/h": Mapping(unit: "km/h", deviceClass: "speed", stateClass: "measurement"),
        "dBm": Mapping(unit: "dBm", deviceClass: "signal_strength", stateClass: "measurement"),
        "ppm": Mapping(unit: "ppm", deviceClass: nil, stateClass: "measurement"),
        "ug/m3": Mapping(unit: "µg/m³", deviceClass: nil, stateClass: "measurement"),
        "%": Mapping(unit: "%", deviceClass: nil, stateClass: "measurement"),
    ]

    /// The mapping for `unit`; a unit Home Assistant has no name for keeps its SenML symbol and no class.
    public static func mapping(for unit: SenMLUnit) -> Mapping {
        table[unit.rawValue] ?? Mapping(unit: unit.rawValue, deviceClass: nil, stateClass: "measurement")
    }

    /// Every SenML unit with a Home Assistant mapping.
    public static var mappedUnits: [String] { table.keys.sorted() }
}
