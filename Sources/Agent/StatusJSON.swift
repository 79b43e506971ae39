import Pipeline

/// `status.json`: ``AgentStatus`` as JSON, and back.
///
/// Times are Unix seconds and ages seconds, as numbers with millisecond precision, so that
/// `jq` reads them (`.written_at | todate`). Absent values are `null`. Readers ignore members
/// they do not know, so a newer agent's file still reads.
public enum StatusJSON {
    /// The status as one JSON object, with a final newline.
    public static func encode(_ status: AgentStatus) -> [UInt8] {
        var out = JSONObjectWriter()
        out.string("version", status.version)
        out.integer("pid", status.pid)
        out.bool("running", status.running)
        out.number("started_at", status.startedAt)
        out.number("written_at", status.writtenAt)
        out.bool("healthy", status.isHealthy)
        out.object("components") { components in
            for component in status.components {
                components.object(component.name) { entry in
                    entry.bool("healthy", component.healthy)
                    entry.string("reason", component.reason)
                }
            }
        }
        out.object("uplink") { uplink in
            uplink.string("state", status.uplink.state)
            uplink.number("state_age_seconds", status.uplink.stateAgeSeconds)
            uplink.integer("connections", status.uplink.connections)
            uplink.string("last_failure", status.uplink.lastFailure)
            uplink.number("last_failure_age_seconds", status.uplink.lastFailureAgeSeconds)
            uplink.string("broker", status.uplink.broker)
        }
        out.object("outbox") { outbox in
            outbox.integer("readings", status.outbox.readings)
            outbox.integer("bytes", status.outbox.bytes)
        }
        out.number("last_ack_age_seconds", status.lastAckAgeSeconds)
        out.array("sensors", status.sensors) { entry, sensor in
            entry.string("id", sensor.id)
            entry.string("kind", sensor.kind)
            entry.string("health", sensor.health)
            entry.number("last_reading_at", sensor.lastReadingAt)
            entry.integer("readings", sensor.readings)
            entry.integer("errors", sensor.errors)
        }
        var bytes = out.finish()
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Reads a status back.
    /// - Throws: ``StatusFileError`` naming what is not JSON or which member is missing or of the wrong type.
    public static func decode(_ bytes: [UInt8]) throws(StatusFileError) -> AgentStatus {
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw StatusFileError("not JSON: \(error)")
        }
        let root = Member(value: document, path: "")
        let components = try root["components"].object()
        var componentStatuses: [AgentStatus.ComponentStatus] = []
        for name in AgentHealth.Component.allCases.map(\.rawValue) {
            let entry = components[name]
            componentStatuses.append(.init(name: name, healthy: try entry["healthy"].bool(),
                                           reason: try entry["reason"].optionalString()))
        }
        let uplink = root["uplink"]
        let outbox = root["outbox"]
        var sensors: [AgentStatus.SensorStatus] = []
        for entry in try root["sensors"].array() {
            sensors.append(.init(id: try entry["id"].string(), kind: try entry["kind"].string(),
                                 health: try entry["health"].string(),
                                 lastReadingAt: try entry["last_reading_at"].optionalNumber(),
                                 readings: try entry["readings"].integer(), errors: try entry["errors"].integer()))
        }
        return AgentStatus(
            version: try root["version"].string(), pid: try root["pid"].integer(), running: try root["running"].bool(),
            startedAt: try root["started_at"].number(), writtenAt: try root["written_at"].number(),
            components: componentStatuses,
            uplink: .init(state: try uplink["state"].string(), stateAgeSeconds: try uplink["state_age_seconds"].number(),
                          connections: try uplink["connections"].integer(),
                          lastFailure: try uplink["last_failure"].optionalString(),
                          lastFailureAgeSeconds: try uplink["last_failure_age_seconds"].optionalNumber(),
                          broker: try uplink["broker"].optionalString()),
            outbox: .init(readings: try outbox["readings"].integer(), bytes: try outbox["bytes"].integer()),
            lastAckAgeSeconds: try root["last_ack_age_seconds"].optionalNumber(),
            sensors: sensors)
    }
}

/// Why a status file cannot be used (exit 4 of `sensorgw status`).
public struct StatusFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A member of the decoded document with its path (`uplink.state`, `sensors[1].kind`) for messages.
private struct Member {
    /// Nil when the member is absent.
    let value: JSONValue?
    let path: String

    subscript(key: String) -> Member {
        Member(value: value?[key], path: path.isEmpty ? key : "\(path).\(key)")
    }

    private func wrong(_ expected: String) -> StatusFileError {
        value == nil ? StatusFileError("member \(path) is missing") : StatusFileError("member \(path) is not \(expected)")
    }

    func object() throws(StatusFileError) -> Member {
        guard case .object = value else { throw wrong("an object") }
        return self
    }

    func array() throws(StatusFileError) -> [Member] {
        guard case .array(let elements) = value else { throw wrong("an array") }
        return elements.enumerated().map { Member(value: $1, path: "\(path)[\($0)]") }
    }

    func string() throws(StatusFileError) -> String {
        guard case .string(let text) = value else { throw wrong("a string") }
        return text
    }

    func optionalString() throws(StatusFileError) -> String? {
        if case .null = value { return nil }
        return try string()
    }

    func bool() throws(StatusFileError) -> Bool {
        guard case .bool(let flag) = value else { throw wrong("true or false") }
        return flag
    }

    func number() throws(StatusFileError) -> Double {
        guard case .number(let number) = value else { throw wrong("a number") }
        return number
    }

    func optionalNumber() throws(StatusFileError) -> Double? {
        if case .null = value { return nil }
        return try number()
    }

    func integer() throws(StatusFileError) -> Int {
        guard case .number(let number) = value, number.rounded() == number, abs(number) < 9_007_199_254_740_992 else {
            throw wrong("a whole number")
        }
        return Int(number)
    }
}

/// Writes one JSON object member by member (keys are the writer's own, already plain ASCII).
struct JSONObjectWriter {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var first = true

    private mutating func key(_ name: String) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        JSONText.appendQuoted(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func string(_ name: String, _ value: String?) {
        key(name)
        if let value { JSONText.appendQuoted(value, to: &bytes) } else { bytes.append(contentsOf: Array("null".utf8)) }
    }

    mutating func integer(_ name: String, _ value: Int) {
        key(name)
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        JSONText.appendDecimal(UInt64(value.magnitude), to: &bytes)
    }

    mutating func bool(_ name: String, _ value: Bool) {
        key(name)
        bytes.append(contentsOf: Array((value ? "true" : "false").utf8))
    }

    /// Rounded to milliseconds; nil and non-finite values are `null`.
    mutating func number(_ name: String, _ value: Double?) {
        key(name)
        guard let value, value.isFinite else {
            bytes.append(contentsOf: Array("null".utf8))
            return
        }
        JSONText.appendCompactNumber((value * 1000).rounded() / 1000, to: &bytes)
    }

    mutating func object(_ name: String, _ body: (inout JSONObjectWriter) -> Void) {
        key(name)
        var inner = JSONObjectWriter()
        body(&inner)
        bytes.append(contentsOf: inner.finish())
    }

    mutating func array<Element>(_ name: String, _ elements: [Element], _ body: (inout JSONObjectWriter, Element) -> Void) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            var inner = JSONObjectWriter()
            body(&inner, element)
            bytes.append(contentsOf: inner.finish())
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A JSON document written elsewhere (a command's result), as it is.
    mutating func raw(_ name: String, _ document: [UInt8]) {
        key(name)
        bytes.append(contentsOf: document)
    }

    mutating func strings(_ name: String, _ values: [String]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONText.appendQuoted(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    func finish() -> [UInt8] { bytes + [UInt8(ascii: "}")] }
}
