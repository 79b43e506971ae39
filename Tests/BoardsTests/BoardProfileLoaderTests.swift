import Testing

@testable import Boards

@Suite struct BoardProfileLoaderTests {
    static let minimal = """
        board: test
        title: Test board
        models: [Test Board]
        gpio_chip: chip-a
        i2c:
          - { name: i2c-3, device: /dev/i2c-3, pins: [1, 2] }
        pins:
          1: { name: GPIO1, lines: [GPIO1], function: SDA }
          2: { name: GPIO2, chip: chip-b, lines: [L2, OLD2] }
          3: { name: GND }
        """

    @Test func readsAMinimalProfile() throws {
        let profile = try BoardProfileLoader.load(yaml: Self.minimal, source: "test.yaml")
        #expect(profile.name == "test")
        #expect(profile.pins.map(\.position) == ["1", "2", "3"])
        #expect(profile.pins[1].chipLabel == "chip-b")
        #expect(profile.pins[1].lineNames == ["L2", "OLD2"])
        #expect(profile.pins[0].chipLabel == "chip-a")
        #expect(profile.pins[2].chipLabel == nil)
        #expect(profile.i2c.first?.i2cBusNumber == 3)
    }

    @Test func unknownKeyIsNamedWithItsLine() {
        let text = Self.minimal.replacingFirst("title:", with: "titel:")
        do {
            _ = try BoardProfileLoader.load(yaml: text, source: "bad.yaml")
            Issue.record("an unknown key loaded")
        } catch {
            #expect(error.source == "bad.yaml")
            #expect(error.line == 2)
            #expect(error.message.contains("titel"))
        }
    }

    @Test func aBusOnAMissingPinIsRefused() {
        let text = Self.minimal.replacingFirst("pins: [1, 2]", with: "pins: [1, 9]")
        #expect(throws: BoardProfileError.self) { try BoardProfileLoader.load(yaml: text, source: "bad.yaml") }
    }

    @Test func aRepeatedGPIONameIsRefused() {
        let text = Self.minimal.replacingFirst("name: GPIO2", with: "name: GPIO1")
        #expect(throws: BoardProfileError.self) { try BoardProfileLoader.load(yaml: text, source: "bad.yaml") }
    }
}

extension String {
    /// The text with the first occurrence of `target` replaced (no Foundation here).
    func replacingFirst(_ target: String, with replacement: String) -> String {
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(target) {
                return String(self[..<index]) + replacement + String(self[self.index(index, offsetBy: target.count)...])
            }
            index = self.index(after: index)
        }
        return self
    }
}
