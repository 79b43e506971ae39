import HAL
import Pipeline
import SensorKit

/// A Linux hwmon device (`/sys/class/hwmon/hwmonN`) read through sysfs: `*_input` channels,
/// chosen by channel (`temp1`) or by the driver's `*_label` (`Core 0`).
///
/// `prepare` finds the device by `name`, lists its inputs and reads the labels; a sample is one
/// read per channel. A device that goes away fails its reads with `.noSuchDevice` and is found
/// again (perhaps under another number) by the next `prepare`.
public actor HwmonDevice: SensorDriver {
    static let lookup = KernelDeviceLookup(directory: "/sys/class/hwmon", entryPrefix: "hwmon",
                                           nameAttribute: "name", noun: "hwmon device")

    struct Channel: Sendable, Hashable {
        var name: String
        var type: HwmonChannelType
        var path: String
        var label: String?
        var quantity: String
        /// `temp1 (Core 0)`, or the name alone.
        var described: String { label.map { "\(name) (\($0))" } ?? name }
    }

    private let files: any SystemFiles
    private let selector: String?
    private let wanted: [String]
    private var channels: [Channel] = []

    /// Creates a driver; nothing is read until ``prepareForSampling()``.
    /// - Parameters:
    ///   - device: the `name` attribute (`cpu_thermal`, `ina219`), entry (`hwmon2`) or path.
    ///   - channels: `temp1`, `in0`, ... or labels; empty for every `*_input`.
    public init(files: any SystemFiles, device: String?, channels: [String]) {
        self.files = files
        selector = device
        wanted = channels
    }

    /// The chosen channels as `name (label)`.
    public var channelDescriptions: [String] {
        channels.map(\.described)
    }

    public func prepareForSampling() async throws {
        channels = []
        let device = try await Self.lookup.resolve(selector, in: files)
        let entries = try await files.list(device)
        var found: [Channel] = []
        for entry in entries where entry.hasSuffix("_input") {
            let name = String(entry.dropLast("_input".count))
            guard let parsed = HwmonChannelType.parse(name) else { continue }
            var label: String?
            if entries.contains("\(name)_label") { label = try await files.readText("\(device)/\(name)_label") }
            found.append(Channel(name: name, type: parsed.type, path: "\(device)/\(entry)", label: label,
                                 quantity: "\(parsed.type.quantity)\(parsed.index)"))
        }
        if wanted.isEmpty {
            guard !found.isEmpty else {
                throw HALError(.noSuchDevice, operation: "hwmon channels in \(device)", detail: "no *_input file")
            }
            channels = found
            return
        }
        var chosen: [Channel] = []
        for want in wanted {
            guard let channel = found.first(where: { $0.name == want || $0.label == want }) else {
                throw HALError(.noSuchDevice, operation: "hwmon channel '\(want)' in \(device)",
                               detail: "found: " + found.map(\.described).joined(separator: ", "))
            }
            chosen.append(channel)
        }
        channels = chosen
    }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        if channels.isEmpty { try await prepareForSampling() }
        var readings: [Reading] = []
        for channel in channels {
            let value = try await SysfsValue.read(channel.path, from: files)
            readings.append(Reading(sensorID: sensorID, quantity: channel.quantity, value: channel.type.toSenML(value),
                                    unit: channel.type.unit, timestamp: timestamp))
        }
        return readings
    }
}
