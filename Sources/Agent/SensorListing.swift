import Configuration
import Pipeline
import SensorKit

/// The text `probe --list` and `probe <kind>` print.
public enum SensorListing {
    /// One row per kind: name, buses, quantities with units and ranges, summary.
    public static func table(_ registry: SensorRegistry) -> String {
        var rows = [["kind", "buses", "quantities", "chip"]]
        for kind in registry.kinds {
            let buses = kind.buses.isEmpty ? "none" : kind.buses.map(\.rawValue).joined(separator: ",")
            rows.append([kind.name, buses, kind.quantities.map(describe).joined(separator: ", "), kind.summary])
        }
        return TextTable.render(rows)
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
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
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
