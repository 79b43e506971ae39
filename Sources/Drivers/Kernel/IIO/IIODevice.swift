import HAL
import Pipeline
import SensorKit

/// A Linux IIO device (`/sys/bus/iio/devices/iio:deviceN`) read through sysfs: the DHT22
/// (`dht11` driver), BMP280, ADS1015 and the other chips the kernel drives.
///
/// `prepare` finds the device by name, picks each channel's files and reads scales and offsets
/// (attributes that change only when written); a sample is then one read per channel. A
/// device that is unbound or unplugged makes a read fail with `.noSuchDevice`, a driver that
/// gets no answer from its chip with `.busError` or `.timeout` (the dht11 driver's EIO and
/// ETIMEDOUT), and the sampler's backoff and re-prepare do the rest.
public actor IIODevice: SensorDriver {
    static let lookup = KernelDeviceLookup(directory: "/sys/bus/iio/devices", entryPrefix: "iio:device",
                                           nameAttribute: "name", noun: "IIO device")

    private let files: any SystemFiles
    private let selector: String?
    private let channelNames: [String]
    private var channels: [IIOChannel] = []

    /// Creates a driver; nothing is read until ``prepareForSampling()``.
    /// - Parameters:
    ///   - device: the device's `name` (e.g. `dht11`), entry (`iio:device0`) or path; `nil`
    ///     for the first device.
    ///   - channels: channel names such as `temp`, `humidityrelative`, `voltage0`; empty for
    ///     every channel with a supported type.
    public init(files: any SystemFiles, device: String?, channels: [String]) {
        self.files = files
        selector = device
        channelNames = channels
    }

    public func prepareForSampling() async throws {
        channels = []
        let device = try await Self.lookup.resolve(selector, in: files)
        let entries = Set(try await files.list(device))
        let names = channelNames.isEmpty ? IIOChannel.names(in: entries) : channelNames
        guard !names.isEmpty else {
            throw HALError(.noSuchDevice, operation: "iio channels in \(device)", detail: "no channel with a supported type")
        }
        var resolved: [IIOChannel] = []
        for name in names {
            resolved.append(try await IIOChannel.resolve(name, device: device, entries: entries, files: files))
        }
        channels = resolved
    }

    /// The channels `prepare` chose.
    public var channelPaths: [String] { channels.map(\.valuePath) }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        if channels.isEmpty { try await prepareForSampling() }
        var readings: [Reading] = []
        for channel in channels {
            let number = try await SysfsValue.read(channel.valuePath, from: files)
            readings.append(Reading(sensorID: sensorID, quantity: channel.quantity,
                                    value: channel.type.toSenML(channel.abiValue(number)),
                                    unit: channel.type.unit, timestamp: timestamp))
        }
        return readings
    }
}
