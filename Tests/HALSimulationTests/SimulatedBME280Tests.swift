import HAL
import Testing
@testable import HALSimulation

private let address = I2CAddress(0x76)!

@Suite("SimulatedBME280 model")
struct SimulatedBME280Tests {
    private func hosted(_ chip: SimulatedBME280 = SimulatedBME280()) -> SimulatedI2CBus {
        let bus = SimulatedI2CBus()
        bus.attach(chip, at: address)
        return bus
    }

    @Test("chip id 0x60 and the calibration image at 0x88 / 0xE1")
    func identity() async throws {
        let bus = hosted()
        #expect(try await bus.readRegisters(address: address, register: 0xD0, count: 1) == [0x60])
        // dig_T1 = 27504 = 0x6B70, little-endian; dig_H1 = 75 at 0xA1.
        let bank1 = try await bus.readRegisters(address: address, register: 0x88, count: 26)
        #expect(Array(bank1.prefix(2)) == [0x70, 0x6B])
        #expect(bank1[25] == 75)
        // H4 = 313 = 0x139, H5 = 50 = 0x032: E4 = 0x13, E5 = 0x29, E6 = 0x03.
        let bank2 = try await bus.readRegisters(address: address, register: 0xE1, count: 7)
        #expect(bank2 == [0x6A, 0x01, 0x00, 0x13, 0x29, 0x03, 0x1E])
    }

    @Test("the model's double formulas reproduce the datasheet's double results")
    func forwardFormulas() {
        let c = SimulatedBME280.Calibration.datasheetExample
        let t = SimulatedBME280.temperature(adcT: 519_888, c)
        // Datasheet: 25.08 °C, t_fine 128422; the double formula gives 25.0825 °C.
        #expect(abs(t.celsius - 25.0825) < 0.0001)
        #expect(t.tFine == 128_422)
        // Datasheet table: 100653.27 Pa; the double formula evaluates to 100653.258 Pa.
        #expect(abs(SimulatedBME280.pressure(adcP: 415_148, tFine: 128_422, c) - 100_653.27) < 0.02)
    }

    @Test("the inverse search lands on the datasheet's raw values")
    func inverse() {
        let chip = SimulatedBME280()
        let raw = chip.rawValues(for: .init(temperatureCelsius: 25.0825, pressurePascal: 100_653.258,
                                            humidityPercent: 55.0007))
        // One adc_T LSB is 0.0003 °C and one adc_P LSB 0.17 Pa here, so ±1 LSB.
        #expect(abs(raw.adcT - 519_888) <= 1)
        #expect(abs(raw.adcP - 415_148) <= 1)
        // 55.0007 %RH is the double formula's value for adc_H 30000 at t_fine 128422.
        #expect(abs(raw.adcH - 30_000) <= 1)
    }

    @Test("forced mode: measuring is set, clears after the configured status reads, data latched then")
    func forcedMode() async throws {
        let chip = SimulatedBME280()
        chip.statusReadsWhileMeasuring = 3
        let bus = hosted(chip)
        let before = try await bus.readRegisters(address: address, register: 0xF7, count: 8)
        // Reset values: 0x80000 / 0x80000 / 0x8000, "not measured".
        #expect(before == [0x80, 0, 0, 0x80, 0, 0, 0x80, 0])
        try await bus.write(address: address, [0xF2, 0x01, 0xF4, 0x25])   // pairs in one write
        var statuses: [UInt8] = []
        for _ in 0..<4 { statuses += try await bus.readRegisters(address: address, register: 0xF3, count: 1) }
        #expect(statuses == [0x08, 0x08, 0x08, 0x00])
        #expect(chip.measurementCount == 1)
        // Forced mode went back to sleep.
        #expect(try await bus.readRegisters(address: address, register: 0xF4, count: 1) == [0x24])
        let latched = try await bus.readRegisters(address: address, register: 0xF7, count: 8)
        #expect(latched != before)

        // After the measurement ended, the environment no longer reaches the registers.
        chip.environment.temperatureCelsius = 35
        #expect(try await bus.readRegisters(address: address, register: 0xF7, count: 8) == latched)
    }

    @Test("ctrl_hum written after ctrl_meas does not apply to that measurement (datasheet 5.4.3)")
    func ctrlHumOrder() async throws {
        let bus = hosted()
        try await bus.writeRegister(address: address, register: 0xF4, value: 0x25)
        try await bus.writeRegister(address: address, register: 0xF2, value: 0x01)
        _ = try await bus.readRegisters(address: address, register: 0xF3, count: 1)
        let data = try await bus.readRegisters(address: address, register: 0xF7, count: 8)
        #expect(Array(data.suffix(2)) == [0x80, 0x00])
    }

    @Test("pairs of one write are applied in order: ctrl_meas before ctrl_hum in one burst skips humidity")
    func pairOrderWithinOneWrite() async throws {
        let chip = SimulatedBME280()
        chip.statusReadsWhileMeasuring = 0
        let bus = hosted(chip)
        try await bus.write(address: address, [0xF4, 0x25, 0xF2, 0x01])
        var data = try await bus.readRegisters(address: address, register: 0xF7, count: 8)
        #expect(Array(data.suffix(2)) == [0x80, 0x00])   // humidity not measured
        try await bus.write(address: address, [0xF2, 0x01, 0xF4, 0x25])
        data = try await bus.readRegisters(address: address, register: 0xF7, count: 8)
        #expect(Array(data.suffix(2)) != [0x80, 0x00])
        #expect(chip.measurementCount == 2)
    }

    @Test("never-finishes fault keeps measuring set")
    func neverFinishes() async throws {
        let chip = SimulatedBME280()
        chip.neverFinishes = true
        let bus = hosted(chip)
        try await bus.writeRegister(address: address, register: 0xF4, value: 0x25)
        for _ in 0..<50 {
            #expect(try await bus.readRegisters(address: address, register: 0xF3, count: 1) == [0x08])
        }
        #expect(chip.measurementCount == 0)
    }

    @Test("read-only registers ignore writes; soft reset restores power-on state")
    func readOnlyAndReset() async throws {
        let bus = hosted()
        try await bus.writeRegister(address: address, register: 0xD0, value: 0x00)
        try await bus.writeRegister(address: address, register: 0x88, value: 0x00)
        #expect(try await bus.readRegisters(address: address, register: 0xD0, count: 1) == [0x60])
        #expect(try await bus.readRegisters(address: address, register: 0x88, count: 1) == [0x70])
        try await bus.writeRegister(address: address, register: 0xF5, value: 0x10)
        #expect(try await bus.readRegisters(address: address, register: 0xF5, count: 1) == [0x10])
        try await bus.writeRegister(address: address, register: 0xE0, value: 0xB6)
        #expect(try await bus.readRegisters(address: address, register: 0xF5, count: 1) == [0x00])
    }

    @Test("skipped oversampling leaves the not-measured patterns")
    func skipped() async throws {
        let bus = hosted()
        // osrs_t x1, osrs_p skip, forced; ctrl_hum skip.
        try await bus.write(address: address, [0xF2, 0x00, 0xF4, 0x21])
        _ = try await bus.readRegisters(address: address, register: 0xF3, count: 1)
        let data = try await bus.readRegisters(address: address, register: 0xF7, count: 8)
        #expect(Array(data.prefix(3)) == [0x80, 0x00, 0x00])
        #expect(Array(data[3..<6]) != [0x80, 0x00, 0x00])
        #expect(Array(data.suffix(2)) == [0x80, 0x00])
    }
}

@Suite("SimulatedSPIDevice with the BME280 register protocol")
struct SimulatedSPIDeviceTests {
    @Test("bit 7 set reads with auto-increment; bit 7 clear writes reg | 0x80")
    func framing() async throws {
        let chip = SimulatedBME280()
        let spi = SimulatedSPIDevice(model: chip)
        #expect(try await spi.writeRead([0xD0], readCount: 1) == [0x60])
        #expect(try await spi.writeRead([0x88], readCount: 2) == [0x70, 0x6B])
        // Write config (0xF5) as 0x75, two pairs in one frame: ctrl_hum 0x72, config 0x75.
        try await spi.write([0x72, 0x01, 0x75, 0x10])
        #expect(chip.withRegisters { [$0[0xF2], $0[0xF5]] } == [0x01, 0x10])
        // Full duplex: the byte clocked in during the control byte is a don't-care.
        let replies = try await spi.transaction([.transfer([0xD0, 0x00])])
        #expect(replies.first?.last == 0x60)
    }

    @Test("SPI: both write pairs in one frame trigger a measurement with humidity")
    func pairFrame() async throws {
        let chip = SimulatedBME280()
        chip.statusReadsWhileMeasuring = 0
        let spi = SimulatedSPIDevice(model: chip)
        try await spi.write([0x72, 0x01, 0x74, 0x25])
        #expect(chip.measurementCount == 1)
        let data = try await spi.writeRead([0xF7], readCount: 8)
        #expect(Array(data.suffix(2)) != [0x80, 0x00])
    }

    @Test("SPI short read: the next transaction's results are cut, the one after is whole")
    func spiShortRead() async throws {
        let spi = SimulatedSPIDevice(model: SimulatedBME280())
        spi.shortReadNext(returning: 3)
        #expect(try await spi.writeRead([0x88], readCount: 26).count == 3)
        #expect(try await spi.writeRead([0x88], readCount: 26).count == 26)
        spi.shortReadNext(returning: 1)
        #expect(try await spi.transaction([.transfer([0xD0, 0x00]), .read(count: 2)]) == [[0xFF], [0x00]])
    }

    @Test("SPI resetCounters zeroes the counts and the log; armed faults stay")
    func spiResetCounters() async throws {
        let spi = SimulatedSPIDevice(model: SimulatedBME280())
        _ = try await spi.writeRead([0xD0], readCount: 1)
        spi.failNext(1, with: .busError)
        await #expect(throws: HALError.self) { try await spi.writeRead([0xD0], readCount: 1) }
        #expect(spi.transactionCount == 2)
        #expect(spi.failedTransactionCount == 1)
        spi.failNext(1, with: .timeout)
        spi.resetCounters()
        #expect(spi.transactionCount == 0)
        #expect(spi.failedTransactionCount == 0)
        #expect(spi.log.isEmpty)
        let error = await #expect(throws: HALError.self) { try await spi.write([0x75, 0x00]) }
        #expect(error?.kind == .timeout)
        #expect(spi.log == [[.write([0x75, 0x00])]])
    }

    @Test("injected SPI failures then recovery")
    func failures() async throws {
        let spi = SimulatedSPIDevice(model: SimulatedBME280())
        spi.failNext(1, with: .busError)
        let error = await #expect(throws: HALError.self) { try await spi.writeRead([0xD0], readCount: 1) }
        #expect(error?.kind == .busError)
        #expect(try await spi.writeRead([0xD0], readCount: 1) == [0x60])
        #expect(spi.transactionCount == 2)
    }
}
