import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

// Registers and fields restated from the TI ADS1115 datasheet (SBAS444), so a wrong driver
// constant cannot pass its own test.
private let address = I2CAddress(0x48)!                 // ADDR to GND (Table 8-4)
private let pointerConversion: UInt8 = 0x00             // 8.6.1: P[1:0] = 00b
private let pointerConfig: UInt8 = 0x01                 // 8.6.1: P[1:0] = 01b
/// Config AIN0/GND, ±4.096 V, single-shot, 128 SPS, comparator off (8.6.3):
/// OS 1, MUX 100b, PGA 001b, MODE 1, DR 100b, COMP 0 0 0 11b = 1100 0011 1000 0011.
private let configAIN0at4V: [UInt8] = [0xC3, 0x83]
/// The same with OS read back as 1 (done).
private let doneAIN0at4V: [UInt8] = [0xC3, 0x83]
/// The same with OS read back as 0 (converting).
private let busyAIN0at4V: [UInt8] = [0x43, 0x83]

private func combinedRead(_ config: [UInt8], _ result: [UInt8]) -> ScriptedI2CBus.Expectation {
    .init(address: address, operations: [.write([pointerConfig]), .read(count: 2),
                                         .write([pointerConversion]), .read(count: 2)],
          outcome: .reply([config, result]))
}

/// Forwards to a simulated bus and keeps only the first byte of a transaction's last read.
private struct ShortLastReadBus: I2CBus {
    let bus: SimulatedI2CBus
    init(_ bus: SimulatedI2CBus) { self.bus = bus }

    func transaction(address: I2CAddress, _ operations: [I2COperation]) async throws -> [[UInt8]] {
        var replies = try await bus.transaction(address: address, operations)
        if let last = replies.indices.last { replies[last] = Array(replies[last].prefix(1)) }
        return replies
    }
}

private let stamp = Timestamp(wallSeconds: 1, monotonicNanoseconds: 2, clockSynchronized: true)

@Suite("ADS1115 datasheet arithmetic")
struct ADS1115DatasheetTests {
    @Test("config words: the reset value and the fields MUX, PGA, MODE, DR, COMP_QUE (8.6.3)")
    func configWords() {
        // AIN0-AIN1, ±2.048 V, single-shot, 128 SPS, comparator off is the reset value 8583h
        // with OS = 1.
        #expect(ADS1115ChannelSettings(input: .ain0MinusAin1, fullScale: .volts2_048).configWord(dataRate: .sps128) == 0x8583)
        #expect(ADS1115ChannelSettings(input: .ain0, fullScale: .volts4_096).configWord(dataRate: .sps128) == 0xC383)
        // AIN3/GND 111b, ±0.256 V 101b, 860 SPS 111b: 1111 1011 1110 0011.
        #expect(ADS1115ChannelSettings(input: .ain3, fullScale: .volts0_256).configWord(dataRate: .sps860) == 0xFBE3)
        // AIN2-AIN3 011b, ±6.144 V 000b, 8 SPS 000b: 1011 0001 0000 0011.
        #expect(ADS1115ChannelSettings(input: .ain2MinusAin3, fullScale: .volts6_144).configWord(dataRate: .sps8) == 0xB103)
    }

    @Test("LSB = FSR / 2^15 and the output codes of Table 8-2")
    func codes() {
        // Table 8-1: 187.5, 125, 62.5, 31.25, 15.625, 7.8125 µV.
        let lsbMicrovolts: [ADS1115FullScale: Double] = [.volts6_144: 187.5, .volts4_096: 125, .volts2_048: 62.5,
                                                         .volts1_024: 31.25, .volts0_512: 15.625, .volts0_256: 7.8125]
        for (range, microvolts) in lsbMicrovolts {
            #expect(abs(range.voltsPerCount * 1e6 - microvolts) < 1e-9, "\(range)")
        }
        let channel = ADS1115ChannelSettings(input: .ain0MinusAin1, fullScale: .volts2_048)
        // Table 8-2 at ±2.048 V: 7FFFh = +FS(2^15-1)/2^15, 0001h = +FS/2^15, 0, FFFFh = -FS/2^15, 8000h = -FS.
        #expect(abs(channel.volts(code: 0x7FFF) - 2.048 * 32_767 / 32_768) < 1e-12)
        #expect(channel.volts(code: 0x0001) == 62.5e-6)
        #expect(channel.volts(code: 0x0000) == 0)
        #expect(channel.volts(code: 0xFFFF) == -62.5e-6)
        #expect(channel.volts(code: 0x8000) == -2.048)
    }

    @Test("conversion time: 1 / DR plus the ±10 % data-rate tolerance, rounded up")
    func conversionTime() {
        // 1.1 / 8 s = 137.5 ms; 1.1 / 128 s = 8593.75 µs; 1.1 / 860 s = 1279.07 µs.
        #expect(ADS1115DataRate.sps8.maximumConversionTime == .microseconds(137_500))
        #expect(ADS1115DataRate.sps128.maximumConversionTime == .microseconds(8_594))
        #expect(ADS1115DataRate.sps860.maximumConversionTime == .microseconds(1_280))
        #expect(ADS1115DataRate.allCases.map(\.samplesPerSecond) == [8, 16, 32, 64, 128, 250, 475, 860])
        #expect(ADS1115DataRate.allCases.map(\.rawValue) == Array(0...7))
    }

    @Test("two-point scaling of a soil probe and a 4-20 mA loop through a shunt")
    func scaling() throws {
        let soil = AnalogScaling(quantity: "soil_moisture", unit: SenMLUnit(rawValue: "%"),
                                 scale: .linear(.init(raw: 2.8, calibrated: 0), .init(raw: 1.2, calibrated: 100)))
        #expect(abs(soil.value(volts: 2.0) - 50) < 1e-12)
        #expect(abs(soil.value(volts: 1.2) - 100) < 1e-12)
        // -62.5 %/V through (2.8 V, 0 %): -4.096 V maps to 431 %, +4.096 V to -81 %.
        let span = try #require(soil.rule(volts: -4.096...4.096).validRange)
        #expect(abs(span.lowerBound - -81) < 1e-9 && abs(span.upperBound - 431) < 1e-9)
        // 150 Ω: 4 mA = 0.6 V, 20 mA = 3.0 V; 0...10 bar over 4...20 mA; 12 mA = 1.8 V = 5 bar.
        let loop = AnalogScaling(quantity: "pressure", unit: .pascal, shuntOhms: 150,
                                 scale: .linear(.init(raw: 0.004, calibrated: 0), .init(raw: 0.020, calibrated: 1_000_000)))
        #expect(abs(loop.value(volts: 1.8) - 500_000) < 1e-6)
        #expect(abs(loop.value(volts: 0.6) - 0) < 1e-6)
        let current = AnalogScaling(quantity: "loop", unit: SenMLUnit(rawValue: "A"), shuntOhms: 150)
        #expect(abs(current.value(volts: 1.8) - 0.012) < 1e-15)
        #expect(current.rule(volts: -4.096...4.096).validRange == (-4.096 / 150)...(4.096 / 150))
        // A table that does not cover the voltage gives NaN (dropped by validation), never a guess.
        let table = AnalogScaling(quantity: "level", unit: SenMLUnit(rawValue: "m"),
                                  scale: .table([.init(raw: 0.5, calibrated: 0), .init(raw: 2.5, calibrated: 2)]))
        #expect(table.value(volts: 1.5) == 1)
        #expect(table.value(volts: 3).isNaN)
        #expect(table.rule(volts: 0...4).validRange == nil)
    }
}

@Suite("ADS1115 driver over a scripted bus", .scriptsMustFinish)
struct ADS1115ScriptedTests {
    @Test("check, then one conversion: config write, 8594 µs, one combined read of config and result")
    func sequence() async throws {
        let script = ScriptedI2CBus([
            .readRegisters(address, pointerConfig, reply: [0x85, 0x83]),
            .write(address, [pointerConfig] + configAIN0at4V),
            combinedRead(doneAIN0at4V, [0x20, 0x00]),
        ])
        let clock = SimulatedClock()
        let bus = TimestampingI2CBus(script, clock: clock)
        let adc = ADS1115(bus: bus, address: address, dataRate: .sps128, clock: clock)
        try await adc.check()
        let volts = try await adc.convert(ADS1115ChannelSettings(input: .ain0, fullScale: .volts4_096))
        #expect(script.finish().isEmpty, "\(script.finish())")
        #expect(volts == 8192 * 125e-6)                  // 2000h at ±4.096 V = 1.024 V
        #expect(bus.times[2] - bus.times[1] == .microseconds(8_594))
    }

    @Test("OS still 0 at the first look: polled until it reads 1")
    func stillConverting() async throws {
        let script = ScriptedI2CBus([
            .write(address, [pointerConfig] + configAIN0at4V),
            combinedRead(busyAIN0at4V, [0x00, 0x00]),
            combinedRead(doneAIN0at4V, [0xFF, 0xF0]),
        ])
        let adc = ADS1115(bus: script, address: address, clock: SimulatedClock())
        let volts = try await adc.convert(ADS1115ChannelSettings(input: .ain0, fullScale: .volts4_096))
        #expect(script.finish().isEmpty, "\(script.finish())")
        #expect(volts == -16 * 125e-6)                   // FFF0h = -16 counts
    }

    @Test("a config read back with other settings (the chip was reset) is .badData")
    func resetBetween() async throws {
        let script = ScriptedI2CBus([
            .write(address, [pointerConfig] + configAIN0at4V),
            combinedRead([0x85, 0x83], [0x12, 0x34]),
        ])
        let error = await #expect(throws: HALError.self) {
            try await ADS1115(bus: script, address: address, clock: SimulatedClock())
                .convert(ADS1115ChannelSettings(input: .ain0, fullScale: .volts4_096))
        }
        #expect(script.finish().isEmpty, "\(script.finish())")
        #expect(error?.kind == .badData)
        #expect(error?.detail?.contains("8583") == true)
    }

    @Test("an adapter that cannot combine four segments gets the two reads one by one")
    func smbusFallback() async throws {
        let script = ScriptedI2CBus([
            .write(address, [pointerConfig] + configAIN0at4V),
            .fail(address, [.write([pointerConfig]), .read(count: 2), .write([pointerConversion]), .read(count: 2)],
                  .unsupported),
            .readRegisters(address, pointerConfig, reply: doneAIN0at4V),
            .readRegisters(address, pointerConversion, reply: [0x7F, 0xFF]),
        ])
        let volts = try await ADS1115(bus: script, address: address, clock: SimulatedClock())
            .convert(ADS1115ChannelSettings(input: .ain0, fullScale: .volts4_096))
        #expect(script.finish().isEmpty, "\(script.finish())")
        #expect(volts == 32_767 * 125e-6)
    }

    @Test("a short read is .badData; an absent chip is an address NACK")
    func shortAndAbsent() async throws {
        // A scripted reply must fit its reads, so the short one comes from a bus that cuts the
        // conversion register's read to one byte.
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedADS1115(), at: address)
        let error = await #expect(throws: HALError.self) {
            try await ADS1115(bus: ShortLastReadBus(bus), address: address, clock: SimulatedClock())
                .convert(ADS1115ChannelSettings(input: .ain0, fullScale: .volts4_096))
        }
        #expect(error?.kind == .badData)
        let absent = ScriptedI2CBus([.fail(address, [.write([pointerConfig]), .read(count: 2)], .addressNACK)])
        let missing = await #expect(throws: HALError.self) {
            try await ADS1115(bus: absent, address: address, clock: SimulatedClock()).check()
        }
        #expect(absent.finish().isEmpty, "\(absent.finish())")
        #expect(missing?.kind == .addressNACK)
    }
}

@Suite("ADS1115 driver over the simulated chip")
struct ADS1115SimulatedTests {
    @Test("voltages read back within half an LSB at every range, single-ended and differential")
    func endToEnd() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedADS1115(clock: clock)        // takes the nominal 1 / DR
        chip.inputVolts = [1.234_5, 0.2, 0.05, 0.3]
        bus.attach(chip, at: address)
        let adc = ADS1115(bus: bus, address: address, dataRate: .sps860, clock: clock)
        let cases: [(ADS1115Input, ADS1115FullScale, Double)] = [
            (.ain0, .volts6_144, 1.234_5), (.ain0, .volts2_048, 1.234_5), (.ain1, .volts0_256, 0.2),
            (.ain0MinusAin1, .volts2_048, 1.034_5), (.ain2MinusAin3, .volts0_512, -0.25), (.ain1MinusAin3, .volts0_256, -0.1),
        ]
        for (input, range, expected) in cases {
            let volts = try await adc.convert(ADS1115ChannelSettings(input: input, fullScale: range))
            #expect(abs(volts - expected) <= range.volts / 65_536 + 1e-12, "\(input) \(range)")
        }
        // Beyond the range the code saturates at 7FFFh.
        let clipped = try await adc.convert(ADS1115ChannelSettings(input: .ain0, fullScale: .volts0_512))
        #expect(abs(clipped - 0.512 * 32_767 / 32_768) < 1e-12)
    }

    @Test("a chip up to 10 % slow is still read, by polling OS; one that never finishes is .timeout")
    func slowAndStuck() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        let chip = SimulatedADS1115(clock: clock)
        chip.inputVolts = [1, 0, 0, 0]
        bus.attach(chip, at: address)
        let adc = ADS1115(bus: bus, address: address, dataRate: .sps8, clock: clock)
        chip.conversionDuration = .milliseconds(138)    // 0.5 ms after the driver's first look
        let volts = try await adc.convert(ADS1115ChannelSettings(input: .ain0, fullScale: .volts4_096))
        #expect(abs(volts - 1) <= 62.5e-6)
        chip.neverFinishes = true
        let start = clock.elapsed
        let error = await #expect(throws: HALError.self) {
            try await adc.convert(ADS1115ChannelSettings(input: .ain0, fullScale: .volts4_096))
        }
        #expect(error?.kind == .timeout)
        // It gave up after the deadline (137.5 ms + 2 ms), not before, and not long after.
        #expect(clock.elapsed - start >= .microseconds(139_500))
        #expect(clock.elapsed - start <= .microseconds(140_500))
    }

    @Test("the fewest transactions: 1 to check, 2 per channel per sample")
    func transactionCount() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedADS1115(), at: address)
        let sensor = ADS1115Sensor(adc: ADS1115(bus: bus, address: address, clock: SimulatedClock()),
                                   channels: ADS1115Kind.Options().channels)
        try await sensor.prepareForSampling()
        #expect(bus.transactionCount == 1)
        bus.resetCounters()
        let readings = try await sensor.sample(sensorID: "adc", at: stamp)
        #expect(readings.count == 4)
        #expect(bus.transactionCount == 8)
    }

    @Test("fault sweep: any one failed transaction of check + a two-channel sample is a typed error")
    func faultSweep() async throws {
        let channels = [ADS1115Channel(input: .ain0), ADS1115Channel(input: .ain1MinusAin3, fullScale: .volts0_256)]
        let total = 5  // check, then (write config, combined read) per channel
        for index in 0..<total {
            for kind in HALError.Kind.allCases {
                let bus = SimulatedI2CBus()
                let chip = SimulatedADS1115()
                chip.inputVolts = [1, 0.1, 0, 0.05]
                bus.attach(chip, at: address)
                let failing = FailOneTransactionBus(bus, failing: index, with: kind)
                let sensor = ADS1115Sensor(adc: ADS1115(bus: failing, address: address, clock: SimulatedClock()),
                                           channels: channels)
                do {
                    try await sensor.prepareForSampling()
                    let readings = try await sensor.sample(sensorID: "adc", at: stamp)
                    // Only a combined read refused as unsupported recovers, through single reads.
                    let combinedRead = index == 2 || index == 4
                    #expect(kind == .unsupported && combinedRead, "transaction \(index) \(kind) gave \(readings)")
                    #expect(abs(readings[0].numberOrNaN - 1) <= 125e-6 && abs(readings[1].numberOrNaN - 0.05) <= 7.8125e-6)
                } catch let error as HALError {
                    #expect(error.kind == kind, "transaction \(index): \(error)")
                } catch {
                    Issue.record("transaction \(index) \(kind): untyped \(error)")
                }
            }
        }
    }
}

@Suite("ADS1115 as a sensor kind")
struct ADS1115KindTests {
    @Test("registered as ads1115 on I2C at 0x48; by default four voltages ain0...ain3 in V within ±4.096 V")
    func registered() throws {
        let kind = try #require(SensorRegistry.builtIn.kind(named: "ads1115"))
        #expect(kind.buses == [.i2c])
        #expect(kind.defaultI2CAddress == I2CAddress(0x48))
        #expect(kind.optionKeys == ["data_rate", "channels"])
        #expect(kind.quantities.map(\.quantity) == ["ain0", "ain1", "ain2", "ain3"])
        #expect(kind.quantities.allSatisfy { $0.unit.rawValue == "V" && $0.validRange == -4.096...4.096 })
    }

    @Test("configured channels become the sensor's quantities; validation drops a table miss as not_finite")
    func scaledReadings() async throws {
        let soil = ADS1115Channel(input: .ain0, scaling: AnalogScaling(
            quantity: "soil_moisture", unit: SenMLUnit(rawValue: "%"),
            scale: .table([.init(raw: 1.2, calibrated: 100), .init(raw: 2.8, calibrated: 0)]), range: 0...100))
        let loop = ADS1115Channel(input: .ain3, scaling: AnalogScaling(quantity: "loop_current", unit: SenMLUnit(rawValue: "A"),
                                                                       shuntOhms: 150))
        let options = ADS1115Kind.Options(dataRate: .sps860, channels: [soil, loop])
        let bus = SimulatedI2CBus()
        let chip = SimulatedADS1115()
        chip.inputVolts = [2.0, 0, 0, 1.8]
        bus.attach(chip, at: address)
        let sensor = ADS1115Sensor(adc: ADS1115(bus: bus, address: address, dataRate: .sps860, clock: SimulatedClock()),
                                   channels: options.channels)
        let readings = try await sensor.sample(sensorID: "field", at: stamp)
        #expect(readings.map(\.quantity) == ["soil_moisture", "loop_current"])
        #expect(readings.map(\.unit.rawValue) == ["%", "A"])
        #expect(abs(readings[0].numberOrNaN - 50) < 0.01)      // 2.0 V halfway between 2.8 V (0 %) and 1.2 V (100 %)
        #expect(abs(readings[1].numberOrNaN - 0.012) < 1e-6)   // 1.8 V / 150 Ω
        let configuration = GatewayConfiguration.SensorConfiguration(id: "field", kind: "ads1115", bus: .none, options: options)
        var pipeline = ADS1115Kind().pipeline(for: configuration)
        chip.inputVolts = [3.1, 0, 0, 1.8]              // a dry probe beyond the table
        let dry = try await sensor.sample(sensorID: "field", at: stamp)
        let result = pipeline.process(readings + dry)
        #expect(result.passed.map(\.quantity) == ["soil_moisture", "loop_current", "loop_current"])
        #expect(result.dropped.map(\.reason) == ["not_finite"])
    }

    @Test("the simulated board hosts it and it follows the weather")
    func simulatedBoard() async throws {
        let configuration = GatewayConfiguration.SensorConfiguration(
            id: "adc", kind: "ads1115", bus: .i2c(bus: 1, address: address), options: ADS1115Kind.Options())
        let board = SimulatedBoard(sensors: [configuration], registry: .builtIn, clock: SimulatedClock())
        #expect(try await board.i2cBus(1).scan() == [address])
        let sensor = ADS1115Kind().makeSensor(configuration, board: board)
        try await sensor.prepare()
        let readings = try await sensor.measure(at: stamp)
        #expect(readings.map(\.quantity) == ["ain0", "ain1", "ain2", "ain3"])
        // Humidity 40...50 %RH puts the soil probe at 2.8 - 1.6 × RH: 2.0 ... 2.16 V; the loop sits at 1.8 V.
        #expect(readings[0].numberOrNaN >= 1.99 && readings[0].numberOrNaN <= 2.17)
        #expect(abs(readings[3].numberOrNaN - 1.8) <= 125e-6)
    }
}

@Suite("ADS1115 configuration")
struct ADS1115ConfigurationTests {
    static func yaml(_ extra: String...) -> String {
        ([
            "gateway:",
            "  id: gw",
            "board: simulated",
            "sensors:",
            "  - id: field",
            "    type: ads1115",
            "    i2c: { bus: 1, address: 0x48 }",
        ] + extra + [
            "storage:",
            "  path: outbox.sqlite",
            "mqtt:",
            "  host: localhost",
            "  tls: false",
            "",
        ]).joined(separator: "\n")
    }

    static func parse(_ yaml: String) throws -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: yaml, file: "sensorgw.yaml", baseDirectory: "/tmp",
                                       kinds: SensorRegistry.builtIn.catalog)
    }

    static func error(_ yaml: String) -> String? {
        do {
            _ = try GatewayConfiguration.parse(yaml: yaml, file: "sensorgw.yaml", baseDirectory: "/tmp",
                                               kinds: SensorRegistry.builtIn.catalog)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("channels with two-point and shunt scaling decode, and quantities: may name them")
    func decodes() throws {
        let parsed = try Self.parse(Self.yaml(
            "    data_rate: 250",
            "    channels:",
            "      - input: ain0",
            "        quantity: soil_moisture",
            "        unit: \"%\"",
            "        scale: { linear: { from: [2.8, 1.2], to: [0, 100] } }",
            "        range: [0, 100]",
            "      - input: ain2-ain3",
            "        full_scale: 0.256",
            "        shunt_ohms: 10",
            "        quantity: loop",
            "    quantities:",
            "      soil_moisture:",
            "        filters: [ { median: { window: 3 } } ]"))
        let expected = ADS1115Kind.Options(dataRate: .sps250, channels: [
            ADS1115Channel(input: .ain0, scaling: AnalogScaling(
                quantity: "soil_moisture", unit: SenMLUnit(rawValue: "%"),
                scale: .linear(.init(raw: 2.8, calibrated: 0), .init(raw: 1.2, calibrated: 100)), range: 0...100)),
            ADS1115Channel(input: .ain2MinusAin3, fullScale: .volts0_256,
                           scaling: AnalogScaling(quantity: "loop", unit: SenMLUnit(rawValue: "A"), shuntOhms: 10)),
        ])
        #expect(parsed.sensors[0].options.isEqual(to: expected))
        #expect(parsed.sensors[0].quantities.map(\.quantity) == ["soil_moisture"])
        let plain = try Self.parse(Self.yaml())
        #expect(plain.sensors[0].options.isEqual(to: ADS1115Kind.Options()))
    }

    @Test("bad options name file, line, column and key")
    func badOptions() {
        #expect(Self.error(Self.yaml("    data_rate: 100"))
                == "sensorgw.yaml:8:16: sensors[0].data_rate: data_rate must be one of 8, 16, 32, 64, 128, 250, 475, 860 (samples per second)")
        #expect(Self.error(Self.yaml("    channels:", "      - input: ain0", "        full_scale: 3.3"))
                == "sensorgw.yaml:10:21: sensors[0].channels[0].full_scale: full_scale must be one of 6.144, 4.096, 2.048, 1.024, 0.512, 0.256 (volts)")
        #expect(Self.error(Self.yaml("    channels:", "      - input: ain4"))?
                    .hasPrefix("sensorgw.yaml:9:16: sensors[0].channels[0].input: unknown value 'ain4'") == true)
        #expect(Self.error(Self.yaml("    channels:", "      - input: ain0", "        unit: \"%\""))
                == "sensorgw.yaml:10:15: sensors[0].channels[0].unit: without scale this channel reports V; add scale to report %")
        #expect(Self.error(Self.yaml("    channels:", "      - input: ain0", "        scale: { offset: 1 }"))
                == "sensorgw.yaml:9:9: sensors[0].channels[0]: a channel with scale needs unit: the SenML unit of the scaled value")
        #expect(Self.error(Self.yaml("    channels:", "      - input: ain0", "        unit: mV", "        scale: { offset: 1 }"))?
                    .hasPrefix("sensorgw.yaml:10:15: sensors[0].channels[0].unit: unit 'mV' is a SenML secondary unit") == true)
        #expect(Self.error(Self.yaml("    channels:", "      - input: ain0", "      - input: ain0"))
                == "sensorgw.yaml:10:9: sensors[0].channels[1]: two channels report quantity 'ain0'; give each its own quantity:")
        #expect(Self.error(Self.yaml("    channels:", "      - input: ain0", "        shunt_ohms: 0"))
                == "sensorgw.yaml:10:21: sensors[0].channels[0].shunt_ohms: a shunt resistance must be greater than 0 ohms")
        #expect(Self.error(Self.yaml("    channels: []"))
                == "sensorgw.yaml:8:15: sensors[0].channels: give 1 to 8 channels, found 0")
    }

    @Test("quantities: may name only the configured channels")
    func quantitiesFollowChannels() {
        let message = Self.error(Self.yaml("    channels:", "      - input: ain1", "    quantities:", "      ain0: { unit: mV }"))
        #expect(message?.hasPrefix("sensorgw.yaml:11:7: sensors[0].quantities.ain0: unknown key for type ads1115") == true,
                "\(message ?? "parsed")")
    }
}
