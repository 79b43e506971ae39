import HAL

/// Numbers as the kernel prints them in sysfs and procfs attributes.
enum SysfsValue {
    /// A decimal number (`23125`, `-1250`, `0.000976562`, IIO's fixed-point `1.5`); not-a-number
    /// and infinities are refused, since no attribute prints them.
    /// - Throws: ``HALError`` `.badData` naming the file.
    static func number(_ text: String, path: String) throws -> Double {
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
              let value = Double(trimmed), value.isFinite else {
            throw HALError(.badData, operation: "read \(path)", detail: "'\(excerpt(trimmed))' is not a number")
        }
        return value
    }

    /// The file at `path` read as a number.
    static func read(_ path: String, from files: any SystemFiles) async throws -> Double {
        try number(try await files.readText(path), path: path)
    }

    /// At most 40 characters of `text`, for error messages.
    static func excerpt(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(40)) + "…"
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }

    /// Split at commas, each part trimmed, empty parts dropped: `"temp, voltage0"`.
    var commaSeparated: [String] {
        split(separator: ",").map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
    }
}
