import HAL
import Testing

@testable import Boards

@Suite struct PinResolutionTests {
    let pi4: BoardProfile
    let pi5: BoardProfile

    init() throws {
        let catalog = try BoardCatalog.builtIn()
        pi4 = try #require(catalog.profile(named: "raspberry-pi-4"))
        pi5 = try #require(catalog.profile(named: "raspberry-pi-5"))
    }

    @Test func byPositionOrByName() throws {
        let byNumber = try pi4.resolvePin("11")
        let byName = try pi4.resolvePin("GPIO17")
        #expect(byNumber.address == GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("GPIO17")))
        #expect(byName == byNumber)
        #expect(byNumber.pin.position == "11")
    }

    @Test func unknownPinSaysSo() {
        #expect(throws: BoardProfileError.self) { try pi4.resolvePin("41") }
        #expect(throws: BoardProfileError.self) { try pi4.resolvePin("GPIO99") }
        do {
            _ = try pi4.resolvePin("1")
            Issue.record("pin 1 (3V3) resolved")
        } catch {
            #expect(error.description.contains("3V3"))
        }
    }

    /// A fake gpiochip inventory: a Pi 4 kernel whose device tree uses the function names
    /// (SDA1, SPI_MOSI), and a Pi 5 whose RP1 names every header line GPIOn.
    @Test func picksTheNameTheRunningChipHas() throws {
        let oldPi4Lines = ["ID_SDA", "ID_SCL", "SDA1", "SCL1", "GPIO_GCLK", "GPIO5", "GPIO6", "SPI_CE1_N", "SPI_CE0_N",
                           "SPI_MISO", "SPI_MOSI", "SPI_SCLK", "GPIO12", "GPIO13", "TXD1", "RXD1", "GPIO16", "GPIO17"]
        let chips: [String: [String]] = ["pinctrl-bcm2711": oldPi4Lines]
        let sda = try pi4.resolvePin("3") { chips[$0] }
        #expect(sda.address == GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("SDA1")))
        let mosi = try pi4.resolvePin("19") { chips[$0] }
        #expect(mosi.address == GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("SPI_MOSI")))
        #expect(mosi.candidates.count == 2)

        let rp1 = (0...27).map { "GPIO\($0)" }
        let pi5sda = try pi5.resolvePin("3") { $0 == "pinctrl-rp1" ? rp1 : nil }
        #expect(pi5sda.address == GPIOLineAddress(chip: "pinctrl-rp1", line: .name("GPIO2")))
    }

    @Test func aChipWithoutTheLineIsAnError() {
        #expect(throws: BoardProfileError.self) {
            try pi5.resolvePin("3") { _ in ["PCIE_RP1_WAKE"] }
        }
    }
}
