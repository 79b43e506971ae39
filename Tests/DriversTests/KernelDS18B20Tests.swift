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
private let w1 = "/sys/bus/w1/devices"

/// `w1_slave` as the kernel's w1_therm prints it for a scratchpad of 23.125 °C (0x0172);
/// 0x57 is the kernel's own CRC over the first eight bytes.
private let sample = "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125\n"

/// A w1_slave for `bytes` (eight bytes, CRC appended as the chip does) with `verdict`.
private func w1Slave(_ bytes: [UInt8], crc: UInt8? = nil, verdict: String = "YES") -> String {
    let all = bytes + [crc ?? MaximCRC8.checksum(bytes)]
    let hex = all.map { DS18B20Scratchpad.hex($0) }.joined(separator: " ")
    return "\(hex) : crc=\(DS18B20Scratchpad.hex(all[8])) \(verdict)\n\(hex) t=0\n"
}

@Suite("DS18B20 through the w1 sysfs")
struct KernelDS18B20Tests {
    @Test("Dallas/Maxim CRC-8: application note 27's ROM example and the kernel's own line")
    func crc() {
        // AN27: family 0x02, serial 0x00000001B81C, CRC 0xA2.
        #expect(MaximCRC8.checksum([0x02, 0x1C, 0xB8, 0x01, 0x00, 0x00, 0x00]) == 0xA2)
        #expect(MaximCRC8.checksum([0x72, 0x01, 0x4B, 0x46, 0x7F, 0xFF, 0x0E, 0x10]) == 0x57)
        // A block followed by its CRC checks to 0.
        #expect(MaximCRC8.checksum([0x02, 0x1C, 0xB8, 0x01, 0x00, 0x00, 0x00, 0xA2]) == 0)
    }

    @Test("datasheet table 1: the temperature register in 1/16 °C, two's complement")
    func table1() {
        let table: [(UInt16, Double)] = [(0x07D0, 125), (0x0550, 85), (0x0191, 25.0625), (0x00A2, 10.125),
                                         (0x0008, 0.5), (0x0000, 0), (0xFFF8, -0.5), (0xFF5E, -10.125),
                                         (0xFE6F, -25.0625), (0xFC90, -55)]
        for (register, celsius) in table {
            let pad = DS18B20Scratchpad(bytes: [UInt8(register & 0xFF), UInt8(register >> 8), 0x4B, 0x46, 0x7F, 0xFF, 0x0C, 0x10, 0])
            #expect(pad.temperatureCelsius == celsius, "0x\(String(register, radix: 16))")
        }
        // Table 2: at 9 bits (R1:R0 = 00, configuration 0x1F) bits 2:0 are undefined.
        let nineBit = DS18B20Scratchpad(bytes: [0x97, 0x01, 0x4B, 0x46, 0x1F, 0xFF, 0x0C, 0x10, 0])
        #expect(nineBit.resolutionBits == 9)
        #expect(nineBit.temperatureCelsius == 25)
    }

    @Test("a w1_slave read through real files: the bytes, both CRCs, Cel")
    func readsThroughSysfs() async throws {
        let tree = try KernelTestTree()
        try tree.write("\(w1)/28-0316a2795bff/w1_slave", sample)
        try tree.write("\(w1)/w1_bus_master1/w1_master_name", "w1_bus_master1\n")
        let sensor = DS18B20(files: tree.files, device: nil)
        try await sensor.prepareForSampling()
        let readings = try await sensor.sample(sensorID: "tank", at: stamp)
        #expect(readings.map(\.numberOrNaN) == [23.125])
        #expect(readings.map(\.unit.rawValue) == ["Cel"])
        #expect(readings.map(\.quantity) == ["temperature"])
    }

    @Test("the kernel's NO, our CRC mismatch, all-zero bytes and a torn file are badData")
    func badScratchpads() async throws {
        let files = SimulatedSystemFiles()
        let path = "\(w1)/28-0316a2795bff/w1_slave"
        let sensor = DS18B20(files: files, device: "28-0316a2795bff")
        func failure(_ text: String) async -> HALError? {
            files.set(path, text)
            return await KernelTestSupport.halError { _ = try await sensor.sample(sensorID: "t", at: stamp) }
        }
        let good: [UInt8] = [0x72, 0x01, 0x4B, 0x46, 0x7F, 0xFF, 0x0E, 0x10]
        let no = await failure(w1Slave(good, crc: 0x58, verdict: "NO"))
        #expect(no?.kind == .badData)
        #expect(no?.detail?.contains("the kernel found a CRC mismatch") == true)
        // The kernel said YES but byte 8 is not the CRC of the rest: our own check catches it.
        let mismatch = await failure(w1Slave(good, crc: 0x58, verdict: "YES"))
        #expect(mismatch?.detail == "CRC mismatch: computed 0x57, byte 8 is 0x58")
        // Eight zero bytes have CRC 0, so they pass the CRC; the configuration register cannot be 0.
        let zeros = await failure(w1Slave([0, 0, 0, 0, 0, 0, 0, 0]))
        #expect(zeros?.kind == .badData)
        #expect(zeros?.detail?.contains("configuration register") == true)
        #expect(await failure("72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n")?.kind == .badData)
        #expect(await failure("72 01 4b 46 7f ff 0e 10 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125\n")?.kind == .badData)
        // Linux 6.1's w1_therm leaves w1_slave empty when every retry failed its CRC (QEMU stage).
        let empty = await failure("")
        #expect(empty?.kind == .badData)
        #expect(empty?.detail?.contains("failed its CRC or the sensor did not answer") == true)
        files.set(path, sample)
        #expect(try await sensor.temperatureCelsius() == 23.125)
    }

    @Test("85 °C, the power-on value, is refused unless the sensor was already near it")
    func powerOnValue() async throws {
        let files = SimulatedSystemFiles()
        let path = "\(w1)/28-0316a2795bff/w1_slave"
        let sensor = DS18B20(files: files, device: nil)
        // Datasheet: the temperature register powers up at +85 °C (0x0550).
        let powerOn: [UInt8] = [0x50, 0x05, 0x4B, 0x46, 0x7F, 0xFF, 0x0C, 0x10]
        files.set(path, w1Slave(powerOn))
        let first = await KernelTestSupport.halError { _ = try await sensor.temperatureCelsius() }
        #expect(first?.kind == .badData)
        #expect(first?.detail?.contains("power-on reset value") == true)
        // 84.9375 °C (0x054F) is a real reading; 85 °C after it is believed.
        files.set(path, w1Slave([0x4F, 0x05, 0x4B, 0x46, 0x7F, 0xFF, 0x0C, 0x10]))
        #expect(try await sensor.temperatureCelsius() == 84.9375)
        files.set(path, w1Slave(powerOn))
        #expect(try await sensor.temperatureCelsius() == 85)
        // After a drop to 20 °C, a sudden 85 is a brown-out again.
        files.set(path, w1Slave([0x40, 0x01, 0x4B, 0x46, 0x7F, 0xFF, 0x0C, 0x10]))
        #expect(try await sensor.temperatureCelsius() == 20)
        files.set(path, w1Slave(powerOn))
        #expect(await KernelTestSupport.halError { _ = try await sensor.temperatureCelsius() }?.kind == .badData)
    }

    @Test("the temperature file of newer kernels; a sensor unplugged is noSuchDevice; several need a name")
    func temperatureFileAndSelection() async throws {
        let tree = try KernelTestTree()
        try tree.write("\(w1)/28-0316a2795bff/temperature", "-10125\n")
        let sensor = DS18B20(files: tree.files, device: "28-0316a2795bff", source: .temperature)
        #expect(try await sensor.temperatureCelsius() == -10.125)
        tree.remove("\(w1)/28-0316a2795bff/temperature")
        let gone = await KernelTestSupport.halError { _ = try await sensor.temperatureCelsius() }
        #expect(gone?.kind == .noSuchDevice)
        try tree.write("\(w1)/28-0316a2795bff/temperature", "1000\n")
        try tree.write("\(w1)/28-0416a2795bff/temperature", "2000\n")
        let ambiguous = await KernelTestSupport.halError { try await DS18B20(files: tree.files, device: nil).prepareForSampling() }
        #expect(ambiguous?.detail == "several DS18B20, name one with device: 28-0316a2795bff, 28-0416a2795bff")
        let absent = await KernelTestSupport.halError {
            try await DS18B20(files: tree.files, device: "28-000000000001").prepareForSampling()
        }
        #expect(absent?.kind == .noSuchDevice)
    }

    @Test("options decode; bad ones name file, line and key")
    func options() throws {
        let parsed = try KernelTestSupport.parse(KernelTestSupport.yaml(type: "ds18b20", "device: 28-0316A2795BFF",
                                                                         "file: temperature"))
        #expect(parsed.sensors[0].options.isEqual(to: DS18B20Kind.Options(device: "28-0316a2795bff", source: .temperature)))
        #expect(KernelTestSupport.error(KernelTestSupport.yaml(type: "ds18b20", "device: 10-0316a2795bff"))?
            .hasPrefix("sensorgw.yaml:7:13: sensors[0].device: expected a 1-Wire id") == true)
        #expect(KernelTestSupport.error(KernelTestSupport.yaml(type: "ds18b20", "file: slave"))
            == "sensorgw.yaml:7:11: sensors[0].file: unknown value 'slave'; expected one of: w1_slave, temperature")
    }

    @Test("the simulated board's DS18B20 prints a w1_slave the driver accepts, following the weather")
    func simulated() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(id: "t", kind: "ds18b20", bus: .none,
                                                                     options: DS18B20Kind.Options())
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn)
        let readings = try await DS18B20Kind().makeSensor(configuration, board: board).measure(at: stamp)
        #expect(readings[0].numberOrNaN >= 19.4 && readings[0].numberOrNaN <= 23.6)
        let model = SimulatedDS18B20(id: "28-00000a1b2c3d")
        model.temperatureCelsius = -25.0625
        #expect(model.scratchpad.prefix(2) == [0x6F, 0xFE])  // table 1
        #expect(try DS18B20Scratchpad(w1Slave: model.w1Slave, path: "x").temperatureCelsius == -25.0625)
    }
}
#endif
