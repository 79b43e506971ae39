import Foundation
import Testing
@testable import Configuration

/// The messages issue 8 found wanting, each pinned with its whole text. Line numbers refer to
/// `minimalYAML`'s layout.
@Suite("Messages")
struct MessageTests {
    let sandbox: Sandbox
    var d: String { sandbox.path }

    init() throws {
        sandbox = try Sandbox()
    }

    private func expectError(_ yaml: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(errorDescription(yaml, base: d) == expected, sourceLocation: sourceLocation)
    }

    private func loadError(_ path: String) -> String? {
        do {
            _ = try GatewayConfiguration.load(path: path, kinds: testKinds)
            return nil
        } catch {
            return error.description
        }
    }

    // MARK: files that are not regular files

    @Test("/dev/null is read as the empty file it is")
    func devNull() {
        #expect(loadError("/dev/null") == "/dev/null: the file is empty; expected gateway, board, sensors, storage and mqtt")
    }

    @Test("A FIFO (what <(...) is) is read, and its contents are parsed")
    func fifo() throws {
        let fifo = "\(d)/config.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let text = minimal(replacingLine: 3, with: "board: raspberry")
        // The writer blocks in open until the loader opens the FIFO for reading.
        Thread.detachNewThread {
            guard let handle = FileHandle(forWritingAtPath: fifo) else { return }
            handle.write(Data(text.utf8))
            try? handle.close()
        }
        #expect(loadError(fifo) == "\(fifo):3:8: board: unknown board 'raspberry'; expected simulated, linux, auto or a board profile: \(boardProfileNames)")
    }

    // MARK: duplicate keys

    @Test("A repeated key is reported at the repeat, with its path and the first one's place")
    func duplicateKeyAtTheRepeat() {
        expectError(minimal(inserting: "  port: 1883", "  port: 8883", before: 12),
                    "sensorgw.yaml:13:3: mqtt.port: duplicate key; first at line 12, column 3")
    }

    @Test("A repeated top-level section")
    func duplicateSection() {
        expectError(minimalYAML + "board: linux\n",
                    "sensorgw.yaml:13:1: board: duplicate key; first at line 3, column 1")
    }

    @Test("A repeated key inside a sensor names the sensor's index")
    func duplicateKeyInASensor() {
        expectError(minimal(inserting: "    type: sht3x", before: 7),
                    "sensorgw.yaml:7:5: sensors[0].type: duplicate key; first at line 6, column 5")
    }

    @Test("A repeated key in a flow mapping")
    func duplicateKeyInFlowMapping() {
        expectError(minimal(replacingLine: 7, with: "    i2c: { bus: 1, address: 0x76, bus: 2 }"),
                    "sensorgw.yaml:7:35: sensors[0].i2c.bus: duplicate key; first at line 7, column 12")
    }

    // MARK: over-long keys and values

    @Test("A plain key over 1024 characters, as the first key of a mapping")
    func longKeyFirstInMapping() {
        let key = String(repeating: "k", count: 1100)
        expectError(minimal(replacingLine: 2, with: "  \(key): gw"),
                    "sensorgw.yaml:2:3: invalid YAML: a key longer than 1024 characters; YAML reads at most 1024 before the ':'")
    }

    @Test("A plain key over 1024 characters after other keys")
    func longKeyLaterInMapping() {
        let key = String(repeating: "k", count: 1100)
        expectError(minimal(inserting: "  \(key): 1", before: 12),
                    "sensorgw.yaml:12:3: invalid YAML: a key longer than 1024 characters; YAML reads at most 1024 before the ':'")
    }

    @Test("A long value is cut to 80 characters in the message")
    func longValueIsCut() {
        let value = String(repeating: "x", count: 300)
        expectError(minimal(replacingLine: 2, with: "  id: \(value)"),
                    "sensorgw.yaml:2:7: gateway.id: '\(String(repeating: "x", count: 80))…' is not a valid id: use 1 to 64 letters, digits, '_' or '-'")
    }

    @Test("A value of almost a megabyte is not echoed whole")
    func hugeValueIsCut() {
        let value = String(repeating: "9", count: 1_000_000)
        expectError(minimal(inserting: "  port: '\(value)'", before: 12),
                    "sensorgw.yaml:12:9: mqtt.port: expected an integer (decimal, or hexadecimal like 0x76), found '\(String(repeating: "9", count: 80))…'")
    }

    @Test("A multi-line value stays on one line of the message")
    func multiLineValue() {
        expectError(minimal(replacingLine: 3, with: "board: \"rasp\\nberry\""),
                    "sensorgw.yaml:3:8: board: unknown board 'rasp\\nberry'; expected simulated, linux, auto or a board profile: \(boardProfileNames)")
    }

    @Test("A long string where a number belongs is cut too")
    func longStringAsNumber() {
        let value = String(repeating: "ab", count: 100)
        expectError(minimal(inserting: "  inflight_window: [\(value)]", before: 12),
                    "sensorgw.yaml:12:20: mqtt.inflight_window: expected an integer, found a list")
        expectError(minimal(inserting: "  keepalive: \(value)", before: 12),
                    "sensorgw.yaml:12:14: mqtt.keepalive: invalid duration '\(String(String(repeating: "ab", count: 40)))…'; write a whole number and a unit: 500ms, 10s, 5m, 1h or 7d")
    }

    @Test("A path longer than Linux allows is refused without echoing it")
    func pathTooLong() {
        let path = String(repeating: "p/", count: 2500)
        expectError(minimal(replacingLine: 9, with: "  path: \(path)"),
                    "sensorgw.yaml:9:9: storage.path: a path of 5000 bytes ('\(String(repeating: "p/", count: 40))…'); Linux allows at most 4095")
    }

    // MARK: flush_interval and the plaintext warning

    @Test("flush_interval 0, 0s and 0ms all mean commit every sample", arguments: ["0", "0s", "0ms", "'0'"])
    func flushIntervalZero(value: String) throws {
        let yaml = minimal(inserting: "  flush_interval: \(value)", before: 10)
        let config = try GatewayConfiguration.parse(yaml: yaml, file: configName, baseDirectory: d, kinds: testKinds)
        #expect(config.storage.flushInterval == .zero)
    }

    @Test("A flush interval between 0 and 100ms is still refused")
    func flushIntervalTooShort() {
        expectError(minimal(inserting: "  flush_interval: 50ms", before: 10),
                    "sensorgw.yaml:10:19: storage.flush_interval: 50ms is out of range 100ms...5m")
    }

    @Test("The plaintext warning says what is exposed, and names nothing the schema lacks")
    func plaintextWarningText() {
        #expect(GatewayConfiguration.plaintextWarning
                == "mqtt.tls is false: readings cross the network unencrypted, and the broker gets no client certificate, "
                + "so it cannot tell this gateway from anyone else who connects")
        #expect(!GatewayConfiguration.plaintextWarning.contains("credential"))
    }

    // MARK: many sensors

    /// `count` synthetic sensors, one per three lines from line 5.
    static func manySensors(_ count: Int, lastID: String? = nil) -> String {
        var text = "gateway: { id: gw }\nboard: simulated\nstorage: { path: outbox.sqlite }\nsensors:\n"
        text.reserveCapacity(count * 40)
        for index in 0..<count {
            let id = index == count - 1 ? (lastID ?? "s\(index)") : "s\(index)"
            text += "  - id: \(id)\n    type: synthetic\n    interval: 1s\n"
        }
        return text + "mqtt: { host: localhost, tls: false }\n"
    }

    @Test("16,000 sensors validate (linear work: the duplicate-id check is a dictionary lookup)")
    func sixteenThousandSensors() throws {
        let yaml = Self.manySensors(16_000)
        #expect(yaml.utf8.count < 1 << 20)
        let config = try GatewayConfiguration.parse(yaml: yaml, file: configName, baseDirectory: d, kinds: testKinds)
        #expect(config.sensors.count == 16_000)
        #expect(config.sensors.last?.id == "s15999")
        #expect(Set(config.sensors.map(\.id)).count == 16_000)
    }

    @Test("A duplicate id as the 16,000th sensor is found and names the first")
    func duplicateAmongSixteenThousand() {
        // Sensor 15,999 starts on line 5 + 3 · 15,999; its id value at column 9.
        expectError(Self.manySensors(16_000, lastID: "s7"),
                    "sensorgw.yaml:48002:9: sensors[15999].id: duplicate sensor id 's7' (also sensors[7])")
    }
}
