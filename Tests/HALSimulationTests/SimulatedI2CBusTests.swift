import HAL
import Testing
@testable import HALSimulation

private let bmeAddress = I2CAddress(0x76)!
private let otherAddress = I2CAddress(0x48)!

@Suite("SimulatedI2CBus")
struct SimulatedI2CBusTests {
    @Test("scan returns exactly the hosted addresses")
    func scan() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedBME280(), at: bmeAddress)
        bus.attach(SimulatedRegisterDevice(), at: otherAddress)
        #expect(try await bus.scan() == [otherAddress, bmeAddress])
        // 0x03...0x77 is 117 probes, one transaction each.
        #expect(bus.transactionCount == 117)
        #expect(bus.transactionCount(at: bmeAddress) == 1)
    }

    @Test("an unknown address is an address NACK")
    func unknownAddress() async throws {
        let bus = SimulatedI2CBus()
        let error = await #expect(throws: HALError.self) {
            try await bus.readRegisters(address: bmeAddress, register: 0xD0, count: 1)
        }
        #expect(error?.kind == .addressNACK)
        #expect(try await bus.probe(address: bmeAddress) == false)
        #expect(bus.failedTransactionCount == 2)
    }

    @Test("fail next 2, then recover")
    func failNextTwo() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedBME280(), at: bmeAddress)
        bus.failNext(2, with: .dataNACK)
        for _ in 0..<2 {
            let error = await #expect(throws: HALError.self) {
                try await bus.readRegisters(address: bmeAddress, register: 0xD0, count: 1)
            }
            #expect(error?.kind == .dataNACK)
        }
        #expect(try await bus.readRegisters(address: bmeAddress, register: 0xD0, count: 1) == [0x60])
        #expect(bus.transactionCount == 3)
        #expect(bus.failedTransactionCount == 2)
        #expect(bus.log.map(\.failure) == [.dataNACK, .dataNACK, nil])
    }

    @Test("a stuck bus fails every transaction with .busError until cleared, and scan says so")
    func stuckBus() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedBME280(), at: bmeAddress)
        bus.isStuck = true
        for _ in 0..<3 {
            let error = await #expect(throws: HALError.self) {
                try await bus.readRegisters(address: bmeAddress, register: 0xD0, count: 1)
            }
            #expect(error?.kind == .busError)
        }
        // A bus fault must not look like an empty bus.
        await #expect(throws: HALError.self) { try await bus.scan() }
        bus.isStuck = false
        #expect(try await bus.readRegisters(address: bmeAddress, register: 0xD0, count: 1) == [0x60])
    }

    @Test("short read truncates the next transaction's reads only")
    func shortRead() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedBME280(), at: bmeAddress)
        bus.shortReadNext(returning: 3)
        #expect(try await bus.readRegisters(address: bmeAddress, register: 0x88, count: 26).count == 3)
        #expect(try await bus.readRegisters(address: bmeAddress, register: 0x88, count: 26).count == 26)
    }

    @Test("the log records what each read returned, after any short read; failures return nothing")
    func logRecordsReplies() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedBME280(), at: bmeAddress)
        _ = try await bus.readRegisters(address: bmeAddress, register: 0xD0, count: 1)
        bus.shortReadNext(returning: 2)
        _ = try await bus.readRegisters(address: bmeAddress, register: 0x88, count: 4)
        try await bus.write(address: bmeAddress, [0xF5, 0x00])
        await #expect(throws: HALError.self) { try await bus.read(address: otherAddress, count: 1) }
        // dig_T1 = 27504 = 0x6B70, little-endian at 0x88.
        #expect(bus.log.map(\.replies) == [[[0x60]], [[0x70, 0x6B]], [], []])
        #expect(bus.log.map(\.description) == [
            "0x76 [w(d0) r(1)] = [60]",
            "0x76 [w(88) r(4)] = [70 6b]",
            "0x76 [w(f5 00)]",
            "0x48 [r(1)] -> addressNACK",
        ])
    }

    @Test("clock stretch delays each transaction on the injected clock")
    func clockStretch() async throws {
        let clock = SimulatedClock()
        let bus = SimulatedI2CBus(clock: clock)
        bus.attach(SimulatedBME280(), at: bmeAddress)
        bus.clockStretch = .milliseconds(5)
        _ = try await bus.readRegisters(address: bmeAddress, register: 0xD0, count: 1)
        _ = try await bus.readRegisters(address: bmeAddress, register: 0xD0, count: 1)
        #expect(clock.elapsed == .milliseconds(10))
    }

    @Test("malformed transactions are .invalidArgument")
    func malformed() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedBME280(), at: bmeAddress)
        let empty = await #expect(throws: HALError.self) { try await bus.transaction(address: bmeAddress, []) }
        #expect(empty?.kind == .invalidArgument)
        let negative = await #expect(throws: HALError.self) {
            try await bus.transaction(address: bmeAddress, [.read(count: -1)])
        }
        #expect(negative?.kind == .invalidArgument)
    }

    @Test("detaching a device makes it NACK (a sensor coming loose)")
    func detach() async throws {
        let bus = SimulatedI2CBus()
        bus.attach(SimulatedBME280(), at: bmeAddress)
        #expect(try await bus.probe(address: bmeAddress))
        bus.detach(at: bmeAddress)
        #expect(try await bus.probe(address: bmeAddress) == false)
        #expect(bus.addresses.isEmpty)
    }
}

@Suite("RegisterFile and fixtures")
struct RegisterFileTests {
    @Test("reads auto-increment; read-only bits keep their value; clear-on-read bits clear")
    func semantics() {
        var file = RegisterFile()
        file.load([0x11, 0x22, 0x33], at: 0x10)
        file.pointer = 0x10
        #expect(file.busRead(count: 3) == [0x11, 0x22, 0x33])
        #expect(file.pointer == 0x13)

        file.setReadOnly(0x20...0x20, mask: 0xF0)
        file[0x20] = 0xA5
        file.busWrite(0x20, value: 0x0F)
        #expect(file[0x20] == 0xAF)

        file.setClearOnRead(0x30, mask: 0x01)
        file[0x30] = 0x81
        file.pointer = 0x30
        #expect(file.busRead() == 0x81)
        #expect(file[0x30] == 0x80)
    }

    @Test("the default write mode is auto-increment: [f2 01 f4 25] fills f2, f3, f4")
    func defaultWriteModeIsAutoIncrement() async throws {
        #expect(RegisterFile().writeMode == .autoIncrement)
        let device = SimulatedRegisterDevice()
        let bus = SimulatedI2CBus()
        bus.attach(device, at: otherAddress)
        try await bus.write(address: otherAddress, [0xF2, 0x01, 0xF4, 0x25])
        #expect(device.withRegisters { $0.peek(0xF2, count: 3) } == [0x01, 0xF4, 0x25])
        let replay = try SimulatedRegisterDevice(fixture: "0xf2: 00 00 00")
        try replay.i2cWrite([0xF2, 0x01, 0xF4, 0x25])
        #expect(replay.withRegisters { $0.peek(0xF2, count: 3) } == [0x01, 0xF4, 0x25])
    }

    @Test("register/value-pair mode, as a BME280 on I2C: [f2 01 f4 25] leaves f3 alone")
    func pairWriteMode() async throws {
        let device = try SimulatedRegisterDevice(fixture: "0xf3: 5a", writeMode: .registerValuePairs)
        let bus = SimulatedI2CBus()
        bus.attach(device, at: bmeAddress)
        try await bus.write(address: bmeAddress, [0xF2, 0x01, 0xF4, 0x25])
        #expect(device.withRegisters { $0.peek(0xF2, count: 3) } == [0x01, 0x5A, 0x25])
        // Reads still auto-increment from the last register addressed.
        #expect(try await bus.readRegisters(address: bmeAddress, register: 0xF2, count: 3) == [0x01, 0x5A, 0x25])
    }

    @Test("write segments: auto-increment vs register/value pairs")
    func writeModes() {
        var increment = RegisterFile()
        increment.busWrite(segment: [0x40, 1, 2, 3])
        #expect(increment.peek(0x40, count: 3) == [1, 2, 3])

        var pairs = RegisterFile(writeMode: .registerValuePairs)
        let writes = pairs.busWrite(segment: [0xF2, 0x01, 0xF4, 0x25])
        #expect(pairs[0xF2] == 0x01)
        #expect(pairs[0xF4] == 0x25)
        #expect(pairs[0xF3] == 0x00)
        #expect(writes.map(\.register) == [0xF2, 0xF4])
    }

    @Test("the pointer wraps after 0xFF")
    func wraps() {
        var file = RegisterFile()
        file[0xFF] = 0xAA
        file[0x00] = 0xBB
        file.pointer = 0xFF
        #expect(file.busRead(count: 2) == [0xAA, 0xBB])
    }

    @Test("fixture text: comments, blank lines, 0x prefixes, several blocks")
    func parseFixture() throws {
        let text = """
        # BME280 captured at 0x76
        0x88: 70 6b 43 67 18 fc   # T1 T2 T3

        0xD0: 0x60
        e1: 6a 01
        """
        var file = RegisterFile()
        try file.load(fixture: text)
        #expect(file.peek(0x88, count: 6) == [0x70, 0x6B, 0x43, 0x67, 0x18, 0xFC])
        #expect(file[0xD0] == 0x60)
        #expect(file.peek(0xE1, count: 2) == [0x6A, 0x01])
    }

    @Test("fixture errors name the line")
    func fixtureErrors() {
        for (text, line) in [("0x88: 70 zz", 1), ("# ok\n0x88 70", 2), ("0xFF: 01 02", 1), ("0x100: 01", 1)] {
            var file = RegisterFile()
            let error = #expect(throws: HALError.self) { try file.load(fixture: text) }
            #expect(error?.kind == .invalidArgument)
            #expect(error?.detail?.hasPrefix("line \(line):") == true, "\(String(describing: error))")
        }
    }

    @Test("a dump of a model replays identically in a generic register device")
    func dumpAndReplay() async throws {
        let chip = SimulatedBME280()
        let text = chip.withRegisters { $0.fixtureText([0x88...0xA1, 0xD0...0xD0, 0xE1...0xE7], comment: "bme280") }
        #expect(text.hasPrefix("# bme280\n0x88: 70 6b 43 67"))
        let replay = try SimulatedRegisterDevice(fixture: text)
        let bus = SimulatedI2CBus()
        bus.attach(replay, at: bmeAddress)
        #expect(try await bus.readRegisters(address: bmeAddress, register: 0xD0, count: 1) == [0x60])
        let original = chip.withRegisters { $0.peek(0x88, count: 26) + $0.peek(0xE1, count: 7) }
        let replayed = try await bus.readRegisters(address: bmeAddress, register: 0x88, count: 26)
            + bus.readRegisters(address: bmeAddress, register: 0xE1, count: 7)
        #expect(replayed == original)
    }
}
