import HAL
import Pipeline
import SensorKit

/// The board's own health, from the kernel's files: SoC temperature (a thermal zone), load
/// averages (`/proc/loadavg`), memory (`/proc/meminfo`), the state directory's filesystem
/// (`statvfs`), and on a Raspberry Pi under-voltage and throttling (the firmware's
/// `get_throttled`, else the `rpi_volt` hwmon's `in0_lcrit_alarm`).
///
/// `prepare` finds which optional sources this board has; a sample reads each once (at most
/// five reads). A source that was there and goes away fails the sample, and the sampler's next
/// `prepare` leaves it out.
public actor BoardHealth: SensorDriver {
    static let loadPath = "/proc/loadavg"
    static let memoryPath = "/proc/meminfo"
    static let throttledPath = "/sys/devices/platform/soc/soc:firmware/get_throttled"
    static let ratio = SenMLUnit(rawValue: "/")
    static let bytes = SenMLUnit(rawValue: "B")
    /// The packaged service's state directory (`StateDirectory=sensorgw`).
    static let defaultDiskPath = "/var/lib/sensorgw"

    /// Where under-voltage comes from on this board.
    enum PowerSource: Sendable, Hashable {
        case firmware
        case rpiVolt(alarmPath: String)
    }

    private let files: any SystemFiles
    private let zoneSelector: String?
    private let configuredDiskPath: String?
    private var diskPath = "/"
    private var zone: ThermalZone?
    private var power: PowerSource?
    private var prepared = false

    /// Creates a driver.
    /// - Parameters:
    ///   - thermalZone: the zone's type; `nil` for `cpu-thermal`, else the first zone.
    ///   - diskPath: a path on the filesystem whose use is reported (the outbox's directory);
    ///     `nil` for ``defaultDiskPath``, or `/` where that does not exist (`probe` on a laptop).
    public init(files: any SystemFiles, thermalZone: String?, diskPath: String?) {
        self.files = files
        zoneSelector = thermalZone
        configuredDiskPath = diskPath
    }

    public func prepareForSampling() async throws {
        prepared = false
        zone = nil
        power = nil
        let candidates: [String?] = zoneSelector.map { [$0] } ?? ["cpu-thermal", nil]
        for candidate in candidates {
            let probe = ThermalZone(files: files, zone: candidate)
            do {
                try await probe.prepareForSampling()
                zone = probe
                break
            } catch let error as HALError where error.kind == .noSuchDevice && zoneSelector == nil {
                continue  // a board without that zone: leave the temperature out
            }
        }
        if await files.exists(Self.throttledPath) {
            power = .firmware
        } else if let hwmon = try? await HwmonDevice.lookup.resolve("rpi_volt", in: files),
                  await files.exists("\(hwmon)/in0_lcrit_alarm") {
            power = .rpiVolt(alarmPath: "\(hwmon)/in0_lcrit_alarm")
        }
        if let configuredDiskPath {
            _ = try await files.fileSystemUsage(configuredDiskPath)  // a wrong disk_path fails here, by name
            diskPath = configuredDiskPath
        } else {
            let found = (try? await files.fileSystemUsage(Self.defaultDiskPath)) != nil
            diskPath = found ? Self.defaultDiskPath : "/"
        }
        prepared = true
    }

    /// The path whose filesystem is reported, as `prepare` chose it.
    public var reportedDiskPath: String { diskPath }

    public func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        if !prepared { try await prepareForSampling() }
        var readings: [Reading] = []
        func add(_ quantity: String, _ value: Double, _ unit: SenMLUnit) {
            readings.append(Reading(sensorID: sensorID, quantity: quantity, value: value, unit: unit, timestamp: timestamp))
        }
        if let zone { add("cpu_temperature", try await zone.temperatureCelsius(), ThermalZone.celsius) }
        let load = try LoadAverage(try await files.readText(Self.loadPath), path: Self.loadPath)
        add("load_1m", load.one, Self.ratio)
        add("load_5m", load.five, Self.ratio)
        add("load_15m", load.fifteen, Self.ratio)
        let memory = try MemoryInfo(try await files.readText(Self.memoryPath), path: Self.memoryPath)
        add("memory_total", memory.totalBytes, Self.bytes)
        add("memory_available", memory.availableBytes, Self.bytes)
        // As a ratio: SenML's "%" is NOT RECOMMENDED (RFC 8428 12.1); `unit: /100` gives percent.
        add("memory_used", memory.usedPercent / 100, Self.ratio)
        let disk = try await files.fileSystemUsage(diskPath)
        add("disk_total", Double(disk.totalBytes), Self.bytes)
        add("disk_available", Double(disk.availableBytes), Self.bytes)
        add("disk_used", disk.usedPercent / 100, Self.ratio)
        switch power {
        case .firmware:
            let flags = try ThrottledFlags(try await files.readText(Self.throttledPath), path: Self.throttledPath)
            for (quantity, bit) in ThrottledFlags.quantities { add(quantity, flags.isSet(bit) ? 1 : 0, Self.ratio) }
        case .rpiVolt(let alarmPath):
            add("undervoltage", try await SysfsValue.read(alarmPath, from: files) == 0 ? 0 : 1, Self.ratio)
        case nil:
            break
        }
        return readings
    }
}
