import Pipeline
import Testing

/// Sparkplug B 3.0 payloads decoded by Eclipse Tahu's protobuf classes (`Scripts/sparkplug-check.py`),
/// never by our own generated code; the expected fields restate the specification (3.0.0,
/// chapters 5-6: topics, bdSeq, seq, births, aliases, rebirth).
@Suite struct SparkplugBTests {
    static let devices = [
        EncoderDevice(sensorID: "air", quantities: [.init(name: "temperature", unit: .celsius), .init(name: "pressure", unit: .pascal)]),
        EncoderDevice(sensorID: "soil", quantities: [.init(name: "humidity", unit: .relativeHumidity)]),
    ]
    static let context = EncoderContext(gatewayID: "greenhouse-1", readingsTopic: "unused", devices: devices)
    /// 2023-11-14T22:13:20.5Z: whole milliseconds, so no rounding is in question.
    static let wall = 1_700_000_000.5
    static let millis = "1700000000500"

    func session(restoring state: [UInt8]? = nil) -> SparkplugBSession {
        var session = SparkplugBSession(layout: SparkplugBLayout(Self.context))
        session.restore(state)
        return session
    }

    func reading(_ sensor: String, _ quantity: String, _ value: Double, unit: SenMLUnit = .celsius, at wall: Double = wall,
                 sequence: UInt64) -> Reading {
        Reading(sensorID: sensor, quantity: quantity, value: value, unit: unit,
                timestamp: Timestamp(wallSeconds: wall, monotonicNanoseconds: 5, clockSynchronized: true), sequence: sequence)
    }

    func decode(_ payloads: [[UInt8]]) throws -> [String] {
        try CBORChecker.run(script: "sparkplug-check.py", on: payloads)
    }

    @Test func theWillIsAnNDEATHCarryingBdSeqAndTheBirthsCarryTheSameOne() throws {
        var session = session()
        let maybeWill = session.willForNextConnection(wallSeconds: Self.wall)
        let will = try #require(maybeWill)
        #expect(will.topic == "spBv1.0/sensorgw/NDEATH/greenhouse-1")
        #expect(will.qos == 1 && !will.retain)
        let births = session.connected(wallSeconds: Self.wall)
        #expect(births.map(\.topic) == ["spBv1.0/sensorgw/NBIRTH/greenhouse-1", "spBv1.0/sensorgw/DBIRTH/greenhouse-1/air",
                                         "spBv1.0/sensorgw/DBIRTH/greenhouse-1/soil"])
        // Births at QoS 0, not retained (tck-id-topics-nbirth-mqtt, tck-id-topics-dbirth-mqtt).
        #expect(births.allSatisfy { $0.qos == 0 && !$0.retain })
        let decoded = try decode([will.payload] + births.map(\.payload))
        let ms = Self.millis
        #expect(decoded == [
            // NDEATH: the bdSeq metric (Int64) and nothing else; no seq.
            #"{"metrics": [{"datatype": 4, "datatype_name": "Int64", "long_value": 0, "name": "bdSeq"}], "timestamp": \#(ms)}"#,
            // NBIRTH: seq 0, the same bdSeq, Node Control/Rebirth false.
            #"{"metrics": [{"datatype": 4, "datatype_name": "Int64", "long_value": 0, "name": "bdSeq"}, "#
                + #"{"boolean_value": false, "datatype": 11, "datatype_name": "Boolean", "name": "Node Control/Rebirth", "timestamp": \#(ms)}], "#
                + #""seq": 0, "timestamp": \#(ms)}"#,
            // DBIRTH per device: every metric with its name, its alias (unique in the node), Double,
            // null until the first reading, the unit as engUnit; seq 1 and 2.
            #"{"metrics": [{"alias": 1, "datatype": 10, "datatype_name": "Double", "is_null": true, "name": "temperature", "#
                + #""properties": {"keys": ["engUnit"], "values": [{"string_value": "Cel", "type": 12, "type_name": "String"}]}, "timestamp": \#(ms)}, "#
                + #"{"alias": 2, "datatype": 10, "datatype_name": "Double", "is_null": true, "name": "pressure", "#
                + #""properties": {"keys": ["engUnit"], "values": [{"string_value": "Pa", "type": 12, "type_name": "String"}]}, "timestamp": \#(ms)}], "#
                + #""seq": 1, "timestamp": \#(ms)}"#,
            #"{"metrics": [{"alias": 3, "datatype": 10, "datatype_name": "Double", "is_null": true, "name": "humidity", "#
                + #""properties": {"keys": ["engUnit"], "values": [{"string_value": "%RH", "type": 12, "type_name": "String"}]}, "timestamp": \#(ms)}], "#
                + #""seq": 2, "timestamp": \#(ms)}"#,
        ])
    }

    @Test func ddataGoesByAliasPerDeviceWithSeqCountingOnFromTheBirths() throws {
        var session = session()
        _ = session.willForNextConnection(wallSeconds: Self.wall)
        _ = session.connected(wallSeconds: Self.wall)
        let batch = [
            reading("air", "temperature", 21.5, sequence: 10),
            reading("air", "pressure", 101_325, unit: .pascal, at: Self.wall + 0.25, sequence: 11),
            reading("soil", "humidity", 48.25, unit: .relativeHumidity, sequence: 12),
        ]
        var buffer: [UInt8] = []
        let first = session.encode(batch[...], into: &buffer)
        // One device per DDATA: the soil reading is left for the next message.
        #expect(first.topic == "spBv1.0/sensorgw/DDATA/greenhouse-1/air")
        #expect(first.carried == [10, 11] && first.skipped.isEmpty)
        let firstPayload = buffer
        let second = session.encode(batch[2...], into: &buffer)
        #expect(second.topic == "spBv1.0/sensorgw/DDATA/greenhouse-1/soil")
        #expect(second.carried == [12])
        let decoded = try decode([firstPayload, buffer])
        #expect(decoded == [
            // No names after the birth: aliases only; each metric stamped with its own reading's time.
            #"{"metrics": [{"alias": 1, "datatype": 10, "datatype_name": "Double", "double_value": "f:4035800000000000", "timestamp": 1700000000500}, "#
                + #"{"alias": 2, "datatype": 10, "datatype_name": "Double", "double_value": "f:40f8bcd000000000", "timestamp": 1700000000750}], "#
                + #""seq": 3, "timestamp": 1700000000750}"#,
            #"{"metrics": [{"alias": 3, "datatype": 10, "datatype_name": "Double", "double_value": "f:4048200000000000", "timestamp": 1700000000500}], "#
                + #""seq": 4, "timestamp": 1700000000500}"#,
        ])
    }

    @Test func seqWrapsFrom255To0() {
        var session = session()
        _ = session.willForNextConnection(wallSeconds: Self.wall)
        _ = session.connected(wallSeconds: Self.wall)  // NBIRTH 0, DBIRTH 1 and 2
        var buffer: [UInt8] = []
        var seqs: [UInt8] = []
        for index in 0..<256 {
            seqs.append(session.nextSeq)
            _ = session.encode([reading("air", "temperature", 20, sequence: UInt64(index + 1))][...], into: &buffer)
        }
        #expect(seqs.prefix(3) == [3, 4, 5])
        #expect(seqs[252] == 255 && seqs[253] == 0 && seqs[254] == 1, "255 is followed by 0")
    }

    @Test func bdSeqCountsConnectionsAndResumesFromTheStoredOne() throws {
        var fresh = session()
        #expect(fresh.persistentState.isEmpty)
        _ = fresh.willForNextConnection(wallSeconds: Self.wall)
        _ = fresh.willForNextConnection(wallSeconds: Self.wall)
        #expect(fresh.bdSeq == 1 && fresh.persistentState == [1], "0 first, one more per CONNECT")

        var restored = session(restoring: [7])
        let maybeWill = restored.willForNextConnection(wallSeconds: Self.wall)
        let will = try #require(maybeWill)
        let births = restored.connected(wallSeconds: Self.wall)
        let decoded = try decode([will.payload, births[0].payload])
        #expect(decoded[0].contains(#""long_value": 8, "name": "bdSeq""#))
        #expect(decoded[1].contains(#""long_value": 8, "name": "bdSeq""#), "NBIRTH's bdSeq is the will's")

        var wrapping = session(restoring: [255])
        _ = wrapping.willForNextConnection(wallSeconds: Self.wall)
        #expect(wrapping.bdSeq == 0)
        // A state that is not one byte is not ours: start at 0.
        var damaged = session(restoring: [1, 2, 3])
        _ = damaged.willForNextConnection(wallSeconds: Self.wall)
        #expect(damaged.bdSeq == 0)
    }

    /// `Payload { metrics: [{ name: "Node Control/Rebirth", datatype: Boolean (11), boolean_value: <value> }] }`,
    /// written out by hand from the protobuf wire format: field 2 (metrics), length-delimited;
    /// inside field 1 (name) length 20, field 4 (datatype) varint 11, field 14 (boolean_value) varint.
    static func rebirthCommand(_ value: Bool) -> [UInt8] {
        let name = Array("Node Control/Rebirth".utf8)
        let metric: [UInt8] = [0x0A, UInt8(name.count)] + name + [0x20, 0x0B, 0x70, value ? 1 : 0]
        return [0x12, UInt8(metric.count)] + metric
    }

    @Test func aRebirthCommandGetsNBIRTHWithSeq0AndEveryDBIRTHWithTheSameBdSeq() throws {
        var session = session(restoring: [4])
        _ = session.willForNextConnection(wallSeconds: Self.wall)
        _ = session.connected(wallSeconds: Self.wall)
        var buffer: [UInt8] = []
        _ = session.encode([reading("air", "temperature", 20, sequence: 1)][...], into: &buffer)
        #expect(session.nextSeq == 4)

        #expect(session.subscriptions == ["spBv1.0/sensorgw/NCMD/greenhouse-1"])
        let falseRebirth = session.received(topic: "spBv1.0/sensorgw/NCMD/greenhouse-1", payload: Self.rebirthCommand(false),
                                            wallSeconds: Self.wall)
        #expect(falseRebirth.isEmpty, "Rebirth false asks for nothing")
        let otherNode = session.received(topic: "spBv1.0/sensorgw/NCMD/other-node", payload: Self.rebirthCommand(true),
                                         wallSeconds: Self.wall)
        #expect(otherNode.isEmpty, "another node's command")
        let garbage = session.received(topic: "spBv1.0/sensorgw/NCMD/greenhouse-1", payload: [0xFF, 0xFF, 0xFF],
                                       wallSeconds: Self.wall)
        #expect(garbage.isEmpty, "garbage asks for nothing")

        let rebirth = session.received(topic: "spBv1.0/sensorgw/NCMD/greenhouse-1", payload: Self.rebirthCommand(true),
                                       wallSeconds: Self.wall)
        #expect(rebirth.map(\.topic) == ["spBv1.0/sensorgw/NBIRTH/greenhouse-1", "spBv1.0/sensorgw/DBIRTH/greenhouse-1/air",
                                         "spBv1.0/sensorgw/DBIRTH/greenhouse-1/soil"])
        let decoded = try decode(rebirth.map(\.payload))
        #expect(decoded[0].contains(#""long_value": 5, "name": "bdSeq""#))
        #expect(decoded[0].hasSuffix(#""seq": 0, "timestamp": \#(Self.millis)}"#))
        #expect(decoded[1].hasSuffix(#""seq": 1, "timestamp": \#(Self.millis)}"#))
        #expect(session.nextSeq == 3, "data continues after the new births")
    }

    @Test func readingsNoBirthAnnouncedAndValuesSparkplugCannotCarryAreSkipped() {
        var session = session()
        _ = session.willForNextConnection(wallSeconds: Self.wall)
        _ = session.connected(wallSeconds: Self.wall)
        var buffer: [UInt8] = []
        let message = session.encode([
            reading("air", "temperature", .nan, sequence: 1),
            reading("air", "dew_point", 3, sequence: 2),
            reading("air", "temperature", 20, sequence: 3),
        ][...], into: &buffer)
        #expect(message.carried == [3] && message.skipped == [1, 2])
        let unknownDevice = session.encode([reading("cellar", "temperature", 20, sequence: 4)][...], into: &buffer)
        #expect(unknownDevice.carried.isEmpty && unknownDevice.skipped == [4])
        #expect(session.nextSeq == 4, "a message with nothing carried is not sent and spends no seq")
    }

    @Test func groupAndEdgeNodeIdsAreConfigurable() {
        let context = EncoderContext(gatewayID: "gw", readingsTopic: "unused", devices: Self.devices,
                                     sparkplugGroupID: "plant", sparkplugEdgeNodeID: "line-3")
        let layout = SparkplugBLayout(context)
        #expect(layout.nodeTopic("NBIRTH") == "spBv1.0/plant/NBIRTH/line-3")
        #expect(layout.deviceTopic("DDATA", device: "air") == "spBv1.0/plant/DDATA/line-3/air")
        #expect(ReadingEncoders.named("sparkplug-b") != nil)
        #expect(SparkplugBEncoder.factory.makeEncoder(context).makeConnectionHooks() != nil)
        #expect(SenMLJSONEncoder.factory.makeEncoder(context).makeConnectionHooks() == nil, "SenML has no session")
    }
}
