import HAL

/// Finds a kernel device directory under a class or bus directory (`/sys/bus/iio/devices`,
/// `/sys/class/hwmon`, `/sys/class/thermal`) by what the user knows of it.
///
/// Device numbers are given out in probe order and change when a device is unplugged and comes
/// back, so a configuration names the device by its `name` (or `type`) attribute; a path is
/// accepted too. The lookup runs at every `prepare`, which the sampler repeats after a failure,
/// so a device that comes back under another number is found again.
struct KernelDeviceLookup: Sendable {
    /// The directory holding the devices, e.g. `/sys/class/hwmon`.
    var directory: String
    /// The prefix of device entries, e.g. `hwmon` or `iio:device`.
    var entryPrefix: String
    /// The attribute that names a device: `name`, or `type` for thermal zones.
    var nameAttribute: String
    /// What the devices are called in errors, e.g. `IIO device`.
    var noun: String

    /// The device's directory for `selector`: an absolute path, an entry (`hwmon2`) or a name
    /// (`rpi_volt`); `nil` takes the first entry.
    /// - Throws: ``HALError`` `.noSuchDevice` naming what was looked for and what is there.
    func resolve(_ selector: String?, in files: any SystemFiles) async throws -> String {
        if let selector, selector.hasPrefix("/") {
            _ = try await files.list(selector)  // there now, or noSuchDevice
            return selector
        }
        let entries: [String]
        do {
            entries = try await files.list(directory).filter { $0.hasPrefix(entryPrefix) }
        } catch let error as HALError where error.kind == .noSuchDevice {
            entries = []
        }
        guard let selector else {
            guard let first = entries.min(by: Self.numericOrder) else {
                throw HALError(.noSuchDevice, operation: "find \(noun)", detail: "no \(noun) in \(directory)")
            }
            return "\(directory)/\(first)"
        }
        if entries.contains(selector) { return "\(directory)/\(selector)" }
        var seen: [String] = []
        for entry in entries.sorted(by: Self.numericOrder) {
            guard let name = try? await files.readText("\(directory)/\(entry)/\(nameAttribute)") else { continue }
            if name == selector { return "\(directory)/\(entry)" }
            seen.append(name)
        }
        throw HALError(.noSuchDevice, operation: "find \(noun) '\(selector)'",
                       detail: seen.isEmpty ? "no \(noun) in \(directory)"
                           : "none with \(nameAttribute) '\(selector)' in \(directory); found: \(seen.joined(separator: ", "))")
    }

    /// `hwmon2` before `hwmon10`.
    static func numericOrder(_ a: String, _ b: String) -> Bool {
        let digitsA = a.reversed().prefix { $0.isNumber }.count
        let digitsB = b.reversed().prefix { $0.isNumber }.count
        let stemA = a.dropLast(digitsA), stemB = b.dropLast(digitsB)
        if stemA != stemB { return stemA < stemB }
        return (Int(a.suffix(digitsA)) ?? 0, a) < (Int(b.suffix(digitsB)) ?? 0, b)
    }
}
