import HAL
import Pipeline
import SensorKit

/// A Maxim DS18B20 (or a DS1822, DS1825 or DS28EA00: families 28, 22, 3b, 42, same scratchpad) on the kernel's
/// 1-Wire bus, read through `w1_therm`'s sysfs (`/sys/bus/w1/devices/28-*/`).
///
/// Reading `w1_slave` makes the kernel start a conversion and wait for it (750 ms at 12 bits,
/// datasheet table 2) before printing the scratchpad, so the conversion time is the kernel's
/// to respect; the read runs off the cooperative pool. One read per sample. The scratchpad's
/// CRC is checked twice: the kernel's `YES`/`NO`, and our own CRC-8 over the bytes.
///
/// The power-on value: a DS18B20 that lost power and has not converted since reads +85 °C
/// (0x0550). A sample of exactly that value is refused as `.badData` unless the previous
/// reading of this sensor was within 5 °C of 85 (a sensor really that hot passes through
/// 84.9375 first), so a brown-out on a long cable is never stored as a heat alarm.
public actor DS18B20: SensorDriver {
    /// Which file a sample reads.
    public enum Source: String, Sendable, CaseIterable {
        /// `w1_slave`: the scratchpad bytes and the CRC verdict (every kernel).
        case w1Slave = "w1_slave"
        /// `temperature`: m°C only, the kernel having checked the CRC (kernel 5.6 and later).
        case temperature
    }

    /// The 1-Wire family codes with the DS18B20's scratchpad layout.
    static let families = ["28-", "22-", "3b-", "42-"]
    static let directory = "/sys/bus/w1/devices"
    static let celsius = SenMLUnit(rawValue: "Cel")

    private let files: any SystemFiles
    private let selector: String?
    private let source: Source
    private var devicePath: String?
    private var lastCelsius: Double?

    /// Creates a driver for the sensor with 1-Wire id `device` (`28-0316a2795bff`), or the only
    /// one on the bus when `nil`.
    public init(files: any SystemFiles, device: String?, source: Source = .w1Slave) {
        self.files = files
        selector = device
        self.source = source
    }

    public func prepareForSampling() async throws {
        devicePath = nil
        let entries: [String]
        do {
            entries = try await files.list(Self.directory)
        } catch let error as HALError where error.kind == .noSuchDevice {
            throw HALError(.noSuchDevice, operation: "find ds18b20",
                           detail: "no \(Self.directory): load w1-gpio (dtoverlay=w1-gpio on a Raspberry Pi)")
        }
        let sensors = entries.filter { entry in Self.families.contains { entry.hasPrefix($0) } }
        if let selector {
            guard sensors.contains(selector) else {
                throw HALError(.noSuchDevice, operation: "find ds18b20 \(selector)",
                               detail: sensors.isEmpty ? "no DS18B20 on the 1-Wire bus" : "found: \(sensors.joined(separator: ", "))")
            }
            devicePath = "\(Self.directory)/\(selector)"
        } else {
            guard sensors.count == 1, let only = sensors.first else {
                throw HALError(.noSuchDevice, operation: "find ds18b20",
                               detail: sensors.isEmpty ? "no DS18B20 on the 1-Wire bus"
                                   : "several DS18B20, name one with device: \(sensors.joined(separator: ", "))")
            }
            devicePath = "\(Self.directory)/\(only)"
        }
    }

    /// One temperature, °C, checked as the type's documentation says.
    public func temperatureCelsius() async throws -> Double {
        if devicePath == nil { try await prepareForSampling() }
        guard let devicePath else { throw HALError(.noSuchDevice, operation: "find ds18b20") }
        let path = "\(devicePath)/\(source.rawValue)"
        let text = try await files.readText(path)
        let celsius: Double
        switch source {
        case .w1Slave:
            celsius = try DS18B20Scratchpad(w1Slave: text, path: path).temperatureCelsius
        case .temperature:
            celsius = try SysfsValue.number(text, path: path) / 1000
        }
        if celsius == Double(DS18B20Scratchpad.powerOnValue) / 16, !(lastCelsius.map { abs($0 - celsius) <= 5 } ?? false) {
            throw HALError(.badData, operation: "read \(path)",
                           detail: "85 °C is the power-on reset value: the sensor lost power and has not converted since")
        }
        lastCelsius = celsius
        return celsius
    }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        [Reading(sensorID: sensorID, quantity: "temperature", value: try await temperatureCelsius(),
                 unit: Self.celsius, timestamp: timestamp)]
    }
}
