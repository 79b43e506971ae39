#if os(Linux) && canImport(CI2C)
import CI2C
import HAL
@testable import HALLinux
import Testing

/// Functionality bits restated from linux/i2c.h.
private enum Funcs {
    static let i2c: UInt = 0x0000_0001
    static let readByte: UInt = 0x0002_0000
    static let writeByte: UInt = 0x0004_0000
    static let readByteData: UInt = 0x0008_0000
    static let writeByteData: UInt = 0x0010_0000
    static let readWordData: UInt = 0x0020_0000
    static let writeWordData: UInt = 0x0040_0000
    static let readI2CBlock: UInt = 0x0400_0000
    static let writeI2CBlock: UInt = 0x0800_0000

    /// A Raspberry Pi's i2c-bcm2835: plain I2C plus the SMBus the core emulates on top.
    static let raspberryPi = I2CFunctionality(rawValue: i2c | readByte | writeByte | readByteData
        | writeByteData | readWordData | writeWordData | readI2CBlock | writeI2CBlock)
    /// q35's i2c-i801: byte, word and I2C-block, but no I2C_FUNC_I2C.
    static let i801 = I2CFunctionality(rawValue: readByte | writeByte | readByteData | writeByteData
        | readWordData | writeWordData | readI2CBlock | writeI2CBlock)
    /// PIIX4: byte and word only.
    static let piix4 = I2CFunctionality(rawValue: readByte | writeByte | readByteData | writeByteData
        | readWordData | writeWordData)
    /// Byte-data and word writes, but no I2C-block write.
    static let wordWritesOnly = I2CFunctionality(rawValue: writeByteData | writeWordData)
}

private func style(_ ops: [I2COperation], _ funcs: I2CFunctionality) throws -> I2CTransferStyle {
    try I2CTransferPlanner.style(for: ops, functionality: funcs, operation: "test")
}

private func kind(of body: () throws -> some Any) -> HALError.Kind? {
    do {
        _ = try body()
        return nil
    } catch let error as HALError {
        return error.kind
    } catch {
        return .other
    }
}

@Suite("I2C: RDWR or SMBus")
struct I2CTransferPlannerTests {
    @Test func plainI2CAdapterAlwaysUsesOneCombinedTransfer() throws {
        #expect(try style([.write([0xF4, 0x27])], Funcs.raspberryPi) == .combined)
        #expect(try style([.write([0xF7]), .read(count: 8)], Funcs.raspberryPi) == .combined)
        // Shapes no SMBus call has still work with I2C_FUNC_I2C.
        #expect(try style([.read(count: 100)], Funcs.raspberryPi) == .combined)
        #expect(try style([.write([1]), .read(count: 2), .write([3])], Funcs.raspberryPi) == .combined)
        #expect(try style([.read(count: 1)], I2CFunctionality(rawValue: Funcs.i2c)) == .combined)
    }

    @Test func smbusShapes() throws {
        #expect(try style([.write([0x10])], Funcs.i801) == .smbus(.writeByte(0x10)))
        #expect(try style([.read(count: 1)], Funcs.i801) == .smbus(.readByte))
        #expect(try style([.write([0xF4, 0x27])], Funcs.i801) == .smbus(.writeByteData(register: 0xF4, value: 0x27)))
        #expect(try style([.write([0x20, 1, 2, 3])], Funcs.i801)
                == .smbus(.writeI2CBlockData(register: 0x20, bytes: [1, 2, 3])))
        #expect(try style([.write([0x20, 1, 2])], Funcs.i801)
                == .smbus(.writeI2CBlockData(register: 0x20, bytes: [1, 2])))
        #expect(try style([.write([0xD0]), .read(count: 1)], Funcs.i801) == .smbus(.readByteData(register: 0xD0)))
        #expect(try style([.write([0x88]), .read(count: 2)], Funcs.i801) == .smbus(.readWordData(register: 0x88)))
        #expect(try style([.write([0xF7]), .read(count: 8)], Funcs.i801)
                == .smbus(.readI2CBlockData(register: 0xF7, count: 8)))
    }

    @Test func wordReadsComeBackInWireOrder() {
        // A BMP280 calibration word 0x6B70 arrives as 0x70, 0x6B (low byte first).
        #expect(SMBusCall.wireBytes(ofWord: 0x6B70) == [0x70, 0x6B])
        #expect(SMBusCall.wireBytes(ofWord: 0xFF00) == [0x00, 0xFF])
    }

    @Test func blockLimitIs32Bytes() throws {
        let reg: UInt8 = 0x00
        #expect(try style([.write([reg]), .read(count: 32)], Funcs.i801)
                == .smbus(.readI2CBlockData(register: reg, count: 32)))
        #expect(kind { try style([.write([reg]), .read(count: 33)], Funcs.i801) } == .unsupported)
        let payload32 = [UInt8](repeating: 0xAA, count: 32)
        #expect(try style([.write([reg] + payload32)], Funcs.i801)
                == .smbus(.writeI2CBlockData(register: reg, bytes: payload32)))
        #expect(kind { try style([.write([reg] + payload32 + [0])], Funcs.i801) } == .unsupported)
    }

    @Test func fallsBackWithinSMBusWhenABitIsMissing() throws {
        // Without word reads, a two-byte register read is an I2C-block read of 2.
        let noWord = Funcs.i801.subtracting(.smbusReadWordData)
        #expect(try style([.write([0x88]), .read(count: 2)], noWord)
                == .smbus(.readI2CBlockData(register: 0x88, count: 2)))
        // Without I2C-block writes, [reg, lo, hi] is a word write, low byte first.
        #expect(try style([.write([0x06, 0x34, 0x12])], Funcs.wordWritesOnly)
                == .smbus(.writeWordData(register: 0x06, value: 0x1234)))
        // PIIX4 has words but no I2C-block: a 2-byte read works, a 6-byte read cannot.
        #expect(try style([.write([0x88]), .read(count: 2)], Funcs.piix4) == .smbus(.readWordData(register: 0x88)))
        #expect(kind { try style([.write([0xF7]), .read(count: 6)], Funcs.piix4) } == .unsupported)
        #expect(kind { try style([.write([0x20, 1, 2, 3])], Funcs.piix4) } == .unsupported)
    }

    @Test func missingSMBusBitsAreUnsupported() throws {
        let none = I2CFunctionality(rawValue: 0)
        #expect(kind { try style([.read(count: 1)], none) } == .unsupported)
        #expect(kind { try style([.write([0x10])], none) } == .unsupported)
        #expect(kind { try style([.write([0x10, 1])], none) } == .unsupported)
        #expect(kind { try style([.write([0x10]), .read(count: 1)], none) } == .unsupported)
        #expect(kind { try style([.write([0x10]), .read(count: 2)], none) } == .unsupported)
        let readOnly = I2CFunctionality(rawValue: Funcs.readByte)
        #expect(kind { try style([.write([0x10])], readOnly) } == .unsupported)
        #expect(try style([.read(count: 1)], readOnly) == .smbus(.readByte))
    }

    @Test func shapesNoSMBusCallMatchesAreUnsupported() {
        #expect(kind { try style([.read(count: 2)], Funcs.i801) } == .unsupported)
        #expect(kind { try style([.write([])], Funcs.i801) } == .unsupported)
        #expect(kind { try style([.write([0x10, 0x11]), .read(count: 1)], Funcs.i801) } == .unsupported)
        #expect(kind { try style([.write([0x10]), .read(count: 1), .read(count: 1)], Funcs.i801) } == .unsupported)
        #expect(kind { try style([.read(count: 1), .write([0x10])], Funcs.i801) } == .unsupported)
        #expect(kind { try style([.write([0x10]), .read(count: 0)], Funcs.i801) } == .unsupported)
    }

    @Test func unsupportedNamesTheShape() {
        do {
            _ = try style([.read(count: 2)], Funcs.i801)
            Issue.record("expected an error")
        } catch let error as HALError {
            #expect(error.operation == "test")
            #expect(error.detail?.contains("I2C_FUNC_I2C") == true)
            #expect(error.detail?.contains("read 2") == true)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func malformedTransactionsAreInvalidOnEveryAdapter() throws {
        for funcs in [Funcs.raspberryPi, Funcs.i801] {
            #expect(kind { try style([], funcs) } == .invalidArgument)
            #expect(kind { try style([.read(count: -1)], funcs) } == .invalidArgument)
            #expect(kind { try style([.write([UInt8](repeating: 0, count: 65_536))], funcs) } == .invalidArgument)
            let tooMany = [I2COperation](repeating: .read(count: 1), count: 43)
            #expect(kind { try style(tooMany, funcs) } == .invalidArgument)
        }
        let justEnough = [I2COperation](repeating: .read(count: 1), count: 42)
        #expect(try style(justEnough, Funcs.raspberryPi) == .combined)
    }
}

@Suite("I2C: i2c_msg building")
struct I2CMessageBuilderTests {
    let bme280 = I2CAddress(0x76)

    @Test func write() throws {
        let address = try #require(bme280)
        let (seen, reads) = I2CMessageBuilder.withMessages(address: address, [.write([0xF4, 0x27])]) { msgs in
            msgs.map { msg in
                (msg.addr, msg.flags, msg.len, Array(UnsafeBufferPointer(start: msg.buf, count: Int(msg.len))))
            }
        }
        #expect(seen.count == 1)
        #expect(seen[0].0 == 0x76)
        #expect(seen[0].1 == 0)
        #expect(seen[0].2 == 2)
        #expect(seen[0].3 == [0xF4, 0x27])
        #expect(reads.isEmpty)
    }

    @Test func read() throws {
        let address = try #require(I2CAddress(0x40))
        let (flags, reads) = I2CMessageBuilder.withMessages(address: address, [.read(count: 3)]) { msgs in
            // Play the kernel: fill the read buffer.
            for i in 0..<Int(msgs[0].len) { msgs[0].buf[i] = UInt8(0xA0 + i) }
            return msgs.map { ($0.addr, $0.flags, $0.len) }
        }
        #expect(flags.count == 1)
        #expect(flags[0].0 == 0x40)
        #expect(flags[0].1 == 0x0001)  // I2C_M_RD
        #expect(flags[0].2 == 3)
        #expect(reads == [[0xA0, 0xA1, 0xA2]])
    }

    @Test func writeReadUsesTwoMessagesOnSeparateBytes() throws {
        let address = try #require(bme280)
        let ops: [I2COperation] = [.write([0xF7]), .read(count: 8)]
        let (seen, reads) = I2CMessageBuilder.withMessages(address: address, ops) { msgs in
            for i in 0..<8 { msgs[1].buf[i] = UInt8(i + 1) }
            return (msgs.map { ($0.addr, $0.flags, $0.len) }, msgs[0].buf[0], msgs[1].buf - msgs[0].buf)
        }
        #expect(seen.0.map(\.0) == [0x76, 0x76])
        #expect(seen.0.map(\.1) == [0, 0x0001])
        #expect(seen.0.map(\.2) == [1, 8])
        #expect(seen.1 == 0xF7)
        // The read lands after the write byte, so it cannot overwrite the register pointer.
        #expect(seen.2 == 1)
        #expect(reads == [[1, 2, 3, 4, 5, 6, 7, 8]])
    }

    @Test func severalReadsComeBackInOrder() throws {
        let address = try #require(I2CAddress(0x50))
        let ops: [I2COperation] = [.write([0x00, 0x10]), .read(count: 2), .write([0x20]), .read(count: 1)]
        let (count, reads) = I2CMessageBuilder.withMessages(address: address, ops) { msgs in
            msgs[1].buf[0] = 0x11; msgs[1].buf[1] = 0x12
            msgs[3].buf[0] = 0x31
            return msgs.count
        }
        #expect(count == 4)
        #expect(reads == [[0x11, 0x12], [0x31]])
    }
}
#endif
