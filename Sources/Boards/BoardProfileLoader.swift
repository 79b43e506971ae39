import YAML

/// Reads a board profile from its YAML text with the project's own parser: unknown keys, missing
/// keys and wrong shapes are errors naming the source, line and column.
public enum BoardProfileLoader {
    /// Parses one profile. `source` names the text in errors (a file path or `embedded:NAME`).
    public static func load(yaml text: String, source: String) throws(BoardProfileError) -> BoardProfile {
        let root: YAMLNode?
        do {
            root = try YAMLParser.parse(text)
        } catch {
            throw BoardProfileError(source: source, message: "\(error)")
        }
        guard let root else { throw BoardProfileError(source: source, message: "empty profile") }
        let reader = Reader(source: source)
        let top = try reader.mapping(root, "the profile",
                                     allowed: ["board", "title", "models", "gpio_chip", "i2c", "spi", "pins"])
        let name = try reader.string(try reader.required(top, "board", in: root), "board")
        let title = try reader.string(try reader.required(top, "title", in: root), "title")
        let models = try reader.strings(try reader.required(top, "models", in: root), "models")
        guard !models.isEmpty else { throw reader.fail(root, "models: list at least one model string") }
        let chip = try reader.string(try reader.required(top, "gpio_chip", in: root), "gpio_chip")
        let i2c = try top["i2c"].map { node throws(BoardProfileError) in try reader.buses(node, "i2c") } ?? []
        let spi = try top["spi"].map { node throws(BoardProfileError) in try reader.buses(node, "spi") } ?? []
        let pinsNode = try reader.required(top, "pins", in: root)
        let pins = try reader.pins(pinsNode, defaultChip: chip)
        let positions = Set(pins.map(\.position))
        for bus in i2c + spi {
            for pin in bus.pins where !positions.contains(pin) {
                throw BoardProfileError(source: source, message: "bus \(bus.name) names pin \(pin), which is not in pins")
            }
        }
        return BoardProfile(name: name, title: title, models: models, defaultChipLabel: chip, pins: pins, i2c: i2c, spi: spi)
    }

    private struct Reader {
        var source: String

        func fail(_ node: YAMLNode, _ message: String) -> BoardProfileError {
            BoardProfileError(source: source, line: node.mark.line, column: node.mark.column, message: message)
        }

        func mapping(_ node: YAMLNode, _ what: String, allowed: Set<String>) throws(BoardProfileError) -> YAMLNode.Mapping {
            guard case .mapping(let mapping) = node else { throw fail(node, "\(what) must be a mapping") }
            for pair in mapping.pairs {
                guard case .scalar(let key) = pair.key else { throw fail(pair.key, "\(what): keys must be scalars") }
                guard allowed.contains(key.string) else {
                    throw fail(pair.key, "\(what): unknown key '\(key.string)'; expected one of \(allowed.sorted().joined(separator: ", "))")
                }
            }
            return mapping
        }

        func required(_ mapping: YAMLNode.Mapping, _ key: String, in node: YAMLNode) throws(BoardProfileError) -> YAMLNode {
            guard let value = mapping[key] else { throw fail(node, "missing key '\(key)'") }
            return value
        }

        func string(_ node: YAMLNode, _ what: String) throws(BoardProfileError) -> String {
            guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
                throw fail(node, "\(what) must be a non-empty string")
            }
            return scalar.string
        }

        func strings(_ node: YAMLNode, _ what: String) throws(BoardProfileError) -> [String] {
            guard case .sequence(let sequence) = node else { throw fail(node, "\(what) must be a list") }
            var result: [String] = []
            for item in sequence.items { result.append(try string(item, what)) }
            return result
        }

        func buses(_ node: YAMLNode, _ what: String) throws(BoardProfileError) -> [BusDefault] {
            guard case .sequence(let sequence) = node else { throw fail(node, "\(what) must be a list") }
            var result: [BusDefault] = []
            for item in sequence.items {
                let bus = try mapping(item, what, allowed: ["name", "device", "pins", "enable"])
                let name = try string(try required(bus, "name", in: item), "\(what).name")
                let device = try string(try required(bus, "device", in: item), "\(what).device")
                guard device.hasPrefix("/dev/") else { throw fail(item, "\(what).device must be a /dev path") }
                let pins = try strings(try required(bus, "pins", in: item), "\(what).pins")
                let enable = try bus["enable"].map { node throws(BoardProfileError) in try string(node, "\(what).enable") }
                result.append(BusDefault(name: name, device: device, pins: pins, enable: enable))
            }
            return result
        }

        func pins(_ node: YAMLNode, defaultChip: String) throws(BoardProfileError) -> [HeaderPin] {
            guard case .mapping(let mapping) = node, !mapping.pairs.isEmpty else {
                throw fail(node, "pins must be a non-empty mapping of header position to pin")
            }
            var result: [HeaderPin] = []
            var seenNames: Set<String> = []
            for pair in mapping.pairs {
                let position = try string(pair.key, "a pin's header position")
                let what = "pin \(position)"
                let pin = try self.mapping(pair.value, what, allowed: ["name", "chip", "lines", "function"])
                let name = try string(try required(pin, "name", in: pair.value), "\(what): name")
                let lines = try pin["lines"].map { node throws(BoardProfileError) in try strings(node, "\(what): lines") } ?? []
                let chip = try pin["chip"].map { node throws(BoardProfileError) in try string(node, "\(what): chip") }
                if chip != nil, lines.isEmpty { throw fail(pair.value, "\(what): a chip without lines") }
                let function = try pin["function"].map { node throws(BoardProfileError) in try string(node, "\(what): function") }
                // Power and ground pins repeat; a GPIO name must be unique or `pin: NAME` is ambiguous.
                if !lines.isEmpty, !seenNames.insert(name).inserted {
                    throw fail(pair.value, "\(what): the name \(name) is already another pin's")
                }
                result.append(HeaderPin(position: position, name: name, chipLabel: lines.isEmpty ? nil : (chip ?? defaultChip),
                                        lineNames: lines, function: function))
            }
            return result
        }
    }
}
