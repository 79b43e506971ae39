import Foundation
import Testing

/// Sensirion's CRC-8 (polynomial 0x31, init 0xFF), written from the SHT3x datasheet (4.12) so
/// the test checks a recorded answer without the driver's code.
private func sensirionCRC(_ bytes: ArraySlice<UInt8>) -> UInt8 {
    var crc: UInt8 = 0xFF
    for byte in bytes {
        crc ^= byte
        for _ in 0..<8 { crc = crc & 0x80 != 0 ? (crc << 1) ^ 0x31 : crc << 1 }
    }
    return crc
}

@Suite struct ProbeDumpTests {
    @Test func aSimulatedBME280DumpsEveryRegisterToAFixtureFile() async throws {
        let workspace = try Workspace("cli-dump")
        let file = workspace.path("air.yaml")
        let result = try await sensorgw(["probe", "dump", "--simulated", "bme280", "--bus", "1", "--address", "0x76",
                                         "--register-value-pairs", "--output", file], in: workspace)
        #expect(result.status == 0, "\(result.output)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.first == "format: sensorgw-fixture/1")
        #expect(lines.contains("write_mode: register_value_pairs"))
        #expect(lines.contains("address: 0x76"))
        // 256 registers, 16 per line; the BME280's chip id 0x60 at 0xd0.
        let runs = lines.filter { $0.hasPrefix("  \"0x") }
        #expect(runs.count == 16)
        #expect(runs.contains { $0.hasPrefix("  \"0xd0\": \"60 ") })
    }

    @Test func aCommandChipIsRecordedAsWriteDelayRead() async throws {
        let workspace = try Workspace("cli-dump-command")
        let result = try await sensorgw(["probe", "dump", "--simulated", "sht3x", "--bus", "1", "--address", "0x44",
                                         "--command", "0x2400", "--read", "6", "--delay", "16ms"], in: workspace)
        #expect(result.status == 0, "\(result.output)")
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.contains("  - write: \"24 00\""))
        #expect(lines.contains("    delay: 16ms"))
        #expect(!lines.contains("registers:"))
        let read = try #require(lines.first { $0.hasPrefix("    read: ") })
        let bytes = read.dropFirst("    read: \"".count).dropLast().split(separator: " ").compactMap { UInt8($0, radix: 16) }
        #expect(bytes.count == 6)
        // Two words, each with its CRC: a real measurement frame, not filler.
        if bytes.count == 6 {
            #expect(sensirionCRC(bytes[0..<2]) == bytes[2])
            #expect(sensirionCRC(bytes[3..<5]) == bytes[5])
        }
    }

    @Test func badArgumentsAreUsageErrors() async throws {
        let workspace = try Workspace("cli-dump-usage")
        let noAddress = try await sensorgw(["probe", "dump", "--bus", "1"], in: workspace)
        #expect(noAddress.status == 64)
        #expect(noAddress.output.contains("give --address"))
        let range = try await sensorgw(["probe", "dump", "--bus", "1", "--address", "0x76", "--registers", "0x20-0x10"],
                                       in: workspace)
        #expect(range.status == 64)
        #expect(range.output.contains("'0x20-0x10' is not a register range like 0x00-0xff"))
    }
}
