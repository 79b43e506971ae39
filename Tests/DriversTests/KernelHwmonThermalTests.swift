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

/// hwmon through real files, with the units of `Documentation/hwmon/sysfs-interface.rst`:
/// temp*_input m°C, in*_input mV, curr*_input mA, power*_input µW, fan*_input RPM.
@Suite("hwmon devices and thermal zones through sysfs")
struct KernelHwmonThermalTests {
    func ina219(_ tree: KernelTestTree, at entry: String) throws {
        let dir = "/sys/class/hwmon/\(entry)"
        try tree.write("\(dir)/name", "ina219\n")
        try tree.write("\(dir)/in0_input", "12\n")          // shunt, mV
        try tree.write("\(dir)/in1_input", "5104\n")        // bus, mV
        try tree.write("\(dir)/curr1_input", "612\n")       // mA
        try tree.write("\(dir)/power1_input", "3124000\n")  // µW
        try tree.write("\(dir)/in1_label", "bus\n")
        try tree.write("\(dir)/update_interval", "1\n")
    }

    @Test("hwmon units become V, A and W; the device is found by name among others")
    func hwmonUnits() async throws {
        let tree = try KernelTestTree()
        try tree.write("/sys/class/hwmon/hwmon0/name", "cpu_thermal\n")
        try tree.write("/sys/class/hwmon/hwmon0/temp1_input", "47236\n")
        try ina219(tree, at: "hwmon1")
        let device = HwmonDevice(files: tree.files, device: "ina219", channels: [])
        try await device.prepareForSampling()
        let readings = try await device.sample(sensorID: "p", at: stamp)
        #expect(readings.map(\.quantity) == ["current1", "voltage0", "voltage1", "power1"])
        #expect(readings.map(\.unit.rawValue) == ["A", "V", "V", "W"])
        let expected = [0.612, 0.012, 5.104, 3.124]
        for (reading, value) in zip(readings, expected) { #expect(abs(reading.numberOrNaN - value) < 1e-9, "\(reading.quantity)") }
        #expect(await device.channelDescriptions == ["curr1", "in0", "in1 (bus)", "power1"])
    }

    @Test("channels by name or label; temperature in Cel and fan RPM in 1/s")
    func channelsByLabel() async throws {
        let tree = try KernelTestTree()
        let dir = "/sys/class/hwmon/hwmon3"
        try tree.write("\(dir)/name", "nct6775\n")
        try tree.write("\(dir)/temp2_input", "38500\n")
        try tree.write("\(dir)/temp2_label", "CPUTIN\n")
        try tree.write("\(dir)/fan1_input", "1205\n")
        try tree.write("\(dir)/temp1_input", "30000\n")
        let device = HwmonDevice(files: tree.files, device: "nct6775", channels: ["CPUTIN", "fan1"])
        try await device.prepareForSampling()
        let readings = try await device.sample(sensorID: "m", at: stamp)
        #expect(readings.map(\.quantity) == ["temperature2", "fan_speed1"])
        #expect(readings.map(\.unit.rawValue) == ["Cel", "1/s"])
        #expect(readings.map(\.numberOrNaN) == [38.5, 1205.0 / 60])
        let unknown = await KernelTestSupport.halError {
            try await HwmonDevice(files: tree.files, device: "nct6775", channels: ["SYSTIN"]).prepareForSampling()
        }
        #expect(unknown?.detail == "found: fan1, temp1, temp2 (CPUTIN)")
    }

    @Test("a hwmon device that disappears is noSuchDevice; prepare finds it under its new number")
    func hwmonDisappears() async throws {
        let tree = try KernelTestTree()
        try ina219(tree, at: "hwmon2")
        let device = HwmonDevice(files: tree.files, device: "ina219", channels: ["curr1"])
        try await device.prepareForSampling()
        tree.remove("/sys/class/hwmon/hwmon2/curr1_input")
        let gone = await KernelTestSupport.halError { _ = try await device.sample(sensorID: "p", at: stamp) }
        #expect(gone?.kind == .noSuchDevice)
        for file in ["name", "in0_input", "in1_input", "power1_input", "in1_label", "update_interval"] {
            tree.remove("/sys/class/hwmon/hwmon2/\(file)")
        }
        try ina219(tree, at: "hwmon10")
        try await device.prepareForSampling()
        #expect(try await device.sample(sensorID: "p", at: stamp).map(\.numberOrNaN) == [0.612])
    }

    @Test("a thermal zone by type: m°C to Cel; hwmon2 sorts before hwmon10 and zone numbers likewise")
    func thermalZone() async throws {
        let tree = try KernelTestTree()
        try tree.write("/sys/class/thermal/thermal_zone0/type", "soc-thermal\n")
        try tree.write("/sys/class/thermal/thermal_zone0/temp", "51000\n")
        try tree.write("/sys/class/thermal/thermal_zone1/type", "cpu-thermal\n")
        try tree.write("/sys/class/thermal/thermal_zone1/temp", "-4500\n")
        try tree.write("/sys/class/thermal/cooling_device0/type", "cpu-thermal\n")
        let zone = ThermalZone(files: tree.files, zone: "cpu-thermal")
        let readings = try await zone.sample(sensorID: "soc", at: stamp)
        #expect(readings.map(\.numberOrNaN) == [-4.5])
        #expect(readings.map(\.unit.rawValue) == ["Cel"])
        #expect(try await ThermalZone(files: tree.files, zone: nil).temperatureCelsius() == 51)
        #expect(KernelDeviceLookup.numericOrder("hwmon2", "hwmon10"))
        #expect(!KernelDeviceLookup.numericOrder("thermal_zone10", "thermal_zone9"))
        tree.remove("/sys/class/thermal/thermal_zone1/temp")
        let gone = await KernelTestSupport.halError { _ = try await zone.sample(sensorID: "soc", at: stamp) }
        #expect(gone?.kind == .noSuchDevice)
    }

    @Test("options decode; bad ones name file, line and key")
    func options() throws {
        let hwmon = try KernelTestSupport.parse(KernelTestSupport.yaml(type: "hwmon", "device: rpi_volt", "channels: in0"))
        #expect(hwmon.sensors[0].options.isEqual(to: HwmonKind.Options(device: "rpi_volt", channels: ["in0"])))
        let zone = try KernelTestSupport.parse(KernelTestSupport.yaml(type: "thermal_zone", "zone: cpu-thermal"))
        #expect(zone.sensors[0].options.isEqual(to: ThermalZoneKind.Options(zone: "cpu-thermal")))
        #expect(KernelTestSupport.error(KernelTestSupport.yaml(type: "thermal_zone", "zone: a/b"))?
            .hasPrefix("sensorgw.yaml:7:11: sensors[0].zone: expected a zone type") == true)
        #expect(KernelTestSupport.error(KernelTestSupport.yaml(type: "hwmon", "channels: ' , '"))?
            .hasPrefix("sensorgw.yaml:7:15: sensors[0].channels: expected channel names") == true)
    }

    @Test("the simulated board carries a hwmon device and a thermal zone")
    func simulated() async throws {
        let hwmon = GatewayConfiguration.SensorConfiguration(id: "h", kind: "hwmon", bus: .none, options: HwmonKind.Options())
        let zone = GatewayConfiguration.SensorConfiguration(id: "z", kind: "thermal_zone", bus: .none,
                                                            options: ThermalZoneKind.Options())
        let board = SimulatedBoard(sensors: [hwmon, zone], registry: .builtIn)
        let hwmonReadings = try await HwmonKind().makeSensor(hwmon, board: board).measure(at: stamp)
        #expect(hwmonReadings.map(\.quantity) == ["current1", "fan_speed1", "voltage0", "power1", "temperature1"])
        #expect(hwmonReadings.map(\.unit.rawValue) == ["A", "1/s", "V", "W", "Cel"])
        let soc = try await ThermalZoneKind().makeSensor(zone, board: board).measure(at: stamp)
        #expect(soc[0].numberOrNaN >= 44.4 && soc[0].numberOrNaN <= 48.6)
    }
}
#endif
