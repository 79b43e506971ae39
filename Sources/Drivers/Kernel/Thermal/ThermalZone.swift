import HAL
import Pipeline
import SensorKit

/// A Linux thermal zone (`/sys/class/thermal/thermal_zoneN`): the SoC's own sensor on most
/// boards (`cpu-thermal` on a Raspberry Pi). `temp` is in m°C; one read per sample.
public actor ThermalZone: SensorDriver {
    static let lookup = KernelDeviceLookup(directory: "/sys/class/thermal", entryPrefix: "thermal_zone",
                                           nameAttribute: "type", noun: "thermal zone")
    static let celsius = SenMLUnit(rawValue: "Cel")

    private let files: any SystemFiles
    private let selector: String?
    private var path: String?

    /// Creates a driver for the zone whose `type` is `zone` (`cpu-thermal`), or the entry
    /// (`thermal_zone0`) or path; `nil` for the first zone.
    public init(files: any SystemFiles, zone: String?) {
        self.files = files
        selector = zone
    }

    public func prepareForSampling() async throws {
        path = nil
        let temp = try await Self.lookup.resolve(selector, in: files) + "/temp"
        _ = try await files.read(temp)  // a zone whose sensor is gone has no readable temp
        path = temp
    }

    /// The temperature, °C.
    public func temperatureCelsius() async throws -> Double {
        if path == nil { try await prepareForSampling() }
        guard let path else { throw HALError(.noSuchDevice, operation: "thermal zone", detail: "not found") }
        return try await SysfsValue.read(path, from: files) / 1000
    }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        [Reading(sensorID: sensorID, quantity: "temperature", value: try await temperatureCelsius(),
                 unit: Self.celsius, timestamp: timestamp)]
    }
}
