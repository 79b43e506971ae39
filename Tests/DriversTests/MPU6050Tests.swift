import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Registers and values restated from InvenSense RM-MPU-6000A-00 rev 4.2 (register map:
// CONFIG 4.3, GYRO_CONFIG 4.4, ACCEL_CONFIG 4.5, data 4.17-4.19, PWR_MGMT_1 4.28, WHO_AM_I 4.32)
// and PS-MPU-6000A-00 rev 3.4 (sensitivities 6.1/6.2, temperature sensor 6.3) so a wrong
// driver constant cannot pass its own test.
private let whoAmIRegister: UInt8 = 0x75
private let configRegister: UInt8 = 0x1A
private let powerManagement1: UInt8 = 0x6B
private let accelXOutHigh: UInt8 = 0x3B
private let address = I2CAddress(0x68)!
private let g0 = 9.80665

private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) < tolerance }

@Suite("MPU6050 register map arithmetic")
struct MPU6050DatasheetTests {
    @Test("PS 6.2: 16384 / 8192 / 4096 / 2048 LSB/g; AFS_SEL in ACCEL_CONFIG bits 4:3")
    func accelerometer() {
        let table: [(MPU6050AccelRange, Double, UInt8)] = [(.g2, 16_384, 0x00), (.g4, 8_192, 0x08), (.g8, 4_096, 0x10), (.g16, 2_048, 0x18)]
        for (range, lsbPerG, register) in table {
            #expect(range.countsPerG == lsbPerG)
            #expect(range.registerValue == register)
            let raw = MPU6050RawSample(accel: (Int16(lsbPerG), 0, -Int16(lsbPerG)), temperature: 0, gyro: (0, 0, 0))
            let sample = MPU6050Sample(raw, accelRange: range, gyroRange: .dps250)
            #expect(close(sample.acceleration[0], g0) && sample.acceleration[1] == 0 && close(sample.acceleration[2], -g0))
        }
    }

    @Test("PS 6.1: 131 / 65.5 / 32.8 / 16.4 LSB/(°/s); FS_SEL in GYRO_CONFIG bits 4:3; readings in rad/s")
    func gyroscope() {
        let table: [(MPU6050GyroRange, Double, UInt8)] = [(.dps250, 131, 0x00), (.dps500, 65.5, 0x08),
                                                          (.dps1000, 32.8, 0x10), (.dps2000, 16.4, 0x18)]
        for (range, lsb, register) in table {
            #expect(range.countsPerDegreePerSecond == lsb)
            #expect(range.registerValue == register)
            // 10 °/s worth of counts.
            let raw = MPU6050RawSample(accel: (0, 0, 0), temperature: 0, gyro: (Int16((10 * lsb).rounded()), 0, 0))
            let sample = MPU6050Sample(raw, accelRange: .g2, gyroRange: range)
            #expect(close(sample.angularVelocity[0], 10 * Double.pi / 180, 1e-3), "\(range)")
        }
    }

    @Test("RM 4.18: °C = TEMP_OUT / 340 + 36.53; PS 6.3: -521 LSB at 35 °C")
    func temperature() {
        #expect(MPU6050Sample.celsius(0) == 36.53)
        #expect(close(MPU6050Sample.celsius(-521), 35, 0.01))
        #expect(close(MPU6050Sample.celsius(340), 37.53))
    }

    @Test("the 14-byte block: big-endian signed accel x/y/z, TEMP_OUT, gyro x/y/z")
    func dataBlock() throws {
        let bytes: [UInt8] = [0x40, 0x00, 0x00, 0x01, 0xC0, 0x00, 0xFD, 0xF7, 0x00, 0x83, 0xFF, 0x7D, 0x80, 0x00]
        let raw = try MPU6050RawSample(dataBlock: bytes)
        #expect(raw == MPU6050RawSample(accel: (16_384, 1, -16_384), temperature: -521, gyro: (131, -131, -32_768)))
        #expect(throws: HALError.self) { try MPU6050RawSample(dataBlock: Array(bytes.prefix(13))) }
    }
}

@Suite("MPU6050 driver over a scripted bus", .scriptsMustFinish)
struct MPU6050ScriptedTests {
    @Test("start: WHO_AM_I, CONFIG/GYRO_CONFIG/ACCEL_CONFIG in one write, PWR_MGMT_1 = 0x01, 30 ms; a sample is one burst")
    func sequence() async throws {
        let clock = SimulatedClock()
        let block: [UInt8] = [0x10, 0x00, 0x00, 0x00, 0xF0, 0x00, 0xFD, 0xF7, 0x00, 0x21, 0x00, 0x00, 0x00, 0x00]
        let script: [ScriptedI2CBus.Expectation] = [
            .readRegisters(address, whoAmIRegister, reply: [0x68]),
            // DLPF_CFG 3 (44 Hz), FS_SEL 2 (±1000 °/s), AFS_SEL 2 (±8 g).
            .write(address, [configRegister, 0x03, 0x10, 0x10]),
            .write(address, [powerManagement1, 0x01]),
            .readRegisters(address, accelXOutHigh, reply: block),
        ]
        let (sample, times) = try await ScriptedI2CBus.withScript(script) { scripted in
            let bus = TimestampingI2CBus(scripted, clock: clock)
            let sensor = MPU6050(bus: bus, address: address, accelRange: .g8, gyroRange: .dps1000, lowPassFilter: .hz44,
                                 clock: clock)
            try await sensor.start()
            return (try await sensor.measure(), bus.times)
        }
        // 0x1000 = 4096 = 1 g at ±8 g; 0xF000 = -1 g; 0x21 = 33 counts = 33 / 32.8 °/s.
        #expect(close(sample.acceleration[0], g0) && close(sample.acceleration[2], -g0))
        #expect(close(sample.angularVelocity[0], 33 / 32.8 * Double.pi / 180))
        #expect(close(sample.temperatureCelsius, -521.0 / 340 + 36.53))
        // Gyro start-up 30 ms (PS 6.1) plus the 44 Hz filter's 4.9 ms accelerometer delay (RM 4.3).
        #expect(times[3] - times[2] >= .microseconds(34_900))
    }

    @Test("another WHO_AM_I is .badData naming the part found")
    func wrongID() async throws {
        for (id, found) in [(UInt8(0x70), "found MPU-6500 (0x70)"), (0x12, "found 0x12, not an InvenSense id this build knows")] {
            try await ScriptedI2CBus.withScript([.readRegisters(address, whoAmIRegister, reply: [id])]) { bus in
                let error = await #expect(throws: HALError.self) {
                    try await MPU6050(bus: bus, address: address, clock: SimulatedClock()).start()
                }
                #expect(error?.kind == .badData)
                #expect(error?.detail == "expected WHO_AM_I 0x68 (MPU-6000/6050), \(found)")
            }
        }
    }
}

@Suite("MPU6050 driver over the simulated chip")
struct MPU6050SimulatedTests {
    static let environment = SimulatedMPU6050.Environment(acceleration: [1.5, -4, g0], angularVelocity: [0.5, -1, 0.1],
                                                          temperatureCelsius: 30)

    @Test("every range reads the environment within one count: 3 transactions to start, 1 per sample")
    func endToEnd() async throws {
        for accel in MPU6050AccelRange.allCases {
            for gyro in MPU6050GyroRange.allCases {
                let clock = SimulatedClock()
                let bus = SimulatedI2CBus(clock: clock)
                let chip = SimulatedMPU6050(clock: clock)
                chip.environment = Self.environment
                bus.attach(chip, at: address)
                let sensor = MPU6050(bus: bus, address: address, accelRange: accel, gyroRange: gyro, clock: clock)
                try await sensor.start()
                #expect(bus.transactionCount == 3)
                #expect(chip.register(powerManagement1) == 0x01)
                bus.resetCounters()
                let sample = try await sensor.measure()
                #expect(bus.transactionCount == 1)
                let accelLSB = g0 / [16_384.0, 8_192, 4_096, 2_048][MPU6050AccelRange.allCases.firstIndex(of: accel) ?? 0]
                let gyroLSB = Double.pi / 180 / [131, 65.5, 32.8, 16.4][MPU6050GyroRange.allCases.firstIndex(of: gyro) ?? 0]
                for axis in 0..<3 {
                    #expect(abs(sample.acceleration[axis] - Self.environment.acceleration[axis]) <= accelLSB, "\(accel) \(axis)")
                    #expect(abs(sample.angularVelocity[axis] - Self.environment.angularVelocity[axis]) <= gyroLSB, "\(gyro) \(axis)")
                }
                #expect(abs(sample.temperatureCelsius - 30) <= 1.0 / 340)
            }
        }
    }

    @Test("asleep after power-up the data reads 0; the driver wakes it and waits out start-up")
    func startUp() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedMPU6050(clock: clock)
        bus.attach(chip, at: address)
        #expect(try await bus.readRegisters(address: address, register: powerManagement1, count: 1) == [0x40])
        #expect(try await bus.readRegisters(address: address, register: accelXOutHigh, count: 14) == [UInt8](repeating: 0, count: 14))
        let sensor = MPU6050(bus: bus, address: address, clock: clock)
        try await sensor.start()
        #expect(close(try await sensor.measure().acceleration[2], g0, g0 / 16_384))
    }

    @Test("fault sweep: any one failed transaction of start + measure is a typed error, never a reading")
    func faultSweep() async throws {
        for index in 0..<4 {
            for kind in HALError.Kind.allCases {
                let bus = SimulatedI2CBus()
                bus.attach(SimulatedMPU6050(), at: address)
                let sensor = MPU6050(bus: FailOneTransactionBus(bus, failing: index, with: kind), address: address,
                                     clock: SimulatedClock())
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

    @Test("a chip reset to sleep (all data 0) is .badData; start() again wakes it")
    func resetToSleep() async throws {
        let bus = SimulatedI2CBus()
        let chip = SimulatedMPU6050()
        bus.attach(chip, at: address)
        let sensor = MPU6050(bus: bus, address: address, clock: SimulatedClock())
        try await sensor.start()
        _ = try await sensor.measure()
        // SLEEP set, PWR_MGMT_1's value after power-up (RM 4.28).
        try await bus.write(address: address, [powerManagement1, 0x40])
        let error = await #expect(throws: HALError.self) { try await sensor.measure() }
        #expect(error?.kind == .badData)
        #expect(error?.detail == "all 14 data bytes are 0: the chip is asleep or was reset")
        try await sensor.start()
        #expect(close(try await sensor.measure().acceleration[2], g0, g0 / 16_384))
    }

    @Test("a short burst is .badData")
    func shortRead() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedMPU6050(), at: address)
        let sensor = MPU6050(bus: bus, address: address, clock: SimulatedClock())
        try await sensor.start()
        bus.shortReadNext(returning: 6)
        let error = await #expect(throws: HALError.self) { try await sensor.measure() }
        #expect(error?.kind == .badData)
    }
}

@Suite("MPU6050 as a sensor kind")
struct MPU6050KindTests {
    let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

    static func yaml(_ extra: [String]) -> String {
        (["gateway:", "  id: gw", "board: simulated", "sensors:", "  - id: imu", "    type: mpu6050",
          "    i2c: { bus: 1, address: 0x68 }"] + extra
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

    @Test("registered as mpu6050 on I2C at 0x68: m/s2, 1/s (rad/s) and Cel on every reading")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "mpu6050"))
        #expect(kind.buses == [.i2c])
        #expect(kind.defaultI2CAddress == I2CAddress(0x68))
        #expect(kind.quantities.map(\.quantity) == ["acceleration_x", "acceleration_y", "acceleration_z", "angular_velocity_x",
                                                "angular_velocity_y", "angular_velocity_z", "temperature"])
        #expect(kind.quantities.first?.validRange == -2 * g0...2 * g0)
        let sample = MPU6050Sample(MPU6050RawSample(accel: (1, 2, 3), temperature: 4, gyro: (5, 6, 7)), accelRange: .g2,
                                   gyroRange: .dps250)
        let units = sample.readings(sensorID: "imu", at: stamp).map(\.unit.rawValue)
        #expect(units == ["m/s2", "m/s2", "m/s2", "1/s", "1/s", "1/s", "Cel"])
        for unit in Set(units) { #expect(SenMLUnitRegistry.isRegistered(SenMLUnit(rawValue: unit))) }
    }

    @Test("validation keeps every full-scale count at every range and drops what the chip cannot report")
    func validation() {
        for accel in MPU6050AccelRange.allCases {
            for gyro in MPU6050GyroRange.allCases {
                let options = MPU6050Kind.Options(accelRange: accel, gyroRange: gyro)
                var pipeline = MPU6050Kind().pipeline(for: .init(id: "imu", kind: "mpu6050", bus: .none, options: options))
                for count in [Int16.min, Int16.max] {
                    let raw = MPU6050RawSample(accel: (count, count, count), temperature: 0, gyro: (count, count, count))
                    let readings = MPU6050Sample(raw, accelRange: accel, gyroRange: gyro).readings(sensorID: "imu", at: stamp)
                    #expect(pipeline.process(readings).passed == readings, "\(accel) \(gyro) \(count)")
                }
                // 90 °C is beyond the specified -40...85 °C.
                let hot = Reading(sensorID: "imu", quantity: "temperature", value: 90, unit: .celsius, timestamp: stamp)
                #expect(pipeline.process([hot]).dropped.map(\.reason) == ["out_of_range"])
            }
        }
    }

    @Test("options decode; bad values name file, line and key")
    func options() throws {
        let parsed = try Self.parse("    accel_range: 16", "    gyro_range: 2000", "    dlpf: 5")
        let expected = MPU6050Kind.Options(accelRange: .g16, gyroRange: .dps2000, lowPassFilter: .hz5)
        #expect(parsed.sensors[0].options.isEqual(to: expected))
        // The most negative count over PS 6.1's 16.4 LSB/(°/s), in rad/s: the rounded sensitivity
        // makes it 1998 °/s rather than 2000.
        #expect(close(MPU6050Kind().quantities(for: expected)[3].validRange?.upperBound ?? 0, 32_768 / 16.4 * Double.pi / 180))
        #expect(try Self.parse().sensors[0].options.isEqual(to: MPU6050Kind.Options()))
        #expect(Self.error("    accel_range: 3") == "sensorgw.yaml:8:18: sensors[0].accel_range: expected 2, 4, 8 or 16 (g)")
        #expect(Self.error("    gyro_range: 300") == "sensorgw.yaml:8:17: sensors[0].gyro_range: expected 250, 500, 1000 or 2000 (°/s)")
        #expect(Self.error("    dlpf: 100") == "sensorgw.yaml:8:11: sensors[0].dlpf: expected 260, 184, 94, 44, 21, 10 or 5 (Hz)")
    }

    @Test("the simulated board hosts it: lying flat, still, at the weather's temperature")
    func simulatedBoard() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(id: "imu", kind: "mpu6050", bus: .i2c(bus: 1, address: address))
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn)
        #expect(try await board.i2cBus(1).scan() == [address])
        let sensor = MPU6050Kind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        #expect(readings.count == 7)
        #expect(abs(readings[2].numberOrNaN - g0) < 0.001, "\(readings[2])")
        #expect(readings[3].numberOrNaN == 0)
        // The simulated weather swings over 19.5...23.5 °C.
        #expect(readings[6].numberOrNaN >= 19.4 && readings[6].numberOrNaN <= 23.6, "\(readings[6])")
    }
}
