import HAL

/// `/proc/loadavg`: `0.20 0.18 0.12 1/80 11206` (proc(5)): the 1, 5 and 15 minute load
/// averages, then running/total tasks and the last pid.
struct LoadAverage: Sendable, Hashable {
    var one: Double
    var five: Double
    var fifteen: Double

    init(_ text: String, path: String) throws {
        let fields = text.split(separator: " ")
        guard fields.count >= 3 else {
            throw HALError(.badData, operation: "read \(path)", detail: "expected three load averages")
        }
        one = try SysfsValue.number(String(fields[0]), path: path)
        five = try SysfsValue.number(String(fields[1]), path: path)
        fifteen = try SysfsValue.number(String(fields[2]), path: path)
    }
}

/// `/proc/meminfo`'s `MemTotal` and `MemAvailable` (proc(5); the kernel's "kB" is 1024 bytes).
/// MemAvailable (since Linux 3.14) is the kernel's estimate of what can be allocated without
/// swapping, page cache that can be dropped included: what "memory left" means.
struct MemoryInfo: Sendable, Hashable {
    var totalBytes: Double
    var availableBytes: Double

    init(_ text: String, path: String) throws {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0] == "MemTotal" || parts[0] == "MemAvailable" else { continue }
            let fields = parts[1].split(separator: " ")
            guard let number = fields.first, fields.count == 2, fields[1] == "kB" else {
                throw HALError(.badData, operation: "read \(path)", detail: "\(parts[0]) is not '<number> kB'")
            }
            values[String(parts[0])] = try SysfsValue.number(String(number), path: path) * 1024
        }
        guard let total = values["MemTotal"], let available = values["MemAvailable"], total > 0 else {
            throw HALError(.badData, operation: "read \(path)", detail: "no MemTotal and MemAvailable (Linux 3.14 or later)")
        }
        totalBytes = total
        availableBytes = available
    }

    /// (MemTotal − MemAvailable) / MemTotal, in %.
    var usedPercent: Double { (totalBytes - availableBytes) / totalBytes * 100 }
}
