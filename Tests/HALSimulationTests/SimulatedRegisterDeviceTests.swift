import HAL
import Testing
@testable import HALSimulation

private let address = I2CAddress(0x48)!

@Suite("SimulatedRegisterDevice faults at a given register")
struct SimulatedRegisterDeviceTests {
    /// 0x40...0x47 hold 0xA0...0xA7; everything else 0.
    private func hosted(_ writeMode: RegisterFile.WriteMode = .autoIncrement)
        -> (SimulatedI2CBus, SimulatedRegisterDevice) {
        var file = RegisterFile(writeMode: writeMode)
        file.load([0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7], at: 0x40)
        let device = SimulatedRegisterDevice(registers: file)
        let bus = SimulatedI2CBus()
        bus.attach(device, at: address)
        return (bus, device)
    }

    @Test("a NACK at 0x42 spares transactions elsewhere, then hits the one that reaches 0x42")
    func nackOnlyAtItsRegister() async throws {
        let (bus, device) = hosted()
        device.inject(.nack, at: 0x42)
        // Other registers, any number of transactions: untouched by the fault.
        for _ in 0..<3 { #expect(try await bus.readRegisters(address: address, register: 0x44, count: 2) == [0xA4, 0xA5]) }
        try await bus.write(address: address, [0x10, 0x01])
        #expect(device.faultedRegisters == [0x42])
        // A burst that crosses 0x42 fails there.
        let error = await #expect(throws: HALError.self) {
            try await bus.readRegisters(address: address, register: 0x40, count: 4)
        }
        #expect(error?.kind == .dataNACK)
        #expect(error?.detail?.contains("0x42") == true)
        #expect(bus.log.last?.failure == .dataNACK)
        // Fired once (times: 1): the same read now succeeds.
        #expect(device.faultedRegisters.isEmpty)
        #expect(try await bus.readRegisters(address: address, register: 0x40, count: 4) == [0xA0, 0xA1, 0xA2, 0xA3])
    }

    @Test("a write NACKed at the byte that fills 0x42 keeps the bytes before it")
    func nackMidWrite() async throws {
        let (_, device) = hosted()
        device.inject(.fail(.dataNACK), at: 0x42)
        #expect(throws: HALError.self) { try device.i2cWrite([0x40, 0x01, 0x02, 0x03, 0x04]) }
        #expect(device.withRegisters { $0.peek(0x40, count: 4) } == [0x01, 0x02, 0xA2, 0xA3])
        // Addressing the register itself (the pointer byte) is refused too, nothing is written.
        device.inject(.fail(.busError), at: 0x42)
        let error = #expect(throws: HALError.self) { try device.i2cWrite([0x42, 0x55]) }
        #expect(error?.kind == .busError)
        #expect(device.withRegisters { $0[0x42] } == 0xA2)
    }

    @Test("in pair mode the NACK falls on the pair that addresses the register")
    func nackInPairMode() async throws {
        let (_, device) = hosted(.registerValuePairs)
        device.inject(.nack, at: 0x44)
        #expect(throws: HALError.self) { try device.i2cWrite([0x40, 0x01, 0x44, 0x02, 0x46, 0x03]) }
        #expect(device.withRegisters { [$0[0x40], $0[0x44], $0[0x46]] } == [0x01, 0xA4, 0xA6])
    }

    @Test("a short read at 0x43 ends a burst just before it, once")
    func shortReadAtRegister() async throws {
        let (bus, device) = hosted()
        device.inject(.shortRead, at: 0x43)
        #expect(try await bus.readRegisters(address: address, register: 0x44, count: 4).count == 4)
        #expect(try await bus.readRegisters(address: address, register: 0x40, count: 8) == [0xA0, 0xA1, 0xA2])
        #expect(try await bus.readRegisters(address: address, register: 0x40, count: 8).count == 8)
    }

    @Test("corrupt bytes at 0x41: reads flip bits, the stored value stays; also through SPI framing")
    func corruptAtRegister() async throws {
        let (bus, device) = hosted()
        device.inject(.corrupt(xor: 0x0F), at: 0x41, times: nil)
        for _ in 0..<2 {
            #expect(try await bus.readRegisters(address: address, register: 0x40, count: 3) == [0xA0, 0xAE, 0xA2])
        }
        #expect(device.withRegisters { $0[0x41] } == 0xA1)
        // The BME280 SPI framing reaches 0x80...0xFF only (control byte 0xC1 reads register 0xC1).
        device.withRegisters { $0[0xC1] = 0x11 }
        device.inject(.corrupt(xor: 0xFF), at: 0xC1)
        let spi = SimulatedSPIDevice(model: device)
        #expect(try await spi.writeRead([0xC1], readCount: 1) == [0xEE])
        #expect(try await spi.writeRead([0xC1], readCount: 1) == [0x11])
        device.clearFaults()
        #expect(try await bus.readRegisters(address: address, register: 0x41, count: 1) == [0xA1])
    }

    @Test("times: n fires n times; the bus-wide next-n faults still work beside it")
    func timesAndBusFaults() async throws {
        let (bus, device) = hosted()
        device.inject(.nack, at: 0x40, times: 2)
        for _ in 0..<2 {
            await #expect(throws: HALError.self) { try await bus.readRegisters(address: address, register: 0x40, count: 1) }
        }
        #expect(try await bus.readRegisters(address: address, register: 0x40, count: 1) == [0xA0])
        bus.failNext(1, with: .arbitrationLoss)
        let error = await #expect(throws: HALError.self) {
            try await bus.readRegisters(address: address, register: 0x47, count: 1)
        }
        #expect(error?.kind == .arbitrationLoss)
        #expect(try await bus.readRegisters(address: address, register: 0x47, count: 1) == [0xA7])
    }
}
