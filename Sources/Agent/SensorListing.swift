import Configuration
import Pipeline
import SensorKit

/// The text `probe --list` and `probe <kind>` print.
public enum SensorListing {
    /// Per kind, the row of docs/SENSORS.md (``SensorCatalogTable``): a line with the kind and
    /// its buses, then the table's other columns, each wrapped under its label, and the
    /// quantities with the exact units and ranges the kind validates.
    public static func table(_ registry: SensorRegistry, width: Int = 100) -> String {
        var text = ""
        for kind in registry.kinds {
            let buses = kind.buses.isEmpty ? "none" : kind.buses.map(\.rawValue).joined(separator: ",")
            let row = documentedRow(kind.name)
            text += "\(kind.name)  [\(buses)]\n"
            var fields = [("chip", row.map { plain($0[1]) } ?? kind.summary)]
            if let row {
                let labels = ["buses", "options", "quantities", "per sample", "conversion", "tested by"]
                for (label, cell) in zip(labels, row.dropFirst(2)) { fields.append((label, plain(cell))) }
            }
            fields.append(("checked as", kind.quantities.map(describe).joined(separator: ", ")))
            for (label, value) in fields where !value.isEmpty {
                text += wrap(value, label: label, width: width)
            }
            text += "\n"
        }
        return text
    }

    /// The kinds table exactly as docs/SENSORS.md has it (`probe --list --markdown`).
    public static func markdown() -> String {
        let header = SensorCatalogTable.header
        var lines = ["| " + header.joined(separator: " | ") + " |",
                     "|" + header.map { _ in "---" }.joined(separator: "|") + "|"]
        lines += SensorCatalogTable.rows.map { "| " + $0.joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The docs' row of the kind named `name`.
    static func documentedRow(_ name: String) -> [String]? {
        SensorCatalogTable.rows.first { $0.first == "`\(name)`" }
    }

    /// A markdown cell as terminal text: no backticks, `\|` as `|`.
    static func plain(_ cell: String) -> String {
        cell.replacing("`", with: "").replacing("\\|", with: "|")
    }

    /// `  label       words words ...` wrapped at `width`, later lines under the first word.
    static func wrap(_ value: String, label: String, width: Int) -> String {
        let indent = String(repeating: " ", count: 14)
        var lines: [String] = []
        var line = "  " + label + String(repeating: " ", count: max(1, 12 - label.count))
        var lineHasWords = false
        for word in value.split(separator: " ", omittingEmptySubsequences: true) {
            if lineHasWords, line.count + 1 + word.count > width {
                lines.append(line)
                line = indent
                lineHasWords = false
            }
            line += (lineHasWords ? " " : "") + word
            lineHasWords = true
        }
        lines.append(line)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The same as a JSON array of `{"kind","buses","quantities":[{"name","unit","min","max"}],"summary"}`.
    public static func json(_ registry: SensorRegistry) -> String {
        let kinds = registry.kinds.map { kind in
            let buses = kind.buses.map { JSONText.quoted($0.rawValue) }.joined(separator: ",")
            let quantities = kind.quantities.map { rule in
                var text = "{\"name\":\(JSONText.quoted(rule.quantity)),\"unit\":\(JSONText.quoted(rule.unit.rawValue))"
                if let range = rule.validRange { text += ",\"min\":\(range.lowerBound),\"max\":\(range.upperBound)" }
                return text + "}"
            }.joined(separator: ",")
            return "{\"kind\":\(JSONText.quoted(kind.name)),\"buses\":[\(buses)],\"quantities\":[\(quantities)],"
                + "\"summary\":\(JSONText.quoted(kind.summary))}"
        }
        return "[" + kinds.joined(separator: ",") + "]\n"
    }

    /// One row per reading: quantity, value, unit; then any readings validation refused.
    public static func readingsTable(_ result: Probes.ProbeResult) -> String {
        var rows = [["quantity", "value", "unit"]]
        for reading in result.readings {
            rows.append([reading.quantity, "\(reading.value)", reading.unit.rawValue])
        }
        for drop in result.dropped {
            rows.append([drop.reading.quantity, "\(drop.reading.value)", "\(drop.reading.unit.rawValue) (dropped: \(drop.reason))"])
        }
        return TextTable.render(rows)
    }

    private static func describe(_ rule: QuantityRule) -> String {
        var text = "\(rule.quantity) [\(rule.unit.rawValue)"
        if let range = rule.validRange { text += " \(format(range.lowerBound))..\(format(range.upperBound))" }
        return text + "]"
    }

    private static func format(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        // Six decimals at most: a range computed from a datasheet constant (6183.321599999999).
        let rounded = (value * 1e6).rounded() / 1e6
        return "\(rounded)"
    }
}

/// Left-aligned columns separated by two spaces, the first row a header.
enum TextTable {
    static func render(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        var text = ""
        for row in rows {
            var line = ""
            for (index, cell) in row.enumerated() {
                let last = index == row.count - 1
                line += last ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
            }
            text += line + "\n"
        }
        return text
    }
}
