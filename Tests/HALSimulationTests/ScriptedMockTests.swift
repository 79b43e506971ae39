import HAL
import Testing
@testable import HALSimulation

private let address = I2CAddress(0x76)!

@Suite("Scripted mocks")
struct ScriptedMockTests {
    @Test("a matching script replies and finishes clean")
    func matching() async throws {
        let bus = ScriptedI2CBus([
            .readRegisters(address, 0xD0, reply: [0x60]),
            .write(address, [0xF4, 0x25]),
        ])
        #expect(try await bus.readRegisters(address: address, register: 0xD0, count: 1) == [0x60])
        try await bus.writeRegister(address: address, register: 0xF4, value: 0x25)
        #expect(bus.finish().isEmpty)
    }

    @Test("a mismatch throws and records expected vs got; the expectation stays unused")
    func mismatch() async throws {
        let bus = ScriptedI2CBus([.write(address, [0xF2, 0x01])])
        let error = await #expect(throws: HALError.self) {
            try await bus.writeRegister(address: address, register: 0xF4, value: 0x25)
        }
        #expect(error?.detail == "expected 0x76 [w(f2 01)], got 0x76 [w(f4 25)]")
        let problems = bus.finish()
        #expect(problems == ["expected 0x76 [w(f2 01)], got 0x76 [w(f4 25)]",
                             "unused expectation: 0x76 [w(f2 01)]"])
    }

    @Test("an injected error is thrown with its kind; extra calls are reported")
    func injected() async throws {
        let bus = ScriptedI2CBus([.fail(address, [.read(count: 1)], .timeout)])
        let error = await #expect(throws: HALError.self) { try await bus.read(address: address, count: 1) }
        #expect(error?.kind == .timeout)
        await #expect(throws: HALError.self) { try await bus.read(address: address, count: 1) }
        #expect(bus.finish() == ["expected no more transactions, got 0x76 [r(1)]"])
    }

    @Test("a reply that does not fit the reads is flagged as a script error")
    func badScript() async throws {
        let bus = ScriptedI2CBus([.init(address: address, operations: [.read(count: 2)], outcome: .reply([[1]]))])
        _ = try await bus.read(address: address, count: 2)
        #expect(bus.finish().count == 1)
    }

    @Test("scripted SPI: expected vs got, unused")
    func spi() async throws {
        let device = ScriptedSPIDevice([.writeRead([0xD0], reply: [0x60]), .write([0x74, 0x25])])
        #expect(try await device.writeRead([0xD0], readCount: 1) == [0x60])
        await #expect(throws: HALError.self) { try await device.write([0xF4, 0x25]) }
        #expect(device.finish() == ["expected [w(74 25)], got [w(f4 25)]", "unused expectation: [w(74 25)]"])
    }
}
