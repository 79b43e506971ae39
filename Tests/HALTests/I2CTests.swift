import Testing
import HAL

@Suite struct I2CAddressTests {
    @Test func onlySevenBitAddressesExist() {
        #expect(I2CAddress(UInt8(0x7F))?.rawValue == 0x7F)
        #expect(I2CAddress(UInt8(0x80)) == nil)
        #expect(I2CAddress(-1) == nil)
        #expect(I2CAddress(0x76)?.description == "0x76")
        #expect(I2CAddress(3)?.description == "0x03")
    }

    @Test func scanSkipsTheReservedAddressesLikeI2cdetect() {
        // I2C specification: 0x00-0x02 and 0x78-0x7F are reserved; i2cdetect probes 0x03-0x77.
        #expect(I2CAddress.scannable.lowerBound == 0x03)
        #expect(I2CAddress.scannable.upperBound == 0x77)
    }
}

/// A bus where 0x48 and 0x76 answer, 0x50 has a stuck line, everything else NACKs.
private struct FakeBus: I2CBus {
    func transaction(address: I2CAddress, _ operations: [I2COperation]) async throws -> [[UInt8]] {
        switch address.rawValue {
        case 0x48, 0x76:
            return operations.compactMap { if case .read(let count) = $0 { [UInt8](repeating: 0xAB, count: count) } else { nil } }
        case 0x50:
            throw HALError(.busError, errno: 5, operation: "i2c transaction @\(address)")
        default:
            throw HALError(.addressNACK, errno: 6, operation: "i2c transaction @\(address)")
        }
    }
}

@Suite struct I2CBusExtensionTests {
    @Test func probeTreatsOnlyAnAddressNACKAsAbsent() async throws {
        #expect(try await FakeBus().probe(address: #require(I2CAddress(0x76))))
        #expect(try await !FakeBus().probe(address: #require(I2CAddress(0x20))))
        // A bus fault must never look like an empty address.
        await #expect(throws: HALError.self) { try await FakeBus().probe(address: #require(I2CAddress(0x50))) }
    }

    @Test func readRegistersIsOneWriteThenReadTransaction() async throws {
        let bytes = try await FakeBus().readRegisters(address: #require(I2CAddress(0x48)), register: 0xD0, count: 3)
        #expect(bytes == [0xAB, 0xAB, 0xAB])
    }

    @Test func errorDescriptionNamesOperationKindAndErrno() {
        let error = HALError(.permissionDenied, errno: 13, operation: "open /dev/i2c-1", detail: "add the user to the 'i2c' group")
        #expect(error.description == "open /dev/i2c-1: permissionDenied (errno 13): add the user to the 'i2c' group")
    }
}
