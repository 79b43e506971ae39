import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Synchronization
import Testing
@testable import Drivers

// Registers and values restated from ST's LIS3DH datasheet (DocID17530 rev 2: table 4
// sensitivities, table 10 operating modes and turn-on times, 6.1.1 I2C sub-address, 6.2 SPI
// RW/MS bits, section 8 registers, table 31 data rates) and application note AN3308 (4.2.3:
// 350 mg at ±2 g high resolution is OUT_X_L 0xE0, OUT_X_H 0x15), so a wrong driver constant
// cannot pass its own test.
private let address = I2CAddress(0x18)!
private let g0 = 9.80665

private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) < tolerance }

@Suite("LIS3DH datasheet arithmetic")
struct LIS3DHDatasheetTests {
    @Test("table 4: mg/digit by mode and full scale")
    func sensitivities() {
        let table: [(LIS3DHMode, [Double])] = [(.highResolution, [1, 2, 4, 12]), (.normal, [4, 8, 16, 48]),
                                               (.lowPower, [16, 32, 64, 192])]
        for (mode, values) in table {
            for (range, mg) in zip(LIS3DHRange.allCases, values) {
                #expect(range.milligPerDigit(mode) == mg, "\(mode) \(range)")
            }
        }
    }

    @Test("AN3308 4.2.3: 0x15E0 left-justified at ±2 g high resolution is 350 mg; 8/10/12-bit justification")
    func leftJustified() {
        let highResolution = LIS3DHSettings(mode: .highResolution, range: .g2)
        #expect(close(highResolution.acceleration(low: 0xE0, high: 0x15), 0.350 * g0))
        // Negative: 0xEA20 >> 4 = -350.
        #expect(close(highResolution.acceleration(low: 0x20, high: 0xEA), -0.350 * g0))
        // Normal mode, 10 bits: 0x4000 >> 6 = 256 digits × 4 mg.
        #expect(close(LIS3DHSettings(mode: .normal, range: .g2).acceleration(low: 0x00, high: 0x40), 1.024 * g0))
        // Low-power, 8 bits in OUT_H: 0x40 = 64 digits × 16 mg; OUT_L is ignored.
        #expect(close(LIS3DHSettings(mode: .lowPower, range: .g2).acceleration(low: 0xFF, high: 0x40), 1.024 * g0))
        // ±16 g high resolution: -2048 digits × 12 mg.
        #expect(close(LIS3DHSettings(mode: .highResolution, range: .g16).acceleration(low: 0x00, high: 0x80), -24.576 * g0))
    }

    @Test("CTRL_REG1 (ODR 7:4, LPen 3, ZYX enable) and CTRL_REG4 (BDU 7, FS 5:4, HR 3)")
    func controlRegisters() {
        #expect(LIS3DHSettings(mode: .normal, dataRate: .hz100).control1 == 0x57)
        #expect(LIS3DHSettings(mode: .lowPower, dataRate: .hz100).control1 == 0x5F)
        #expect(LIS3DHSettings(mode: .highResolution, dataRate: .hz1).control1 == 0x17)
        #expect(LIS3DHSettings(mode: .normal, dataRate: .hz1344).control1 == 0x97)
        #expect(LIS3DHSettings(mode: .lowPower, dataRate: .hz1620).control1 == 0x8F)
        #expect(LIS3DHSettings(mode: .lowPower, dataRate: .hz5376).control1 == 0x9F)
        #expect(LIS3DHSettings(mode: .highResolution, range: .g2).control4 == 0x88)
        #expect(LIS3DHSettings(mode: .normal, range: .g16).control4 == 0xB0)
        #expect(LIS3DHSettings(mode: .lowPower, range: .g8).control4 == 0xA0)
    }

    @Test("table 10 turn-on: 1 ms low-power, 1.6 ms normal, 7/ODR high resolution; never less than one period")
    func turnOn() {
        #expect(LIS3DHSettings(mode: .highResolution, dataRate: .hz100).startUpTime == .milliseconds(77))
        #expect(LIS3DHSettings(mode: .normal, dataRate: .hz1344).startUpTime >= .microseconds(1_600))
        #expect(LIS3DHSettings(mode: .lowPower, dataRate: .hz5376).startUpTime >= .microseconds(1_000))
        #expect(LIS3DHSettings(mode: .normal, dataRate: .hz10).startUpTime >= .milliseconds(100))
    }
}

@Suite("LIS3DH driver over scripted buses", .scriptsMustFinish)
struct LIS3DHScriptedTests {
    @Test("I2C: WHO_AM_I, CTRL_REG1...4 in one write with the auto-increment bit (0xA0), 7/ODR, one 6-byte read from 0xA8")
    func i2cSequence() async throws {
        let clock = SimulatedClock()
        let script: [ScriptedI2CBus.Expectation] = [
            .readRegisters(address, 0x0F, reply: [0x33]),
            .write(address, [0xA0, 0x57, 0x00, 0x00, 0x88]),
            .readRegisters(address, 0xA8, reply: [0xE0, 0x15, 0x00, 0x00, 0x20, 0xEA]),
        ]
        let (sample, times) = try await ScriptedI2CBus.withScript(script) { scripted in
            let bus = TimestampingI2CBus(scripted, clock: clock)
            let sensor = LIS3DH(bus: bus, address: address, clock: clock)
            try await sensor.start()
            return (try await sensor.measure(), bus.times)
        }
        #expect(close(sample.acceleration[0], 0.350 * g0) && sample.acceleration[1] == 0 && close(sample.acceleration[2], -0.350 * g0))
        // High resolution at 100 Hz: 7/ODR = 70 ms.
        #expect(times[2] - times[1] >= .milliseconds(70))
    }

    @Test("SPI: reads 0x80 | MS 0x40 | address, the configuration write MS | 0x20, one frame each")
    func spiSequence() async throws {
        let sample = try await ScriptedSPIDevice.withScript([
            .writeRead([0x8F], reply: [0x33]),
            .write([0x60, 0x3F, 0x00, 0x00, 0xA0]),
            .writeRead([0xE8], reply: [0x00, 0x20, 0x00, 0xE0, 0x00, 0x10]),
        ]) { device in
            let sensor = LIS3DH(spi: device, settings: LIS3DHSettings(mode: .lowPower, range: .g8, dataRate: .hz25),
                                clock: SimulatedClock())
            try await sensor.start()
            return try await sensor.measure()
        }
        // Low-power ±8 g: 64 mg/digit; 0x20 = 32, 0xE0 = -32, 0x10 = 16 digits.
        #expect(close(sample.acceleration[0], 2.048 * g0))
        #expect(close(sample.acceleration[1], -2.048 * g0))
        #expect(close(sample.acceleration[2], 1.024 * g0))
    }

    @Test("another WHO_AM_I is .badData naming the part; a rate the mode lacks is refused before any transaction")
    func wrongIDAndRate() async throws {
        try await ScriptedI2CBus.withScript([.readRegisters(address, 0x0F, reply: [0x3F])]) { bus in
            let error = await #expect(throws: HALError.self) {
                try await LIS3DH(bus: bus, address: address, clock: SimulatedClock()).start()
            }
            #expect(error?.detail == "expected WHO_AM_I 0x33 (LIS3DH), found LIS3DSH (0x3F)")
        }
        try await ScriptedI2CBus.withScript([]) { bus in
            let settings = LIS3DHSettings(mode: .lowPower, dataRate: .hz1344)
            let error = await #expect(throws: HALError.self) {
                try await LIS3DH(bus: bus, address: address, settings: settings, clock: SimulatedClock()).start()
            }
            #expect(error?.kind == .invalidArgument)
        }
    }
}

@Suite("LIS3DH driver over the simulated chip")
struct LIS3DHSimulatedTests {
    static let acceleration = [1.5, -4, g0]

    static func check(_ sample: LIS3DHSample, _ settings: LIS3DHSettings) {
        let digit = settings.range.milligPerDigit(settings.mode) / 1000 * g0
        for axis in 0..<3 {
            #expect(abs(sample.acceleration[axis] - acceleration[axis]) <= digit / 2 + 1e-12, "\(settings) \(axis)")
        }
    }

    @Test("I2C and SPI, every mode and range: within half a digit; 2 transactions to start, 1 per sample")
    func endToEnd() async throws {
        for mode in LIS3DHMode.allCases {
            for range in LIS3DHRange.allCases {
                let settings = LIS3DHSettings(mode: mode, range: range, dataRate: .hz400)
                let clock = SimulatedClock()
                let bus = SimulatedI2CBus(clock: clock)
                let chip = SimulatedLIS3DH(clock: clock)
                chip.acceleration = Self.acceleration
                bus.attach(chip, at: address)
                let sensor = LIS3DH(bus: bus, address: address, settings: settings, clock: clock)
                try await sensor.start()
                #expect(bus.transactionCount == 2)
                #expect(chip.register(0x20) == settings.control1 && chip.register(0x23) == settings.control4)
                bus.resetCounters()
                Self.check(try await sensor.measure(), settings)
                #expect(bus.transactionCount == 1)

                let spiChip = SimulatedLIS3DH(clock: clock)
                spiChip.acceleration = Self.acceleration
                let spiSensor = LIS3DH(spi: spiChip, settings: settings, clock: clock)
                try await spiSensor.start()
                #expect(spiChip.spiTransactionCount == 2)
                #expect(spiChip.register(0x20) == settings.control1 && spiChip.register(0x23) == settings.control4)
                Self.check(try await spiSensor.measure(), settings)
                #expect(spiChip.spiTransactionCount == 3)
            }
        }
    }

    @Test("in power-down the outputs read 0; at 1 Hz the driver waits a whole period before the first sample")
    func firstSample() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedLIS3DH(clock: clock)
        bus.attach(chip, at: address)
        #expect(try await bus.readRegisters(address: address, register: 0xA8, count: 6) == [0, 0, 0, 0, 0, 0])
        let timed = TimestampingI2CBus(bus, clock: clock)
        let sensor = LIS3DH(bus: timed, address: address, settings: LIS3DHSettings(mode: .normal, dataRate: .hz1), clock: clock)
        try await sensor.start()
        let sample = try await sensor.measure()
        #expect(timed.times[2] - timed.times[1] >= .seconds(1))
        #expect(close(sample.acceleration[2], g0, 0.004 * g0))
    }

    @Test("fault sweep on I2C and SPI: any one failed transaction is a typed error, never a reading")
    func faultSweep() async throws {
        for index in 0..<3 {
            for kind in HALError.Kind.allCases {
                let bus = SimulatedI2CBus()
                bus.attach(SimulatedLIS3DH(), at: address)
                let sensors = [LIS3DH(bus: FailOneTransactionBus(bus, failing: index, with: kind), address: address, clock: SimulatedClock()),
                               LIS3DH(spi: FailOneSPITransaction(SimulatedLIS3DH(), failing: index, with: kind), clock: SimulatedClock())]
                for sensor in sensors {
                    do {
                        try await sensor.start()
                        let sample = try await sensor.measure()
                        Issue.record("transaction \(index) \(kind) gave \(sample)")
                    } catch let error as HALError {
                        #expect(error.kind == kind, "transaction \(index): \(error)")
                    } catch {
                        Issue.record("transaction \(index) \(kind): untyped \(error)")
                    }
                }
            }
        }
    }
}

@Suite("LIS3DH as a sensor kind")
struct LIS3DHKindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    static func yaml(_ extra: [String]) -> String {
        (["gateway:", "  id: gw", "board: simulated", "sensors:", "  - id: acc", "    type: lis3dh",
          "    i2c: { bus: 1, address: 0x18 }"] + extra
            + ["storage:", "  path: outbox.sqlite", "mqtt:", "  host: localhost", "  tls: false", ""])
            .joined(separator: "\n")
    }

    static func parse(_ extra: String...) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: yaml(extra), file: "sensorgw.yaml", baseDirectory: "/tmp",
                                       kinds: SensorRegistry.builtIn.catalog)
    }

    static func error(_ extra: String...) -> String {
        do {
            _ = try GatewayConfiguration.parse(yaml: yaml(extra), file: "sensorgw.yaml", baseDirectory: "/tmp",
                                               kinds: SensorRegistry.builtIn.catalog)
            return "parsed"
        } catch {
            return error.description
        }
    }

    @Test("registered as lis3dh on I2C at 0x18 and SPI, acceleration in m/s2")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "lis3dh"))
        #expect(kind.buses == [.i2c, .spi])
        #expect(kind.defaultI2CAddress == I2CAddress(0x18))
        #expect(kind.quantities.map(\.quantity) == ["acceleration_x", "acceleration_y", "acceleration_z"])
        // High resolution ±2 g: 2048 digits of 1 mg.
        #expect(kind.quantities.first?.validRange == -2.048 * g0...2.048 * g0)
        let units = LIS3DHSample(acceleration: [1, 2, 3]).readings(sensorID: "acc", at: stamp).map(\.unit.rawValue)
        #expect(units == ["m/s2", "m/s2", "m/s2"])
    }

    @Test("validation keeps the extreme counts of every mode and range")
    func validation() {
        for mode in LIS3DHMode.allCases {
            for range in LIS3DHRange.allCases {
                let settings = LIS3DHSettings(mode: mode, range: range, dataRate: .hz10)
                var pipeline = LIS3DHKind().pipeline(for: .init(id: "acc", kind: "lis3dh", bus: .none,
                                                                options: LIS3DHKind.Options(settings: settings)))
                for (low, high) in [(UInt8(0x00), UInt8(0x80)), (0xFF, 0x7F)] {
                    let value = settings.acceleration(low: low, high: high)
                    let readings = LIS3DHSample(acceleration: [value, value, value]).readings(sensorID: "acc", at: stamp)
                    #expect(pipeline.process(readings).passed == readings, "\(mode) \(range) \(value)")
                }
            }
        }
    }

    @Test("options decode; bad values and a rate the mode lacks name file, line and key")
    func options() throws {
        let parsed = try Self.parse("    range: 16", "    mode: low_power", "    data_rate: 5376")
        let expected = LIS3DHKind.Options(settings: LIS3DHSettings(mode: .lowPower, range: .g16, dataRate: .hz5376))
        #expect(parsed.sensors[0].options.isEqual(to: expected))
        #expect(try Self.parse().sensors[0].options.isEqual(to: LIS3DHKind.Options()))
        #expect(Self.error("    range: 3") == "sensorgw.yaml:8:12: sensors[0].range: expected 2, 4, 8 or 16 (g)")
        #expect(Self.error("    mode: fast")
                == "sensorgw.yaml:8:11: sensors[0].mode: unknown value 'fast'; expected one of: low_power, normal, high_resolution")
        #expect(Self.error("    data_rate: 1344", "    mode: low_power")
                == "sensorgw.yaml:8:16: sensors[0].data_rate: 1344 Hz is not available in low_power mode (1344 needs normal or high_resolution; 1620 and 5376 need low_power)")
    }

    @Test("the simulated board hosts it on I2C and SPI: lying flat")
    func simulatedBoard() async throws {
        let configurations = [
            GatewayConfiguration.SensorConfiguration(id: "a", kind: "lis3dh", bus: .i2c(bus: 1, address: address)),
            GatewayConfiguration.SensorConfiguration(id: "b", kind: "lis3dh", bus: .spi(device: "/dev/spidev0.1", configuration: SPIConfiguration()),
                                                     options: LIS3DHKind.Options(settings: LIS3DHSettings(mode: .normal, range: .g4))),
        ]
        let board = SimulatedBoard(sensors: configurations, registry: .builtIn)
        #expect(try await board.i2cBus(1).scan() == [address])
        for configuration in configurations {
            let sensor = LIS3DHKind().makeSensor(configuration, board: board)
            try await sensor.prepare()
            let readings = try await sensor.measure(at: stamp)
            #expect(readings.map(\.unit.rawValue) == ["m/s2", "m/s2", "m/s2"])
            #expect(abs(readings[2].numberOrNaN - g0) < 0.01 * g0, "\(readings[2])")
        }
    }
}
