import Pipeline
import Testing

/// Home Assistant MQTT discovery: configs parsed by Python's json (`Scripts/ha-discovery-check.py`),
/// and every unit, device class and state class we emit checked against Home Assistant's own
/// tables, restated below.
@Suite struct HomeAssistantDiscoveryTests {
    /// Home Assistant's `components/sensor/const.py` `DEVICE_CLASS_UNITS` for the device classes
    /// we use, with the unit values from `homeassistant/const.py` (`UnitOfTemperature`,
    /// `UnitOfPressure`, `PERCENTAGE`, `LIGHT_LUX`, `UnitOfElectricPotential`,
    /// `UnitOfElectricCurrent`, `UnitOfPower`, `UnitOfEnergy`, `UnitOfApparentPower`,
    /// `UnitOfFrequency`, `UnitOfLength`, `UnitOfTime` (days to milliseconds), `UnitOfSpeed`,
    /// `SIGNAL_STRENGTH_DECIBELS(_MILLIWATT)`), as of the 2024 releases.
    static let deviceClassUnits: [String: Set<String>] = [
        "temperature": ["°C", "°F", "K"],
        "pressure": ["Pa", "hPa", "kPa", "bar", "cbar", "mbar", "mmHg", "inHg", "psi"],
        "humidity": ["%"],
        "illuminance": ["lx"],
        "voltage": ["mV", "V"],
        "current": ["mA", "A"],
        "power": ["W", "kW"],
        "energy": ["GJ", "kWh", "MJ", "MWh", "Wh"],
        "apparent_power": ["VA"],
        "frequency": ["Hz", "kHz", "MHz", "GHz"],
        "distance": ["mm", "cm", "m", "km", "in", "ft", "yd", "mi"],
        "duration": ["d", "h", "min", "s", "ms"],
        "speed": ["ft/s", "m/s", "km/h", "kn", "mph", "Beaufort"],
        "signal_strength": ["dB", "dBm"],
    ]
    /// `DEVICE_CLASS_STATE_CLASSES` for the same classes (`set(SensorStateClass)` is all three).
    static let deviceClassStateClasses: [String: Set<String>] = [
        "temperature": ["measurement"], "pressure": ["measurement"], "humidity": ["measurement"],
        "illuminance": ["measurement"], "voltage": ["measurement"], "current": ["measurement"],
        "power": ["measurement"], "energy": ["total", "total_increasing"], "apparent_power": ["measurement"],
        "frequency": ["measurement"], "distance": ["measurement", "total", "total_increasing"],
        "duration": ["measurement", "total", "total_increasing"], "speed": ["measurement"],
        "signal_strength": ["measurement"],
    ]
    /// `SensorStateClass`.
    static let stateClasses: Set<String> = ["measurement", "total", "total_increasing"]

    @Test func everyMappingWeEmitIsValidInHomeAssistantsTables() {
        for unit in HomeAssistantUnits.mappedUnits {
            let mapping = HomeAssistantUnits.mapping(for: SenMLUnit(rawValue: unit))
            #expect(Self.stateClasses.contains(mapping.stateClass), "\(unit)")
            guard let deviceClass = mapping.deviceClass else { continue }
            #expect(Self.deviceClassUnits[deviceClass]?.contains(mapping.unit) == true, "\(unit) → \(mapping.unit) for \(deviceClass)")
            #expect(Self.deviceClassStateClasses[deviceClass]?.contains(mapping.stateClass) == true, "\(unit): \(mapping.stateClass)")
        }
        // Every unit a simulated kind reports today is mapped with a class.
        for unit in [SenMLUnit.celsius, .pascal, .relativeHumidity, SenMLUnit(rawValue: "lx")] {
            #expect(HomeAssistantUnits.mapping(for: unit).deviceClass != nil, "\(unit)")
        }
        // A unit Home Assistant has no name for gets no device class, so none can be wrong.
        #expect(HomeAssistantUnits.mapping(for: SenMLUnit(rawValue: "count")).deviceClass == nil)
    }

    static let devices = [EncoderDevice(sensorID: "air", quantities: [.init(name: "temperature", unit: .celsius),
                                                                       .init(name: "humidity", unit: .relativeHumidity)])]
    static let context = EncoderContext(gatewayID: "greenhouse-1", readingsTopic: "sensorgw/greenhouse-1/readings", devices: devices)

    func session(_ context: EncoderContext = context, restoring state: [UInt8]? = nil) throws -> any ConnectionHooks {
        let made = HomeAssistantEncoder.factory.makeEncoder(context).makeConnectionHooks()
        var hooks = try #require(made)
        hooks.restore(state)
        return hooks
    }

    @Test func aConfiguredDiscoveryPrefixIsWhereEntitiesAreAnnounced() throws {
        var context = Self.context
        context.discoveryPrefix = "ha-site2"
        var hooks = try session(context)
        let topics = hooks.connected(wallSeconds: 0).map(\.topic)
        #expect(topics.prefix(2) == ["ha-site2/sensor/greenhouse-1/air_temperature/config",
                                     "ha-site2/sensor/greenhouse-1/air_humidity/config"])
    }

    @Test func oneDeviceOneRetainedEntityConfigPerQuantityAndAvailabilityTiedToTheWill() throws {
        var hooks = try session()
        let maybeWill = hooks.willForNextConnection(wallSeconds: 0)
        let will = try #require(maybeWill)
        #expect(will.topic == "sensorgw/greenhouse-1/readings/availability" && will.payload == Array("offline".utf8) && will.retain)
        let messages = hooks.connected(wallSeconds: 0)
        #expect(messages.map(\.topic) == [
            "homeassistant/sensor/greenhouse-1/air_temperature/config", "homeassistant/sensor/greenhouse-1/air_humidity/config",
            "sensorgw/greenhouse-1/readings/availability",
        ])
        #expect(messages.allSatisfy { $0.retain })
        #expect(messages.last?.payload == Array("online".utf8))
        let parsed = try CBORChecker.run(script: "ha-discovery-check.py", on: messages.dropLast().map(\.payload))
        let device = #""device":{"identifiers":["sensorgw_greenhouse-1"],"manufacturer":"SensorGateway","model":"sensorgw","name":"greenhouse-1"}"#
        #expect(parsed == [
            #"{"availability_topic":"sensorgw/greenhouse-1/readings/availability",\#(device),"device_class":"temperature","#
                + #""name":"air temperature","object_id":"greenhouse-1_air_temperature","payload_available":"online","#
                + #""payload_not_available":"offline","state_class":"measurement","state_topic":"sensorgw/greenhouse-1/readings/air/temperature","#
                + #""unique_id":"greenhouse-1_air_temperature","unit_of_measurement":"°C"}"#,
            #"{"availability_topic":"sensorgw/greenhouse-1/readings/availability",\#(device),"device_class":"humidity","#
                + #""name":"air humidity","object_id":"greenhouse-1_air_humidity","payload_available":"online","#
                + #""payload_not_available":"offline","state_class":"measurement","state_topic":"sensorgw/greenhouse-1/readings/air/humidity","#
                + #""unique_id":"greenhouse-1_air_humidity","unit_of_measurement":"%"}"#,
        ])
    }

    @Test func aSensorRemovedFromTheConfigGetsAnEmptyRetainedConfig() throws {
        var before = try session()
        _ = before.connected(wallSeconds: 0)
        let state = before.persistentState

        // Next start: humidity is no longer configured.
        let fewer = EncoderContext(gatewayID: "greenhouse-1", readingsTopic: "sensorgw/greenhouse-1/readings",
                                   devices: [EncoderDevice(sensorID: "air", quantities: [.init(name: "temperature", unit: .celsius)])])
        var after = try session(fewer, restoring: state)
        let messages = after.connected(wallSeconds: 0)
        let removal = try #require(messages.first)
        #expect(removal.topic == "homeassistant/sensor/greenhouse-1/air_humidity/config")
        #expect(removal.payload.isEmpty && removal.retain, "an empty retained config deletes the entity")
        let parsed = try CBORChecker.run(script: "ha-discovery-check.py", on: [removal.payload])
        #expect(parsed == ["empty"])
        #expect(!messages.dropFirst().contains { $0.payload.isEmpty }, "nothing else is removed")

        // Once removed it is not removed again at the next connection.
        var third = try session(fewer, restoring: after.persistentState)
        let again = third.connected(wallSeconds: 0)
        #expect(!again.contains { $0.payload.isEmpty })
    }

    @Test func aStateIsThePlainNumberOnTheEntitysTopic() {
        let encoder = HomeAssistantEncoder(context: Self.context)
        var buffer: [UInt8] = []
        let reading = Reading(sensorID: "air", quantity: "temperature", value: 21.5, unit: .celsius,
                              timestamp: Timestamp(wallSeconds: 1, monotonicNanoseconds: 1, clockSynchronized: true), sequence: 7)
        let message = encoder.encode([reading, reading][...], into: &buffer)
        #expect(message.topic == "sensorgw/greenhouse-1/readings/air/temperature")
        #expect(message.carried == [7] && buffer == Array("21.5".utf8), "one reading per state message")
        var nan = reading
        nan.value = .number(.nan)
        #expect(encoder.encode([nan][...], into: &buffer).skipped == [7])
    }

    @Test func aBooleanIsOneOrZeroAndTextHasNoNumericState() {
        let encoder = HomeAssistantEncoder(context: Self.context)
        var buffer: [UInt8] = []
        var reading = Reading(sensorID: "door", quantity: "open", value: .boolean(true), unit: SenMLUnit(rawValue: "/"),
                              timestamp: Timestamp(wallSeconds: 1, monotonicNanoseconds: 1, clockSynchronized: true), sequence: 8)
        #expect(encoder.encode([reading][...], into: &buffer).carried == [8] && buffer == Array("1".utf8))
        reading.value = .boolean(false)
        #expect(encoder.encode([reading][...], into: &buffer).carried == [8] && buffer == Array("0".utf8))
        reading.value = .text("ajar")
        #expect(encoder.encode([reading][...], into: &buffer).skipped == [8])
    }
}
