import Testing
import HAL
@testable import Agent

@Suite struct ScanGridTests {
    @Test func rendersLikeI2cdetect() throws {
        let found = [try #require(I2CAddress(0x03)), try #require(I2CAddress(0x48)), try #require(I2CAddress(0x76))]
        let lines = ScanGrid.render(found).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f")
        // 0x00-0x02 are reserved: blank, never probed.
        #expect(lines[1] == "00:          03 -- -- -- -- -- -- -- -- -- -- -- --")
        #expect(lines[5] == "40: -- -- -- -- -- -- -- -- 48 -- -- -- -- -- -- --")
        // 0x78-0x7F are reserved too.
        #expect(lines[8] == "70: -- -- -- -- -- -- 76 --                        ")
        #expect(lines.count == 10 && lines[9].isEmpty)
    }
}
