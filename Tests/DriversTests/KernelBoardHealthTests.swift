#if os(Linux)
import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

private let stamp = KernelTestSupport.stamp
private let throttled = "/sys/devices/platform/soc/soc:firmware/get_throttled"

@Suite("The board's own health")
struct KernelBoardHealthTests {
    /// A Raspberry Pi's files as proc(5) and the firmware driver print them.
    func raspberryPi(_ tree: KernelTestTree, throttledWord: String?) throws {
        try tree.write("/proc/loadavg", "0.20 0.18 0.12 1/80 11206\n")
        try tree.write("/proc/meminfo", "MemTotal:        3884376 kB\nMemFree:          123456 kB\nMemAvailable:     971094 kB\n")
        try tree.write("/sys/class/thermal/thermal_zone0/type", "cpu-thermal\n")
        try tree.write("/sys/class/thermal/thermal_zone0/temp", "48686\n")
        if let throttledWord { try tree.write(throttled, throttledWord) }
    }

    func values(_ readings: [Reading]) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: readings.map { ($0.quantity, $0.numberOrNaN) })
    }

    @Test("temperature, load, memory and disk from real files and statvfs, with SenML units")
    func basics() async throws {
        let tree = try KernelTestTree()
        try raspberryPi(tree, throttledWord: "0\n")
        // The disk path is the tree itself: statvfs of a real directory.
        let health = BoardHealth(files: tree.files, thermalZone: nil, diskPath: "/proc")
        try await health.prepareForSampling()
        let readings = try await health.sample(sensorID: "pi", at: stamp)
        let value = values(readings)
        #expect(value["cpu_temperature"] == 48.686)
        #expect(value["load_1m"] == 0.20 && value["load_5m"] == 0.18 && value["load_15m"] == 0.12)
        // proc(5)'s kB is 1024 bytes.
        #expect(value["memory_total"] == Double(3_884_376 * 1024))
        #expect(value["memory_available"] == Double(971_094 * 1024))
        #expect(abs((value["memory_used"] ?? 0) - 0.75) < 1e-6)  // (3884376 − 971094) / 3884376
        #expect((value["disk_total"] ?? 0) > 0)
        #expect((value["disk_used"] ?? -1) >= 0 && (value["disk_used"] ?? 2) <= 1)
        #expect(value["undervoltage"] == 0 && value["throttled_occurred"] == 0)
        let units = Dictionary(uniqueKeysWithValues: readings.map { ($0.quantity, $0.unit.rawValue) })
        #expect(units["cpu_temperature"] == "Cel" && units["load_1m"] == "/" && units["memory_total"] == "B"
                && units["memory_used"] == "/" && units["disk_available"] == "B" && units["undervoltage"] == "/")
        var pipeline = BoardHealthKind().pipeline(for: .init(id: "pi", kind: "board_health", bus: .none))
        #expect(pipeline.process(readings).dropped.isEmpty)
    }

    @Test("get_throttled 0x50005: under-voltage now and since boot, throttled now and since boot")
    func throttledBits() async throws {
        // Raspberry Pi documentation: 0x50005 = bits 0, 2, 16, 18.
        let tree = try KernelTestTree()
        try raspberryPi(tree, throttledWord: "50005\n")
        let value = values(try await BoardHealth(files: tree.files, thermalZone: nil, diskPath: "/proc")
            .sample(sensorID: "pi", at: stamp))
        #expect(value["undervoltage"] == 1 && value["throttled"] == 1)
        #expect(value["undervoltage_occurred"] == 1 && value["throttled_occurred"] == 1)
        #expect(value["frequency_capped"] == 0 && value["soft_temperature_limit"] == 0)
        #expect(value["frequency_capped_occurred"] == 0 && value["soft_temperature_limit_occurred"] == 0)
        #expect(try ThrottledFlags("0x80008", path: "x").isSet(3))
        #expect(try ThrottledFlags("0x80008", path: "x").isSet(19))
    }

    @Test("without get_throttled the rpi_volt hwmon's in0_lcrit_alarm gives under-voltage; neither: left out")
    func rpiVoltAndPlainBoards() async throws {
        let tree = try KernelTestTree()
        try raspberryPi(tree, throttledWord: nil)
        try tree.write("/sys/class/hwmon/hwmon0/name", "cpu_thermal\n")
        try tree.write("/sys/class/hwmon/hwmon1/name", "rpi_volt\n")
        try tree.write("/sys/class/hwmon/hwmon1/in0_lcrit_alarm", "1\n")
        let value = values(try await BoardHealth(files: tree.files, thermalZone: nil, diskPath: "/proc")
            .sample(sensorID: "pi", at: stamp))
        #expect(value["undervoltage"] == 1)
        #expect(value["throttled"] == nil)
        tree.remove("/sys/class/hwmon/hwmon1/in0_lcrit_alarm")
        tree.remove("/sys/class/hwmon/hwmon1/name")
        tree.remove("/sys/class/thermal/thermal_zone0/temp")
        tree.remove("/sys/class/thermal/thermal_zone0/type")
        let plain = values(try await BoardHealth(files: tree.files, thermalZone: nil, diskPath: "/proc")
            .sample(sensorID: "pc", at: stamp))
        #expect(plain["undervoltage"] == nil && plain["cpu_temperature"] == nil)
        #expect(plain["load_1m"] == 0.20)
    }

    @Test("five reads per sample on a Raspberry Pi; a missing disk path fails prepare by name")
    func readsAndDiskPath() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(id: "pi", kind: "board_health", bus: .none,
                                                                     options: BoardHealthKind.Options())
        let files = SimulatedBoard(sensors: [configuration], registry: .builtIn).simulatedFiles
        let health = BoardHealth(files: files, thermalZone: nil, diskPath: "/var/lib/sensorgw")
        try await health.prepareForSampling()
        let before = files.reads.count
        let readings = try await health.sample(sensorID: "pi", at: stamp)
        #expect(files.reads.count - before == 4)  // zone, loadavg, meminfo, get_throttled; statvfs is the fifth call
        let value = values(readings)
        #expect(value["disk_total"] == 31_914_983_424)
        // df: used / (used + available) = (31914983424 − 23978786816) / (7936196608 + 22466854912).
        #expect(abs((value["disk_used"] ?? 0) - 7_936_196_608 / 30_403_051_520) < 1e-9)
        let tree = try KernelTestTree()
        try raspberryPi(tree, throttledWord: "0\n")
        let wrong = await KernelTestSupport.halError {
            try await BoardHealth(files: tree.files, thermalZone: nil, diskPath: "/nonexistent/x").prepareForSampling()
        }
        #expect(wrong?.kind == .noSuchDevice)
        #expect(wrong?.operation == "statvfs /nonexistent/x")
    }

    @Test("without disk_path: the service's state directory where it exists, else /")
    func defaultDiskPath() async throws {
        let tree = try KernelTestTree()
        try raspberryPi(tree, throttledWord: nil)
        let laptop = BoardHealth(files: tree.files, thermalZone: nil, diskPath: nil)
        try await laptop.prepareForSampling()
        #expect(await laptop.reportedDiskPath == "/")
        try tree.write("/var/lib/sensorgw/outbox.sqlite", "")
        let board = BoardHealth(files: tree.files, thermalZone: nil, diskPath: nil)
        try await board.prepareForSampling()
        #expect(await board.reportedDiskPath == "/var/lib/sensorgw")
    }

    @Test("options decode; bad ones name file, line and key")
    func options() throws {
        let parsed = try KernelTestSupport.parse(KernelTestSupport.yaml(type: "board_health", "thermal_zone: soc-thermal",
                                                                         "disk_path: /srv/sensorgw"))
        #expect(parsed.sensors[0].options.isEqual(to: BoardHealthKind.Options(thermalZone: "soc-thermal", diskPath: "/srv/sensorgw")))
        #expect(KernelTestSupport.error(KernelTestSupport.yaml(type: "board_health", "disk_path: state"))
            == "sensorgw.yaml:7:16: sensors[0].disk_path: expected an absolute path, e.g. /var/lib/sensorgw")
    }
}
#endif
