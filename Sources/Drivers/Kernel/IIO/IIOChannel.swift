import HAL

/// How one IIO channel is read: a processed `in_<channel>_input`, or `in_<channel>_raw` with
/// the scale and offset that apply to it.
struct IIOChannel: Sendable, Hashable {
    /// The channel's name in file names, e.g. `voltage0`.
    var name: String
    /// Its type.
    var type: IIOChannelType
    /// The quantity its readings carry.
    var quantity: String
    /// The file read at each sample.
    var valuePath: String
    /// `(raw + offset) × scale`; 0 and 1 for an `_input` file, whose value is already scaled.
    var offset: Double
    var scale: Double

    /// The value in the ABI's unit for the text read from ``valuePath``.
    func abiValue(_ number: Double) -> Double { (number + offset) * scale }

    /// The channel named `name` in the device directory `device` whose entries are `entries`.
    ///
    /// `_input` wins over `_raw` (the driver did the arithmetic). For `_raw` the scale is the
    /// channel's own `in_<channel>_scale`, else the type's shared `in_<type>_scale`, else 1; the
    /// offset likewise with 0 (the ABI: an absent offset or scale is the identity).
    static func resolve(_ name: String, device: String, entries: Set<String>,
                        files: any SystemFiles) async throws -> IIOChannel {
        guard let type = IIOChannelType.of(channel: name), let quantity = type.quantity(forChannel: name) else {
            throw HALError(.unsupported, operation: "iio channel \(name) in \(device)",
                           detail: "not a channel type with a SenML unit (supported: "
                               + IIOChannelType.all.map(\.iioName).joined(separator: ", ") + ")")
        }
        if entries.contains("in_\(name)_input") {
            return IIOChannel(name: name, type: type, quantity: quantity, valuePath: "\(device)/in_\(name)_input",
                              offset: 0, scale: 1)
        }
        guard entries.contains("in_\(name)_raw") else {
            throw HALError(.noSuchDevice, operation: "iio channel \(name) in \(device)",
                           detail: "neither in_\(name)_input nor in_\(name)_raw exists")
        }
        func attribute(_ what: String, default value: Double) async throws -> Double {
            for file in ["in_\(name)_\(what)", "in_\(type.iioName)_\(what)"] where entries.contains(file) {
                return try await SysfsValue.read("\(device)/\(file)", from: files)
            }
            return value
        }
        return IIOChannel(name: name, type: type, quantity: quantity, valuePath: "\(device)/in_\(name)_raw",
                          offset: try await attribute("offset", default: 0),
                          scale: try await attribute("scale", default: 1))
    }

    /// Every channel in `entries` with a supported type, by name: what is read when the
    /// configuration names none.
    static func names(in entries: Set<String>) -> [String] {
        var names = Set<String>()
        for entry in entries where entry.hasPrefix("in_") {
            for ending in ["_input", "_raw"] where entry.hasSuffix(ending) {
                let name = String(entry.dropFirst(3).dropLast(ending.count))
                if let type = IIOChannelType.of(channel: name), type.quantity(forChannel: name) != nil {
                    names.insert(name)
                }
            }
        }
        return names.sorted()
    }
}
