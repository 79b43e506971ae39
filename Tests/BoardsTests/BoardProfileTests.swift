import HAL
import Testing

@testable import Boards

/// The embedded profiles: they parse, they match Boards/*.yaml, and the header facts they hold
/// are the boards' (restated here from the Raspberry Pi and BeagleBone pinouts, not from the data).
@Suite struct BoardProfileTests {
    let catalog: BoardCatalog

    init() throws {
        catalog = try BoardCatalog.builtIn()
    }

    @Test func everyRequiredBoardIsThere() {
        let names = Set(catalog.profiles.map(\.name))
        for name in ["raspberry-pi-zero-2-w", "raspberry-pi-3b-plus", "raspberry-pi-4", "raspberry-pi-5",
                     "raspberry-pi-cm4", "raspberry-pi-cm5", "beaglebone-black", "libre-computer-aml-s905x-cc"] {
            #expect(names.contains(name), "missing profile \(name)")
        }
    }

    @Test func embeddedTextMatchesTheYAMLFiles() throws {
        // Tests/BoardsTests/ -> repository root.
        let root = String(#filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/"))
        for file in EmbeddedBoardProfiles.files {
            let onDisk = try #require(readTextFile(root + "/Boards/" + file.file), "Boards/\(file.file) unreadable")
            #expect(onDisk == file.text + "\n", "Boards/\(file.file) changed: run Scripts/generate-board-profiles.sh")
        }
        #expect(EmbeddedBoardProfiles.files.count == catalog.profiles.count)
    }

    @Test func profileNamesAreTheFileNames() {
        for file in EmbeddedBoardProfiles.files {
            #expect(catalog.profile(named: String(file.file.dropLast(".yaml".count))) != nil, "\(file.file)")
        }
    }

    @Test(arguments: [
        ("raspberry-pi-zero-2-w", "pinctrl-bcm2835"), ("raspberry-pi-3b-plus", "pinctrl-bcm2835"),
        ("raspberry-pi-4", "pinctrl-bcm2711"), ("raspberry-pi-cm4", "pinctrl-bcm2711"),
        ("raspberry-pi-5", "pinctrl-rp1"), ("raspberry-pi-cm5", "pinctrl-rp1"),
    ])
    func raspberryPiHeader(board: String, label: String) throws {
        let profile = try #require(catalog.profile(named: board))
        #expect(profile.pins.count == 40)
        // Raspberry Pi 40-pin header: pin -> BCM GPIO.
        let header: [String: String] = [
            "3": "GPIO2", "5": "GPIO3", "7": "GPIO4", "8": "GPIO14", "10": "GPIO15", "11": "GPIO17", "12": "GPIO18",
            "13": "GPIO27", "15": "GPIO22", "16": "GPIO23", "18": "GPIO24", "19": "GPIO10", "21": "GPIO9",
            "22": "GPIO25", "23": "GPIO11", "24": "GPIO8", "26": "GPIO7", "29": "GPIO5", "31": "GPIO6",
            "32": "GPIO12", "33": "GPIO13", "35": "GPIO19", "36": "GPIO16", "37": "GPIO26", "38": "GPIO20", "40": "GPIO21",
        ]
        for (position, gpio) in header {
            let resolved = try profile.resolvePin(position)
            #expect(resolved.address == GPIOLineAddress(chip: label, line: .name(gpio)), "pin \(position)")
        }
        for ground in ["6", "9", "14", "20", "25", "30", "34", "39"] {
            #expect(profile.pins.first { $0.position == ground }?.name == "GND")
            #expect(throws: BoardProfileError.self) { try profile.resolvePin(ground) }
        }
        #expect(profile.i2c.map(\.device) == ["/dev/i2c-1"])
        #expect(profile.i2c.first?.pins == ["3", "5"])
        #expect(profile.i2c.first?.i2cBusNumber == 1)
        #expect(profile.spi.map(\.device) == ["/dev/spidev0.0", "/dev/spidev0.1"])
        #expect(profile.spi.first?.pins == ["19", "21", "23", "24"])
    }

    @Test func beagleBoneLinesAreOnTheBankChips() throws {
        let profile = try #require(catalog.profile(named: "beaglebone-black"))
        // AM3358: P9_12 is GPIO1_28 (bank 1), P9_22 is GPIO0_2 (spi0_sclk), P8_7 is GPIO2_2.
        #expect(try profile.resolvePin("P9_12").address == GPIOLineAddress(chip: "gpio-32-63", line: .name("P9_12")))
        #expect(try profile.resolvePin("P9_22").address == GPIOLineAddress(chip: "gpio-0-31", line: .name("P9_22 [spi0_sclk]")))
        #expect(try profile.resolvePin("GPIO2_2").address == GPIOLineAddress(chip: "gpio-64-95", line: .name("P8_7")))
        #expect(profile.i2c.first?.device == "/dev/i2c-2")
    }

    @Test func noLineIsAddressedByAChipNumber() {
        for profile in catalog.profiles {
            for pin in profile.pins {
                for address in pin.lineAddresses {
                    #expect(!address.chip.hasPrefix("gpiochip") && !address.chip.hasPrefix("/dev/"),
                            "\(profile.name) pin \(pin.position) uses \(address.chip)")
                    guard case .name = address.line else {
                        Issue.record("\(profile.name) pin \(pin.position) uses an offset")
                        continue
                    }
                }
            }
        }
    }
}
