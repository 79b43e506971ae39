import Testing

@testable import Boards

@Suite struct BoardTableTests {
    @Test func tableHasOneRowPerPinAndTheBuses() throws {
        let profile = try #require(try BoardCatalog.builtIn().profile(named: "raspberry-pi-5"))
        let text = BoardTable.render(profile, model: "Raspberry Pi 5 Model B Rev 1.0")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "board: raspberry-pi-5 (Raspberry Pi 5, Pi 500)")
        #expect(lines.contains { $0.hasPrefix("11 ") && $0.contains("GPIO17") && $0.contains("pinctrl-rp1") })
        #expect(lines.contains { $0.hasPrefix("i2c ") && $0.contains("/dev/i2c-1") && $0.contains("3,5") })
        #expect(lines.filter { $0.first?.isNumber == true }.count == 40)
    }

    @Test func jsonQuotesNamesWithSpacesAndBrackets() throws {
        let profile = try #require(try BoardCatalog.builtIn().profile(named: "beaglebone-black"))
        let json = BoardTable.json(profile, model: nil)
        #expect(json.contains(#"{"pin":"P9_22","name":"GPIO0_2","chip":"gpio-0-31","lines":["P9_22 [spi0_sclk]"],"function":"SPI0 SCLK"}"#))
        #expect(BoardTable.quote("a\"b\\c\n") == #""a\"b\\c\n""#)
    }
}
