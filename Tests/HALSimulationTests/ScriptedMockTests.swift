import HAL
import Testing
@testable import HALSimulation

private let address = I2CAddress(0x76)!

@Suite("Scripted mocks", .scriptsMustFinish)
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

    @Test("scripted SPI: a reply must have one array of the right length per read and transfer")
    func spiReplyCounts() async throws {
        let device = ScriptedSPIDevice([
            .init(operations: [.write([0xD0]), .read(count: 2)], outcome: .reply([[0x60]])),
            .init(operations: [.transfer([0xD0, 0x00])], outcome: .reply([[0xFF, 0x60]])),
            .init(operations: [.write([0x74, 0x25])], outcome: .reply([[0x01]])),
        ])
        // The reply still goes out, so the test sees what the code does with it.
        #expect(try await device.writeRead([0xD0], readCount: 2) == [0x60])
        #expect(try await device.transaction([.transfer([0xD0, 0x00])]) == [[0xFF, 0x60]])
        _ = try await device.transaction([.write([0x74, 0x25])])
        #expect(device.finish() == [
            "script for [w(d0) r(2)] replies [1] bytes, reads ask [2]",
            "script for [w(74 25)] replies [1] bytes, reads ask []",
        ])
    }

    @Test("withScript returns the body's value when the script ran exactly")
    func withScriptExact() async throws {
        let id = try await ScriptedI2CBus.withScript([.readRegisters(address, 0xD0, reply: [0x60])]) { bus in
            try await bus.readRegisters(address: address, register: 0xD0, count: 1)
        }
        #expect(id == [0x60])
    }

    @Test("withScript throws ScriptedMockError naming an unused expectation and where the mock was made")
    func withScriptUnused() async throws {
        let line = #line + 1
        let error = await #expect(throws: ScriptedMockError.self) {
            try await ScriptedI2CBus.withScript([.readRegisters(address, 0xD0, reply: [0x60]),
                                                 .write(address, [0xF4, 0x25])]) { bus in
                _ = try await bus.readRegisters(address: address, register: 0xD0, count: 1)
            }
        }
        #expect(error?.problems == ["unused expectation: 0x76 [w(f4 25)]"])
        #expect(error?.origin.line == line)
        #expect(error?.origin.mock == "ScriptedI2CBus")
        let spi = await #expect(throws: ScriptedMockError.self) {
            try await ScriptedSPIDevice.withScript([.write([0x74, 0x25])]) { _ in }
        }
        #expect(spi?.problems == ["unused expectation: [w(74 25)]"])
    }

    @Test("withScript passes the body's own error on")
    func withScriptBodyError() async throws {
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await ScriptedI2CBus.withScript([.write(address, [0xF4, 0x25])]) { _ in throw Boom() }
        }
    }

    @Test("an audit names mocks never finished, or changed after finish, with their lines")
    func audit() async throws {
        let audit = ScriptAudit()
        let lines = try await audit.run { () async throws -> [Int] in
            let neverLine = #line + 1
            let never = ScriptedI2CBus([.write(address, [0xF4, 0x25])])
            _ = never
            let finished = ScriptedSPIDevice([.write([0x74, 0x25])])
            try await finished.write([0x74, 0x25])
            #expect(finished.finish().isEmpty)
            let changedLine = #line + 1
            let changed = ScriptedI2CBus([])
            #expect(changed.finish().isEmpty)
            await #expect(throws: HALError.self) { try await changed.read(address: address, count: 1) }
            return [neverLine, changedLine]
        }
        #expect(audit.scriptCount == 3)
        let unfinished = audit.unfinished
        #expect(unfinished.map(\.origin.line) == lines)
        #expect(unfinished.map(\.wasFinished) == [false, true])
        #expect(unfinished.first?.problems == ["unused expectation: 0x76 [w(f4 25)]"])
        #expect(unfinished.first?.description.contains("was never finished") == true)
        #expect(unfinished.last?.problems == ["expected no more transactions, got 0x76 [r(1)]"])
    }

    @Test("mocks made outside an audit are not tracked by it")
    func auditScope() async {
        let audit = ScriptAudit()
        let outside = ScriptedI2CBus([])
        await audit.run { }
        #expect(audit.scriptCount == 0)
        outside.finish()
    }

    @Test("the .scriptsMustFinish trait records an issue for a mock never finished")
    func traitRecordsIssue() async throws {
        let test = try #require(Test.current)
        try await withKnownIssue {
            try await ScriptsMustFinish().provideScope(for: test, testCase: Test.Case.current) {
                _ = ScriptedI2CBus([.write(address, [0xF4, 0x25])])
            }
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("ScriptedI2CBus created at") && $0.rawValue.contains("never finished") }
        }
    }
}
