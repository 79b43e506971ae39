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
private let devices = "/sys/bus/iio/devices"

/// IIO through real files: `Documentation/ABI/testing/sysfs-bus-iio` says a processed value is
/// `in_<type><index>_input`, a raw one `in_<type><index>_raw` to which `(raw + offset) × scale`
/// applies, with `_offset`/`_scale` per channel or shared by the type (`in_voltage_scale`), and
/// gives the units: temp milli °C, humidityrelative milli percent, pressure kPa, voltage mV.
@Suite("IIO devices through sysfs")
struct KernelIIOTests {
    /// The dht11 driver's two processed channels (drivers/iio/humidity/dht11.c reports
    /// `IIO_CHAN_INFO_PROCESSED` in m°C and m%).
    func dht22(_ tree: KernelTestTree, at entry: String = "iio:device0") throws {
        try tree.write("\(devices)/\(entry)/name", "dht11\n")
        try tree.write("\(devices)/\(entry)/in_temp_input", "23100\n")
        try tree.write("\(devices)/\(entry)/in_humidityrelative_input", "45600\n")
    }

    @Test("a DHT22 on the dht11 driver: m°C and m% inputs become Cel and %RH")
    func dht22Inputs() async throws {
        let tree = try KernelTestTree()
        try tree.write("\(devices)/iio:device0/name", "mcp3008\n")
        try tree.write("\(devices)/iio:device0/in_voltage0_raw", "1\n")
        try dht22(tree, at: "iio:device1")
        let device = IIODevice(files: tree.files, device: "dht11", channels: [])
        try await device.prepareForSampling()
        let readings = try await device.sample(sensorID: "air", at: stamp)
        #expect(readings.map(\.quantity) == ["humidity", "temperature"])
        #expect(readings.map(\.unit.rawValue) == ["%RH", "Cel"])
        #expect(readings.map(\.numberOrNaN) == [45.6, 23.1])
        #expect(readings.allSatisfy { $0.sensorID == "air" && $0.timestamp == stamp })
    }

    @Test("raw channels: (raw + offset) × scale, own scale before the shared one, input before raw")
    func rawWithScaleAndOffset() async throws {
        let tree = try KernelTestTree()
        let dir = "\(devices)/iio:device0"
        try tree.write("\(dir)/name", "adc\n")
        // (15680 − 10240) × 3.90625 m°C = 21250 m°C = 21.25 °C.
        try tree.write("\(dir)/in_temp_raw", "15680\n")
        try tree.write("\(dir)/in_temp_offset", "-10240\n")
        try tree.write("\(dir)/in_temp_scale", "3.906250\n")
        // A 12-bit ADC on 3.3 V at half scale: 2048 × 3300 / 4096 mV = 1650 mV (shared scale).
        try tree.write("\(dir)/in_voltage_scale", "0.805664062\n")
        try tree.write("\(dir)/in_voltage0_raw", "2048\n")
        // Channel 1 has its own scale, which wins over the shared one: 100 × 2 mV.
        try tree.write("\(dir)/in_voltage1_raw", "100\n")
        try tree.write("\(dir)/in_voltage1_scale", "2\n")
        // 101325 counts × 0.001 kPa = 101.325 kPa = 101325 Pa.
        try tree.write("\(dir)/in_pressure_raw", "101325\n")
        try tree.write("\(dir)/in_pressure_scale", "0.001\n")
        // Both files: the processed one is read, and the raw one's scale does not apply.
        try tree.write("\(dir)/in_humidityrelative_raw", "999\n")
        try tree.write("\(dir)/in_humidityrelative_scale", "7\n")
        try tree.write("\(dir)/in_humidityrelative_input", "40000\n")
        let device = IIODevice(files: tree.files, device: "adc",
                               channels: ["temp", "voltage0", "voltage1", "pressure", "humidityrelative"])
        try await device.prepareForSampling()
        let readings = try await device.sample(sensorID: "s", at: stamp)
        #expect(readings.map(\.quantity) == ["temperature", "voltage0", "voltage1", "pressure", "humidity"])
        #expect(readings.map(\.unit.rawValue) == ["Cel", "V", "V", "Pa", "%RH"])
        let expected = [21.25, 1.65, 0.2, 101_325, 40]
        for (reading, value) in zip(readings, expected) {
            #expect(abs(reading.numberOrNaN - value) < 1e-6, "\(reading.quantity): \(reading.numberOrNaN)")
        }
    }

    @Test("without channels every supported channel is read; types without a SenML unit are skipped")
    func discovery() async throws {
        let tree = try KernelTestTree()
        let dir = "\(devices)/iio:device0"
        try tree.write("\(dir)/name", "tsl2583\n")
        try tree.write("\(dir)/in_illuminance0_input", "312\n")
        try tree.write("\(dir)/in_intensity_both_raw", "1234\n")   // no units in the ABI
        try tree.write("\(dir)/in_accel_x_raw", "-512\n")
        try tree.write("\(dir)/in_accel_scale", "0.019154\n")       // m/s² per count, shared
        let device = IIODevice(files: tree.files, device: nil, channels: [])
        try await device.prepareForSampling()
        let readings = try await device.sample(sensorID: "s", at: stamp)
        #expect(readings.map(\.quantity) == ["acceleration_x", "illuminance0"])
        #expect(readings.map(\.unit.rawValue) == ["m/s2", "lx"])
        #expect(abs(readings[0].numberOrNaN - -512 * 0.019154) < 1e-9)
        #expect(readings[1].numberOrNaN == 312)
    }

    @Test("a name no device has names the devices found; a missing channel names its files")
    func notFound() async throws {
        let tree = try KernelTestTree()
        try dht22(tree)
        let missing = await KernelTestSupport.halError {
            try await IIODevice(files: tree.files, device: "bmp280", channels: []).prepareForSampling()
        }
        #expect(missing?.kind == .noSuchDevice)
        #expect(missing?.detail?.contains("found: dht11") == true, "\(String(describing: missing))")
        let channel = await KernelTestSupport.halError {
            try await IIODevice(files: tree.files, device: "dht11", channels: ["pressure"]).prepareForSampling()
        }
        #expect(channel?.kind == .noSuchDevice)
        #expect(channel?.detail == "neither in_pressure_input nor in_pressure_raw exists")
        let intensity = await KernelTestSupport.halError {
            try await IIODevice(files: tree.files, device: "dht11", channels: ["intensity_both"]).prepareForSampling()
        }
        #expect(intensity?.kind == .unsupported)
    }

    @Test("a device that disappears fails its sample as noSuchDevice and is found again under a new number")
    func disappearsAndComesBack() async throws {
        let tree = try KernelTestTree()
        try dht22(tree)
        let device = IIODevice(files: tree.files, device: "dht11", channels: ["temp"])
        try await device.prepareForSampling()
        #expect(try await device.sample(sensorID: "s", at: stamp).map(\.numberOrNaN) == [23.1])
        for file in ["name", "in_temp_input", "in_humidityrelative_input"] { tree.remove("\(devices)/iio:device0/\(file)") }
        let gone = await KernelTestSupport.halError { _ = try await device.sample(sensorID: "s", at: stamp) }
        #expect(gone?.kind == .noSuchDevice)
        #expect(gone?.errno == 2)
        #expect(gone?.operation.hasSuffix("iio:device0/in_temp_input") == true)
        try dht22(tree, at: "iio:device1")
        try await device.prepareForSampling()
        #expect(await device.channelPaths == ["\(devices)/iio:device1/in_temp_input"])
        #expect(try await device.sample(sensorID: "s", at: stamp).map(\.numberOrNaN) == [23.1])
    }

    @Test("a driver's EIO (a DHT22 that did not answer) is a busError, and garbage is badData")
    func readFaults() async throws {
        let files = SimulatedSystemFiles()
        files.set("\(devices)/iio:device0/name", "dht11\n")
        files.set("\(devices)/iio:device0/in_temp_input", "23100\n")
        let device = IIODevice(files: files, device: "dht11", channels: ["temp"])
        try await device.prepareForSampling()
        files.fail("\(devices)/iio:device0/in_temp_input",
                   with: HALError(.busError, errno: 5, operation: "read in_temp_input", detail: "Input/output error"))
        let eio = await KernelTestSupport.halError { _ = try await device.sample(sensorID: "s", at: stamp) }
        #expect(eio?.kind == .busError)
        files.fail("\(devices)/iio:device0/in_temp_input", with: nil)
        files.set("\(devices)/iio:device0/in_temp_input", "nan\n")
        let garbage = await KernelTestSupport.halError { _ = try await device.sample(sensorID: "s", at: stamp) }
        #expect(garbage?.kind == .badData)
    }

    @Test("one read per channel per sample; scales are read once at prepare")
    func readsPerSample() async throws {
        let files = SimulatedSystemFiles()
        let dir = "\(devices)/iio:device0"
        files.set("\(dir)/name", "adc\n")
        files.set("\(dir)/in_voltage_scale", "0.5\n")
        files.set("\(dir)/in_voltage0_raw", "10\n")
        files.set("\(dir)/in_voltage1_raw", "20\n")
        let device = IIODevice(files: files, device: "adc", channels: [])
        try await device.prepareForSampling()
        let before = files.reads.count
        let readings = try await device.sample(sensorID: "s", at: stamp)
        #expect(Array(files.reads.dropFirst(before)) == ["\(dir)/in_voltage0_raw", "\(dir)/in_voltage1_raw"])
        #expect(readings.map(\.numberOrNaN) == [0.005, 0.01])
    }

    @Test("options decode; bad ones name file, line and key")
    func options() throws {
        let parsed = try KernelTestSupport.parse(KernelTestSupport.yaml(type: "iio", "device: dht11",
                                                                         "channels: temp, humidityrelative"))
        #expect(parsed.sensors[0].options.isEqual(to: IIOKind.Options(device: "dht11", channels: ["temp", "humidityrelative"])))
        #expect(KernelTestSupport.error(KernelTestSupport.yaml(type: "iio", "channels: temp, intensity_ir"))?
            .hasPrefix("sensorgw.yaml:7:15: sensors[0].channels: unsupported channel 'intensity_ir'") == true)
        #expect(KernelTestSupport.error(KernelTestSupport.yaml(type: "iio", "device: iio/device0"))?
            .hasPrefix("sensorgw.yaml:7:13: sensors[0].device: expected a device name") == true)
    }

    @Test("the simulated board carries an IIO device that follows the weather")
    func simulated() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(id: "k", kind: "iio", bus: .none,
                                                                     options: IIOKind.Options(device: "bme-ish"))
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn)
        let sensor = IIOKind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        let byQuantity = Dictionary(uniqueKeysWithValues: readings.map { ($0.quantity, $0) })
        #expect(Set(byQuantity.keys) == ["humidity", "illuminance", "pressure", "temperature", "voltage0"])
        let temperature = try #require(byQuantity["temperature"]?.numberOrNaN)
        #expect(temperature >= 19.4 && temperature <= 23.6)
        #expect(abs(try #require(byQuantity["voltage0"]?.numberOrNaN) - temperature / 10) < 0.001)
        #expect(try #require(byQuantity["pressure"]?.numberOrNaN) > 101_000)
        var pipeline = IIOKind().pipeline(for: configuration)
        #expect(pipeline.process(readings).dropped.isEmpty)
    }
}
#endif
