/// `sensorgw probe board` output: the header map as a text table or as JSON.
public enum BoardTable {
    /// One row per pin: position, name, chip label, line name(s), usual function; then the buses.
    public static func render(_ profile: BoardProfile, model: String?) -> String {
        var lines: [String] = []
        lines.append("board: \(profile.name) (\(profile.title))")
        if let model { lines.append("model: \(model)") }
        lines.append("")
        let header = ["pin", "name", "chip", "line", "function"]
        let rows = profile.pins.map { pin in
            [pin.position, pin.name, pin.chipLabel ?? "-", pin.lineNames.isEmpty ? "-" : pin.lineNames.joined(separator: " | "),
             pin.function ?? ""]
        }
        lines += table(header: header, rows: rows)
        let buses = profile.i2c.map { ("i2c", $0) } + profile.spi.map { ("spi", $0) }
        if !buses.isEmpty {
            lines.append("")
            lines += table(header: ["bus", "name", "device", "pins", "enable"],
                           rows: buses.map { [$0.0, $0.1.name, $0.1.device, $0.1.pins.joined(separator: ","), $0.1.enable ?? ""] })
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The same as one JSON object.
    public static func json(_ profile: BoardProfile, model: String?) -> String {
        let pins = profile.pins.map { pin in
            var fields = ["\"pin\":\(quote(pin.position))", "\"name\":\(quote(pin.name))"]
            if let chip = pin.chipLabel { fields.append("\"chip\":\(quote(chip))") }
            fields.append("\"lines\":[\(pin.lineNames.map(quote).joined(separator: ","))]")
            if let function = pin.function { fields.append("\"function\":\(quote(function))") }
            return "{" + fields.joined(separator: ",") + "}"
        }
        func buses(_ list: [BusDefault]) -> String {
            "[" + list.map { bus in
                var fields = ["\"name\":\(quote(bus.name))", "\"device\":\(quote(bus.device))",
                              "\"pins\":[\(bus.pins.map(quote).joined(separator: ","))]"]
                if let enable = bus.enable { fields.append("\"enable\":\(quote(enable))") }
                return "{" + fields.joined(separator: ",") + "}"
            }.joined(separator: ",") + "]"
        }
        var fields = ["\"board\":\(quote(profile.name))", "\"title\":\(quote(profile.title))"]
        if let model { fields.append("\"model\":\(quote(model))") }
        fields.append("\"pins\":[\(pins.joined(separator: ","))]")
        fields.append("\"i2c\":\(buses(profile.i2c))")
        fields.append("\"spi\":\(buses(profile.spi))")
        return "{" + fields.joined(separator: ",") + "}\n"
    }

    /// The list of known boards, one per line: name, title, model prefixes.
    public static func list(_ catalog: BoardCatalog) -> String {
        let rows = catalog.profiles.map { [$0.name, $0.title, $0.models.joined(separator: "; ")] }
        return (table(header: ["board", "title", "device-tree model begins with"], rows: rows)).joined(separator: "\n") + "\n"
    }

    private static func table(header: [String], rows: [[String]]) -> [String] {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                let isLast = index == cells.count - 1
                text += isLast ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
            }
            return String(text.reversed().drop { $0 == " " }.reversed())
        }
        return [line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)
    }

    /// A JSON string literal.
    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
