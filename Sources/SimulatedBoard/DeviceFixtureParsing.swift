import Configuration
import HAL
import HALSimulation
import YAML

extension DeviceFixture {
    /// The keys of a fixture document.
    static let keys = ["format", "source", "bus", "address", "write_mode", "registers", "commands"]

    /// Reads a fixture from YAML or JSON text (JSON is YAML). A document whose only key is
    /// `registers` is taken as a plain register map and needs no `format`.
    /// - Parameter file: the name errors give.
    /// - Throws: ``ConfigurationError`` naming the file, line, column and key of the problem.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> DeviceFixture {
        let root: YAMLNode?
        do {
            root = try YAMLParser.parse(text)
        } catch {
            throw ConfigurationError(file: file, message: "not YAML or JSON: \(error)")
        }
        guard let root else { throw ConfigurationError(file: file, message: "empty fixture") }
        return try FixtureReader(file: file).fixture(root)
    }
}

/// Walks the parsed document, each problem an error at its node.
private struct FixtureReader {
    let file: String

    func fail(_ key: String?, _ node: YAMLNode, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: node.mark.line, column: node.mark.column, key: key, message: message)
    }

    func fixture(_ root: YAMLNode) throws(ConfigurationError) -> DeviceFixture {
        guard case .mapping(let mapping) = root else { throw fail(nil, root, "expected a mapping with registers or commands") }
        var fixture = DeviceFixture()
        var format: String?
        var keys: [String] = []
        for pair in mapping {
            guard case .scalar(let keyScalar) = pair.key else { throw fail(nil, pair.key, "keys must be plain names") }
            let key = keyScalar.string
            keys.append(key)
            let value = pair.value
            switch key {
            case "format":
                let text = try string(value, key)
                guard text == DeviceFixture.format else {
                    throw fail(key, value, "unsupported format '\(text)'; this build reads \(DeviceFixture.format)")
                }
                format = text
            case "source": fixture.source = try string(value, key)
            case "bus":
                let text = try string(value, key)
                guard ["i2c", "spi"].contains(text) else { throw fail(key, value, "expected i2c or spi") }
                fixture.bus = text
            case "address":
                let number = try integer(value, key, in: 0...0x7F)
                fixture.address = I2CAddress(number)
            case "write_mode":
                switch try string(value, key) {
                case "auto_increment": fixture.writeMode = .autoIncrement
                case "register_value_pairs": fixture.writeMode = .registerValuePairs
                default: throw fail(key, value, "expected auto_increment or register_value_pairs")
                }
            case "registers": fixture.registers = try registers(value)
            case "commands": fixture.commands = try commands(value)
            default:
                throw fail(key, pair.key, "unknown key; expected one of: \(DeviceFixture.keys.joined(separator: ", "))")
            }
        }
        if format == nil, keys != ["registers"] {
            throw fail(nil, root, "missing format: \(DeviceFixture.format) (only a plain {\"registers\": {...}} map may leave it out)")
        }
        guard !fixture.registers.isEmpty || !fixture.commands.isEmpty else {
            throw fail(nil, root, "the fixture has no registers and no commands")
        }
        return fixture
    }

    /// `registers`: register → one byte, or consecutive bytes from that register on.
    func registers(_ node: YAMLNode) throws(ConfigurationError) -> [UInt8: UInt8] {
        guard case .mapping(let mapping) = node else { throw fail("registers", node, "expected a mapping of register to bytes") }
        var result: [UInt8: UInt8] = [:]
        for pair in mapping {
            guard case .scalar(let keyScalar) = pair.key, let start = FixtureBytes.integer(keyScalar.string),
                  (0...0xFF).contains(start) else {
                throw fail("registers", pair.key, "a register is 0x00...0xff, like \"0x88\"")
            }
            let path = "registers.\(keyScalar.string)"
            let bytes = try self.bytes(pair.value, path)
            guard start + bytes.count <= 256 else { throw fail(path, pair.value, "runs past register 0xff") }
            for (offset, byte) in bytes.enumerated() {
                let register = UInt8(start + offset)
                if let earlier = result[register], earlier != byte {
                    throw fail(path, pair.value, "register 0x\(FixtureBytes.hex(register)) is given twice with different values")
                }
                result[register] = byte
            }
        }
        return result
    }

    /// `commands`: a list of `{write, delay, read}`.
    func commands(_ node: YAMLNode) throws(ConfigurationError) -> [DeviceFixture.Command] {
        guard case .sequence(let sequence) = node else { throw fail("commands", node, "expected a list of {write, delay, read}") }
        var result: [DeviceFixture.Command] = []
        for (index, item) in sequence.enumerated() {
            let path = "commands[\(index)]"
            guard case .mapping(let mapping) = item else { throw fail(path, item, "expected a mapping with write, delay, read") }
            var command = DeviceFixture.Command(write: [])
            var wrote = false
            for pair in mapping {
                guard case .scalar(let keyScalar) = pair.key else { throw fail(path, pair.key, "keys must be plain names") }
                let key = "\(path).\(keyScalar.string)"
                switch keyScalar.string {
                case "write":
                    command.write = try bytes(pair.value, key)
                    wrote = true
                case "read": command.read = try bytes(pair.value, key)
                case "delay":
                    let text = try string(pair.value, key)
                    guard let delay = FixtureBytes.duration(text) else {
                        throw fail(key, pair.value, "expected a duration like 16ms, 500us or 1s")
                    }
                    command.delay = delay
                default: throw fail(key, pair.key, "unknown key; expected one of: write, delay, read")
                }
            }
            guard wrote else { throw fail(path, item, "missing required key 'write'") }
            result.append(command)
        }
        return result
    }

    /// Bytes: `"70 6b 43"`, `"0x2400"`, `"0x60"`, `96`, or a list of those.
    func bytes(_ node: YAMLNode, _ path: String) throws(ConfigurationError) -> [UInt8] {
        switch node {
        case .sequence(let sequence):
            var result: [UInt8] = []
            for (index, item) in sequence.enumerated() { result += try bytes(item, "\(path)[\(index)]") }
            guard !result.isEmpty else { throw fail(path, node, "expected at least one byte") }
            return result
        case .scalar(let scalar):
            if scalar.tag == .int, let number = FixtureBytes.integer(scalar.string) {
                guard (0...0xFF).contains(number) else { throw fail(path, node, "\(scalar.string) is not a byte (0...255)") }
                return [UInt8(number)]
            }
            guard let parsed = FixtureBytes.parse(scalar.string), !parsed.isEmpty else {
                throw fail(path, node, "expected hex bytes like \"70 6b 43\" or \"0x2400\", found '\(scalar.string.prefix(40))'")
            }
            return parsed
        case .mapping:
            throw fail(path, node, "expected bytes, found a mapping")
        }
    }

    func string(_ node: YAMLNode, _ key: String) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node, scalar.tag != .null else { throw fail(key, node, "expected a string") }
        return scalar.string
    }

    func integer(_ node: YAMLNode, _ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard case .scalar(let scalar) = node, let number = FixtureBytes.integer(scalar.string), range.contains(number) else {
            throw fail(key, node, "expected an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }
}

/// The byte and number spellings fixtures use.
enum FixtureBytes {
    /// `0x88`, `136`.
    static func integer(_ text: String) -> Int? {
        let lower = text.lowercased()
        if lower.hasPrefix("0x") {
            let digits = lower.dropFirst(2)
            guard !digits.isEmpty, digits.count <= 8 else { return nil }
            return Int(digits, radix: 16)
        }
        guard !text.isEmpty, text.count <= 10, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    /// Space- or comma-separated tokens; each 1-2 hex digits (`6b`, `0x6b`), or `0x` and an
    /// even number of digits for several bytes, most significant first (`0x2400`).
    static func parse(_ text: String) -> [UInt8]? {
        var result: [UInt8] = []
        for token in text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" }) {
            var digits = Substring(token.lowercased())
            let prefixed = digits.hasPrefix("0x")
            if prefixed { digits = digits.dropFirst(2) }
            guard !digits.isEmpty, digits.allSatisfy({ $0.isHexDigit }) else { return nil }
            if digits.count <= 2 {
                guard let byte = UInt8(digits, radix: 16) else { return nil }
                result.append(byte)
            } else {
                guard prefixed, digits.count % 2 == 0 else { return nil }
                var index = digits.startIndex
                while index < digits.endIndex {
                    let next = digits.index(index, offsetBy: 2)
                    guard let byte = UInt8(digits[index..<next], radix: 16) else { return nil }
                    result.append(byte)
                    index = next
                }
            }
        }
        return result
    }

    /// `16ms`, `500us`, `1s`: a whole number and a unit.
    static func duration(_ text: String) -> Duration? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 9, let number = Int64(digits) else { return nil }
        switch text.dropFirst(digits.count) {
        case "us": return .microseconds(number)
        case "ms": return .milliseconds(number)
        case "s": return .seconds(number)
        default: return nil
        }
    }

    static func hex(_ byte: UInt8) -> String {
        let text = String(byte, radix: 16)
        return text.count < 2 ? "0" + text : text
    }

    /// A duration as the fixture writes it.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let microseconds = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        if microseconds % 1_000_000 == 0 { return "\(microseconds / 1_000_000)s" }
        if microseconds % 1000 == 0 { return "\(microseconds / 1000)ms" }
        return "\(microseconds)us"
    }
}
