import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

private let bme280Address = I2CAddress(0x76)!
private let sht3xAddress = I2CAddress(0x44)!
private let weather = SimulatedBME280.Environment(temperatureCelsius: 18.25, pressurePascal: 99_870, humidityPercent: 61.5)

/// A BME280 model that has taken one forced measurement of `weather`, and the sample the
/// driver read from it.
private func measuredBME280() async throws -> (SimulatedI2CBus, BME280Sample) {
    let chip = SimulatedBME280(environment: weather)
    chip.statusReadsWhileMeasuring = 0
    let bus = SimulatedI2CBus()
    bus.attach(chip, at: bme280Address)
    let sample = try await BME280(bus: bus, address: bme280Address, clock: SimulatedClock()).measure()
    return (bus, sample)
}

/// Writes `text` to a fresh file under /tmp and returns its path.
func temporaryFile(_ name: String, _ text: String) throws -> String {
    var template = Array("/tmp/sensorgw-test-XXXXXX".utf8CString)
    let directory = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
    let base = try #require(directory.map { String(cString: $0) })
    let path = base + "/" + name
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    try #require(descriptor >= 0)
    defer { close(descriptor) }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    try #require(written == bytes.count)
    return path
}

@Suite("Fixture capture and replay")
struct FixtureReplayTests {
    @Test("a BME280 dumped over I2C replays the same compensated values; the dump only reads")
    func bme280OverI2C() async throws {
        let (bus, original) = try await measuredBME280()
        bus.resetCounters()
        var fixture = DeviceFixture(source: "test", bus: "i2c", address: bme280Address, writeMode: .registerValuePairs)
        fixture.registers = try await FixtureCapture.registers(bus: bus, address: bme280Address, 0x00...0xFF)
        // 256 registers in chunks of 32: 8 transactions, each a pointer write and a read.
        #expect(bus.transactionCount == 8)
        #expect(bus.log.map(\.operations) == stride(from: 0, to: 256, by: 32).map { [.write([UInt8($0)]), .read(count: 32)] })
        #expect(fixture.registers.count == 256)
        #expect(fixture.registers[0xD0] == 0x60)          // chip id

        let text = fixture.yaml()
        #expect(text.hasPrefix("format: sensorgw-fixture/1\n"))
        let loaded = try DeviceFixture.parse(text, file: "bme280.yaml")
        #expect(loaded == fixture)

        let replayBus = SimulatedI2CBus()
        replayBus.attach(FixtureI2CDevice(loaded), at: bme280Address)
        let replayed = try await BME280(bus: replayBus, address: bme280Address, clock: SimulatedClock()).measure()
        #expect(replayed == original)
        #expect(abs(replayed.temperatureCelsius - 18.25) < 0.01)
    }

    @Test("a BME280 dumped over SPI (0x80...0xff) replays the same values through the SPI driver")
    func bme280OverSPI() async throws {
        let chip = SimulatedBME280(environment: weather)
        chip.statusReadsWhileMeasuring = 0
        let device = SimulatedSPIDevice(model: chip)
        let original = try await BME280(spi: device, clock: SimulatedClock()).measure()
        device.resetCounters()
        let registers = try await FixtureCapture.registers(spi: device, 0x80...0xFF)
        #expect(device.log.first == [.write([0x80]), .read(count: 32)])
        #expect(device.transactionCount == 4)
        let fixture = try DeviceFixture.parse(DeviceFixture(bus: "spi", registers: registers).yaml(), file: "spi.yaml")
        let replay = SimulatedSPIDevice(model: FixtureSPIModel(fixture))
        let replayed = try await BME280(spi: replay, clock: SimulatedClock()).measure()
        #expect(replayed == original)
    }

    @Test("an SHT3x captured as commands (reset, status, measurement) replays through its driver")
    func sht3xCommands() async throws {
        let chip = SimulatedSHT3x()
        chip.environment = .init(temperatureCelsius: 23.5, humidityPercent: 40)
        let bus = SimulatedI2CBus()
        bus.attach(chip, at: sht3xAddress)
        let clock = SimulatedClock()
        let original = try await SHT3x(bus: bus, address: sht3xAddress, clock: clock).measure()
        let commands = [
            try await FixtureCapture.command(bus: bus, address: sht3xAddress, [0x30, 0xA2], delay: .milliseconds(2), read: 0, clock: clock),
            try await FixtureCapture.command(bus: bus, address: sht3xAddress, [0xF3, 0x2D], delay: .zero, read: 3, clock: clock),
            try await FixtureCapture.command(bus: bus, address: sht3xAddress, [0x24, 0x00], delay: .milliseconds(16), read: 6, clock: clock),
        ]
        #expect(commands[2].read.count == 6)
        let text = DeviceFixture(bus: "i2c", address: sht3xAddress, commands: commands).yaml()
        #expect(text.contains("  - write: \"24 00\"\n    delay: 16ms\n    read: \""))
        let fixture = try DeviceFixture.parse(text, file: "sht3x.yaml")
        let replayBus = SimulatedI2CBus()
        replayBus.attach(FixtureI2CDevice(fixture), at: sht3xAddress)
        let sensor = SHT3x(bus: replayBus, address: sht3xAddress, clock: SimulatedClock())
        try await sensor.start()
        let replayed = try await sensor.measure()
        #expect(replayed == original)
        // A command the capture never saw is refused, not answered with zeros.
        let error = await #expect(throws: HALError.self) {
            try await replayBus.write(address: sht3xAddress, [0x24, 0x0B])
        }
        #expect(error?.kind == .dataNACK)
    }

    @Test("a plain JSON register map loads without a format line")
    func plainJSON() throws {
        let fixture = try DeviceFixture.parse(#"{"registers": {"0xd0": "0x60", "0x88": [112, 107], "0xF7": "52 3a"}}"#,
                                              file: "map.json")
        #expect(fixture.registers == [0xD0: 0x60, 0x88: 112, 0x89: 107, 0xF7: 0x52, 0xF8: 0x3A])
        #expect(fixture.writeMode == .autoIncrement)
    }

    @Test("bad fixtures name file, line, column and key")
    func errors() {
        let cases: [(text: String, expected: String)] = [
            ("format: sensorgw-fixture/2\nregisters: {0x00: 1}\n",
             "f.yaml:1:9: format: unsupported format 'sensorgw-fixture/2'; this build reads sensorgw-fixture/1"),
            ("bus: i2c\nregisters: {0x00: 1}\n",
             "f.yaml:1:1: missing format: sensorgw-fixture/1 (only a plain {\"registers\": {...}} map may leave it out)"),
            ("format: sensorgw-fixture/1\nregisters:\n  \"0x88\": \"70 6g\"\n",
             "f.yaml:3:11: registers.0x88: expected hex bytes like \"70 6b 43\" or \"0x2400\", found '70 6g'"),
            ("format: sensorgw-fixture/1\nregisters:\n  \"0x100\": 1\n",
             "f.yaml:3:3: registers: a register is 0x00...0xff, like \"0x88\""),
            ("format: sensorgw-fixture/1\nregisters:\n  \"0xff\": \"01 02\"\n",
             "f.yaml:3:11: registers.0xff: runs past register 0xff"),
            ("format: sensorgw-fixture/1\nregisters:\n  \"0x10\": \"01 02\"\n  \"0x11\": 3\n",
             "f.yaml:4:11: registers.0x11: register 0x11 is given twice with different values"),
            ("format: sensorgw-fixture/1\nregisters:\n  \"0x10\": 256\n",
             "f.yaml:3:11: registers.0x10: 256 is not a byte (0...255)"),
            ("format: sensorgw-fixture/1\ncommands:\n  - read: \"01\"\n",
             "f.yaml:3:5: commands[0]: missing required key 'write'"),
            ("format: sensorgw-fixture/1\ncommands:\n  - write: \"24 00\"\n    delay: soon\n",
             "f.yaml:4:12: commands[0].delay: expected a duration like 16ms, 500us or 1s"),
            ("format: sensorgw-fixture/1\nregister: {}\n",
             "f.yaml:2:1: register: unknown key; expected one of: format, source, bus, address, write_mode, registers, commands"),
            ("format: sensorgw-fixture/1\n", "f.yaml:1:1: the fixture has no registers and no commands"),
        ]
        for (text, expected) in cases {
            do {
                _ = try DeviceFixture.parse(text, file: "f.yaml")
                Issue.record("parsed: \(text)")
            } catch {
                #expect(error.description == expected)
            }
        }
        // A YAML syntax error keeps libyaml's position.
        do {
            _ = try DeviceFixture.parse("{\"registers\": {\"0x00\": }", file: "f.json")
            Issue.record("parsed broken JSON")
        } catch {
            #expect(error.description.hasPrefix("f.json: not YAML or JSON: 2:1: did not find expected ',' or '}'"),
                    "\(error.description)")
        }
    }

    @Test("simulated: { fixture } under a sensor replays the capture on the simulated board")
    func simulatedBoardReplay() async throws {
        let (bus, original) = try await measuredBME280()
        var fixture = DeviceFixture(writeMode: .registerValuePairs)
        fixture.registers = try await FixtureCapture.registers(bus: bus, address: bme280Address, 0x00...0xFF)
        let path = try temporaryFile("air.yaml", fixture.yaml())
        let directory = String(path.dropLast("/air.yaml".count))
        let yaml = """
            gateway:
              id: gw
            board: simulated
            sensors:
              - id: air
                type: bme280
                i2c: { bus: 1, address: 0x76 }
                simulated: { fixture: air.yaml }
            storage:
              path: outbox.sqlite
            mqtt:
              host: localhost
              tls: false

            """
        let configuration = try GatewayConfiguration.parse(yaml: yaml, file: "sensorgw.yaml", baseDirectory: directory,
                                                           kinds: SensorRegistry.builtIn.catalog)
        #expect(configuration.sensors[0].simulatedFixture == path)
        let fixtures = try SimulatedBoard.loadFixtures(for: configuration.sensors)
        let board = SimulatedBoard(sensors: configuration.sensors, registry: .builtIn, fixtures: fixtures)
        let sensor = BME280Kind().makeSensor(configuration.sensors[0], board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true))
        // The capture's values, not the simulated weather's.
        #expect(readings.first { $0.quantity == "temperature" }?.numberOrNaN == original.temperatureCelsius)
        #expect(readings.first { $0.quantity == "pressure" }?.numberOrNaN == original.pressurePascal)

        // A missing fixture is a configuration error at its key.
        let missing = yaml.replacing("air.yaml", with: "gone.yaml")
        #expect(throws: ConfigurationError.self) {
            _ = try GatewayConfiguration.parse(yaml: missing, file: "sensorgw.yaml", baseDirectory: directory,
                                               kinds: SensorRegistry.builtIn.catalog)
        }
        do {
            _ = try GatewayConfiguration.parse(yaml: missing, file: "sensorgw.yaml", baseDirectory: directory,
                                               kinds: SensorRegistry.builtIn.catalog)
        } catch {
            #expect(error.description.hasPrefix("sensorgw.yaml:8:27: sensors[0].simulated.fixture: file not found: "))
        }
        // A fixture that does not parse stops loading with its own file and line.
        let broken = try temporaryFile("air.yaml", "format: sensorgw-fixture/1\nregisters: {\"0x00\": \"zz\"}\n")
        var brokenSensor = configuration.sensors[0]
        brokenSensor.simulatedFixture = broken
        do {
            _ = try SimulatedBoard.loadFixtures(for: [brokenSensor])
            Issue.record("loaded a broken fixture")
        } catch {
            #expect(error.description == "\(broken):2:21: registers.0x00: expected hex bytes like \"70 6b 43\" or \"0x2400\", found 'zz'")
        }
    }
}
