import HALSimulation
import Pipeline
import Testing
@testable import Agent

/// `status.json`: the JSON parser, the writer and the reader of ``AgentStatus``.
@Suite struct StatusFileTests {
    static let sample = AgentStatus(
        version: "0.1.0", pid: 4242, running: true, startedAt: 1_796_234_000.25, writtenAt: 1_796_234_081.5,
        components: [
            .init(name: "sampler", healthy: true),
            .init(name: "storage", healthy: true),
            .init(name: "uplink", healthy: false, reason: "no reconnect attempt for 70.0s"),
        ],
        uplink: .init(state: "backing_off", stateAgeSeconds: 70.125, connections: 2,
                      lastFailure: "could not connect (refused): nothing listens on \"broker\":8883",
                      lastFailureAgeSeconds: 70.125),
        outbox: .init(readings: 1234, bytes: 49_152),
        lastAckAgeSeconds: nil,
        sensors: [
            .init(id: "air", kind: "bme280", health: "healthy", lastReadingAt: 1_796_234_081.0, readings: 300, errors: 0),
            .init(id: "door", kind: "sht3x", health: "starting", lastReadingAt: nil, readings: 0, errors: 7),
        ])

    // MARK: the parser (libyaml, JSON's rules checked on the tree)

    @Test func theParserReadsEveryKindOfValue() throws {
        let text = #" {"a": [1, -2.5e2, 0.125, true, false, null], "b": {"c": "x\"y\\z\n\t\u00e9"}} "#
        let value = try JSONValue.parse(Array(text.utf8))
        #expect(value["a"] == .array([.number(1), .number(-250), .number(0.125), .bool(true), .bool(false), .null]))
        #expect(value["b"]?["c"] == .string("x\"y\\z\n\té"))
        #expect(value["missing"] == nil)
    }

    @Test func textTheWriterEscapesReadsBackAsWritten() throws {
        // The writer escapes quotes, backslashes and control characters and leaves other UTF-8
        // (a G clef, U+1D11E, four bytes) as it is.
        let text = "a \"quoted\" back\\slash, bell \u{07}, G clef \u{1D11E}, é"
        var bytes: [UInt8] = []
        JSONText.appendQuoted(text, to: &bytes)
        #expect(try JSONValue.parse(bytes) == .string(text))
    }

    @Test(arguments: [
        ("{\"a\": 'b'}", "1:7: a string must be in double quotes"),
        ("{'a': 1}", "1:2: a member name must be a string in double quotes"),
        ("{a: 1}", "1:2: a member name must be a string in double quotes"),
        ("[1 2]", "1:2: '1 2' is not a JSON value"),
        ("[yes]", "1:2: 'yes' is not a JSON value"),
        ("[01]", "1:2: '01' is not a JSON value"),
        ("[+1]", "1:2: '+1' is not a JSON value"),
        ("[0x10]", "1:2: '0x10' is not a JSON value"),
        ("[1e999]", "1:2: '1e999' is not a JSON value"),
        ("", "the document is empty"),
    ])
    func textThatIsNotJSONIsRefusedWithAReason(text: String, reason: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(text.utf8)) }
        do {
            _ = try JSONValue.parse(Array(text.utf8))
        } catch {
            #expect(error.message == reason, "\(text)")
        }
    }

    @Test(arguments: ["\"abc", "{\"a\": [1, 2}", "{\"a\": 1, \"a\": 2}", "\"\\uD834\\uDD1E\""])
    func malformedTextIsRefusedByLibYAML(text: String) {
        // Truncated, unbalanced, a member twice, a surrogate escape: libyaml's own messages.
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test func nestingIsBounded() throws {
        let deep = String(repeating: "[", count: JSONValue.maximumDepth + 1) + String(repeating: "]", count: JSONValue.maximumDepth + 1)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(deep.utf8)) }
        let allowed = String(repeating: "[", count: JSONValue.maximumDepth) + String(repeating: "]", count: JSONValue.maximumDepth)
        _ = try JSONValue.parse(Array(allowed.utf8))
    }

    // MARK: status.json

    @Test func theWrittenFileHasTheDocumentedMembers() throws {
        let document = try JSONValue.parse(StatusJSON.encode(Self.sample))
        #expect(document["pid"] == .number(4242))
        #expect(document["running"] == .bool(true))
        #expect(document["healthy"] == .bool(false), "uplink is unhealthy")
        #expect(document["components"]?["sampler"]?["reason"] == .null)
        #expect(document["components"]?["uplink"]?["reason"] == .string("no reconnect attempt for 70.0s"))
        #expect(document["uplink"]?["state"] == .string("backing_off"))
        #expect(document["uplink"]?["last_failure"] == .string(#"could not connect (refused): nothing listens on "broker":8883"#))
        #expect(document["outbox"]?["bytes"] == .number(49_152))
        #expect(document["last_ack_age_seconds"] == .null)
        #expect(document["sensors"] == .array([
            .object([("id", .string("air")), ("kind", .string("bme280")), ("health", .string("healthy")),
                     ("last_reading_at", .number(1_796_234_081)), ("readings", .number(300)), ("errors", .number(0))]),
            .object([("id", .string("door")), ("kind", .string("sht3x")), ("health", .string("starting")),
                     ("last_reading_at", .null), ("readings", .number(0)), ("errors", .number(7))]),
        ]))
    }

    @Test func whatIsWrittenReadsBackTheSame() throws {
        #expect(try StatusJSON.decode(StatusJSON.encode(Self.sample)) == Self.sample)
    }

    @Test func timesAreWrittenToTheMillisecond() throws {
        var status = Self.sample
        status.writtenAt = 1_796_234_081.123_456
        #expect(try StatusJSON.decode(StatusJSON.encode(status)).writtenAt == 1_796_234_081.123)
    }

    @Test func unknownMembersAreIgnoredSoANewerAgentsFileStillReads() throws {
        var text = String(decoding: StatusJSON.encode(Self.sample), as: UTF8.self)
        text = "{\"future\": {\"x\": [1]}," + text.dropFirst()
        #expect(try StatusJSON.decode(Array(text.utf8)) == Self.sample)
    }

    @Test func aMissingOrMistypedMemberIsNamedByItsPath() throws {
        let text = String(decoding: StatusJSON.encode(Self.sample), as: UTF8.self)
        let cases = [
            (text.replacing("\"state\":\"backing_off\",", with: ""), "member uplink.state is missing"),
            (text.replacing("\"readings\":0", with: "\"readings\":\"0\""), "member sensors[1].readings is not a whole number"),
            (text.replacing("\"pid\":4242", with: "\"pid\":42.5"), "member pid is not a whole number"),
            (text.replacing("\"healthy\":true", with: "\"healthy\":1"), "member components.sampler.healthy is not true or false"),
            ("[]", "member components is missing"),
        ]
        for (broken, message) in cases {
            #expect(broken != text || broken == "[]")
            #expect(throws: StatusFileError(message)) { try StatusJSON.decode(Array(broken.utf8)) }
        }
        #expect(throws: StatusFileError.self) { try StatusJSON.decode(Array("{\"pid\": ".utf8)) }
    }

    // MARK: the model from the verdict and the monitor

    @Test func eachComponentCarriesItsOwnReasons() {
        let verdict = AgentHealth.Verdict.unhealthy([
            .init(component: .sampler, reason: "sensor a stuck measuring for 9.0s (bound 7.0s)"),
            .init(component: .sampler, reason: "sensor b stuck measuring for 8.0s (bound 7.0s)"),
            .init(component: .uplink, reason: "no reconnect attempt for 70.0s"),
        ])
        #expect(AgentStatus.components(verdict) == [
            .init(name: "sampler", healthy: false,
                  reason: "sensor a stuck measuring for 9.0s (bound 7.0s); sensor b stuck measuring for 8.0s (bound 7.0s)"),
            .init(name: "storage", healthy: true),
            .init(name: "uplink", healthy: false, reason: "no reconnect attempt for 70.0s"),
        ])
        #expect(AgentStatus.components(.healthy).allSatisfy { $0.healthy })
    }

    @Test func theMonitorTalliesEachSensorAndAReloadKeepsTheTalliesOfUnchangedSensors() {
        let monitor = HealthMonitor(clock: ManualClock(), sensors: [])
        monitor.describeSensors([("air", "bme280"), ("door", "sht3x")])
        monitor.sensorDelivered("air", readings: 3, wallSeconds: 100)
        monitor.sensorDelivered("air", readings: 3, wallSeconds: 101)
        monitor.sensorFailed("door")
        monitor.sensorFailed("door")
        monitor.sensorDelivered("ghost", readings: 1, wallSeconds: 1)  // not configured: ignored
        var tallies = monitor.sensorActivity
        #expect(tallies["air"]?.readings == 6)
        #expect(tallies["air"]?.lastReadingWallSeconds == 101)
        #expect(tallies["door"]?.errors == 2)
        #expect(tallies["door"]?.lastReadingWallSeconds == nil)
        #expect(tallies["ghost"] == nil)
        // air stays a bme280; door becomes another chip, so its counts start again.
        monitor.describeSensors([("air", "bme280"), ("door", "sht4x")])
        tallies = monitor.sensorActivity
        #expect(tallies["air"]?.readings == 6)
        #expect(tallies["door"]?.kind == "sht4x")
        #expect(tallies["door"]?.errors == 0)
        let sensors = AgentStatus.sensors(tallies, health: ["air": "healthy"])
        #expect(sensors.map(\.id) == ["air", "door"])
        #expect(sensors.map(\.health) == ["healthy", "starting"])
    }

    @Test func theMonitorKeepsTheLastUplinkFailureAfterReconnecting() async {
        let clock = ManualClock()
        let monitor = HealthMonitor(clock: clock, sensors: [])
        #expect(monitor.lastUplinkFailure == nil)
        await clock.advance(by: .seconds(3))
        monitor.uplinkFailed(reason: "could not connect (refused): nothing listens")
        monitor.uplinkDisconnected()
        monitor.uplinkConnecting()
        monitor.uplinkConnected()
        #expect(monitor.lastUplinkFailure?.reason == "could not connect (refused): nothing listens")
        #expect(monitor.lastUplinkFailure?.at == .seconds(3))
    }
}
