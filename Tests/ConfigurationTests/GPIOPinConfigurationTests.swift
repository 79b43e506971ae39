import Foundation
import HAL
import Testing
@testable import Configuration
import Drivers

/// `board:` with header profiles and the GPIO kinds' `pin:` / `line:` option. Pin data restated
/// from Boards/raspberry-pi-4.yaml and raspberry-pi-5.yaml: header pin 11 is GPIO17, on the chip
/// labelled pinctrl-bcm2711 (Pi 4) or pinctrl-rp1 (Pi 5); pin 1 is 3V3.
@Suite("GPIO pins in the configuration")
struct GPIOPinConfigurationTests {
    let sandbox: Sandbox
    var d: String { sandbox.path }

    init() throws {
        sandbox = try Sandbox()
    }

    /// Line numbers: board on 3, the sensor's entry on 5, its type on 6, `option` on 7.
    private func yaml(board: String = "raspberry-pi-4", type: String = "gpio_input", _ options: String...) -> String {
        (["gateway:", "  id: gw", "board: \(board)", "sensors:", "  - id: door", "    type: \(type)"]
            + options.map { "    \($0)" }
            + ["storage:", "  path: outbox.sqlite", "mqtt:", "  host: localhost", "  tls: false", ""]).joined(separator: "\n")
    }

    private func parse(_ text: String, detection: GatewayConfiguration.BoardDetection = .deferred) throws -> GatewayConfiguration {
        try GatewayConfiguration.parse(yaml: text, file: configName, baseDirectory: d, kinds: testKinds,
                                       boardDetection: detection)
    }

    private func line(of configuration: GatewayConfiguration) -> GPIOInputLineOptions? {
        (configuration.sensors.first?.options as? GPIOInputKind.Options)?.line
    }

    private func expectError(_ text: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(errorDescription(text, base: d) == expected, sourceLocation: sourceLocation)
    }

    @Test func headerPinByNumberOrNameResolvesToTheProfilesChipLabelAndLineName() throws {
        let gpio17 = GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("GPIO17"))
        let byNumber = try parse(yaml("pin: 11"))
        #expect(byNumber.board == .linux)
        #expect(byNumber.headerProfile == .named("raspberry-pi-4"))
        #expect(line(of: byNumber)?.pin.candidates == [gpio17])
        #expect(line(of: try parse(yaml("pin: GPIO17")))?.pin.candidates == [gpio17])
        // The same file on a Pi 5: the header is on the RP1, another chip label.
        #expect(line(of: try parse(yaml(board: "raspberry-pi-5", "pin: 11")))?.pin.candidates
                == [GPIOLineAddress(chip: "pinctrl-rp1", line: .name("GPIO17"))])
    }

    @Test func theSimulatedBoardMayHaveAHeader() throws {
        let configuration = try parse(yaml(board: "{ simulated: { profile: raspberry-pi-4 } }", "pin: 11"))
        #expect(configuration.board == .simulated)
        #expect(configuration.headerProfile == .named("raspberry-pi-4"))
        #expect(line(of: configuration)?.pin.candidates == [GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("GPIO17"))])
    }

    @Test func sensorsBeforeTheBoardStillResolveAgainstIt() throws {
        let text = "sensors:\n  - { id: door, type: gpio_input, pin: 11 }\n" + yaml("pin: 13")
            .replacingOccurrences(of: "sensors:\n  - id: door\n    type: gpio_input\n    pin: 13\n", with: "")
        #expect(line(of: try parse(text))?.pin.candidates == [GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("GPIO17"))])
    }

    @Test func lineByChipLabelAndNameOrOffset() throws {
        let byName = try parse(yaml(board: "linux", "line: { chip: pinctrl-bcm2711, line: GPIO17 }"))
        #expect(byName.headerProfile == GatewayConfiguration.HeaderProfile.none)
        #expect(line(of: byName)?.pin.candidates == [GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("GPIO17"))])
        let byOffset = try parse(yaml(board: "linux", "line: { chip: gpio-sim.0-node0, line: 3 }"))
        #expect(line(of: byOffset)?.pin.candidates == [GPIOLineAddress(chip: "gpio-sim.0-node0", line: .offset(3))])
    }

    @Test func optionsOfTheInput() throws {
        let configuration = try parse(yaml("pin: 11", "bias: pull_up", "active_low: true", "debounce: 20ms"))
        let options = try #require(line(of: configuration))
        #expect(options.bias == .pullUp)
        #expect(options.activeLow)
        #expect(options.debounceMicroseconds == 20_000)
    }

    @Test func aHeaderPinWithoutABoardProfileSaysToSetBoard() {
        expectError(yaml(board: "linux", "pin: 11"),
                    "sensorgw.yaml:7:10: sensors[0].pin: pin '11' is a header pin, which needs the board's header: set board: "
                    + "to a profile (\(boardProfileNames)) or auto, or give line: { chip: LABEL, line: NAME } instead")
    }

    @Test func anUnknownOrPowerPinIsAnErrorAtThePin() {
        expectError(yaml("pin: 41"),
                    "sensorgw.yaml:7:10: sensors[0].pin: no header pin '41' (give a position like 1 or a name like GPIO2)")
        expectError(yaml("pin: 1"), "sensorgw.yaml:7:10: sensors[0].pin: pin 1 is 3V3, not a GPIO line")
    }

    @Test func aGpiochipNumberIsRefusedWithTheReason() {
        for chip in ["gpiochip0", "/dev/gpiochip4", "0"] {
            let message = errorDescription(yaml(board: "linux", "line: { chip: \(chip), line: 17 }"), base: d) ?? ""
            #expect(message.hasPrefix("sensorgw.yaml:7:19: sensors[0].line.chip: '\(chip)' is a gpiochip number"), "\(message)")
            #expect(message.contains("kernel 6.6 and the Raspberry Pi 5 renumbered the chips"))
        }
    }

    @Test func aGPIOSensorNeedsExactlyOneOfPinAndLine() {
        expectError(yaml(), "sensorgw.yaml:5:5: sensors[0]: missing pin or line: gpio_input needs one of them")
        expectError(yaml("pin: 11", "line: { chip: pinctrl-bcm2711, line: GPIO17 }"),
                    "sensorgw.yaml:8:11: sensors[0].line: give either pin or line, not both (pin is given above)")
    }

    @Test func anUnknownProfileListsTheKnownOnes() {
        expectError(yaml(board: "raspberry-pi-6", "pin: 11"),
                    "sensorgw.yaml:3:8: board: unknown board 'raspberry-pi-6'; expected simulated, linux, auto or a board profile: \(boardProfileNames)")
        expectError(yaml(board: "{ simulated: { profile: raspberry-pi-6 } }", "pin: 11"),
                    "sensorgw.yaml:3:32: board.simulated.profile: unknown board profile 'raspberry-pi-6'; expected one of: \(boardProfileNames)")
    }

    @Test func autoIsNotResolvedByConfigCheckButPinsMustExistOnSomeBoard() throws {
        let configuration = try parse(yaml(board: "auto", "pin: P9_12"))
        #expect(configuration.headerProfile == .undetected)
        #expect(line(of: configuration)?.pin.candidates == [])
        expectError(yaml(board: "auto", "pin: P99_1"),
                    "sensorgw.yaml:7:10: sensors[0].pin: no known board has a GPIO header pin 'P99_1' (board: auto)")
    }

    @Test func autoAtTheAgentsStartReadsTheDeviceTreeModel() throws {
        let root = "\(d)/root"
        try FileManager.default.createDirectory(atPath: "\(root)/proc/device-tree", withIntermediateDirectories: true)
        try Data("Raspberry Pi 4 Model B Rev 1.4\0".utf8).write(to: URL(fileURLWithPath: "\(root)/proc/device-tree/model"))
        let configuration = try parse(yaml(board: "auto", "pin: 11"), detection: .deviceTree(root: root))
        #expect(configuration.headerProfile == .detected("raspberry-pi-4"))
        #expect(line(of: configuration)?.pin.candidates == [GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("GPIO17"))])
    }

    @Test func aPinsAlternativeLineNamesAreKeptInOrder() throws {
        // Pin 3 of a Pi 4 is GPIO2, named SDA1 by older device trees; both go to the driver.
        #expect(line(of: try parse(yaml("pin: 3")))?.pin.candidates == ["GPIO2", "SDA1"].map {
            GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name($0))
        })
    }

    @Test func autoOnAPi5ResolvesTheSameFileToTheRP1() throws {
        let root = "\(d)/pi5"
        try FileManager.default.createDirectory(atPath: "\(root)/sys/firmware/devicetree/base", withIntermediateDirectories: true)
        try Data("Raspberry Pi 5 Model B Rev 1.0\0".utf8)
            .write(to: URL(fileURLWithPath: "\(root)/sys/firmware/devicetree/base/model"))
        let configuration = try parse(yaml(board: "auto", "pin: 16"), detection: .deviceTree(root: root))
        #expect(configuration.headerProfile == .detected("raspberry-pi-5"))
        #expect(line(of: configuration)?.pin.candidates == [GPIOLineAddress(chip: "pinctrl-rp1", line: .name("GPIO23"))])
    }

    @Test func autoWithoutADeviceTreeIsAnErrorAtBoard() {
        let empty = "\(d)/no-device-tree"
        #expect(throws: ConfigurationError.self) {
            try parse(yaml(board: "auto", "pin: 11"), detection: .deviceTree(root: empty))
        }
        do {
            _ = try parse(yaml(board: "auto", "pin: 11"), detection: .deviceTree(root: empty))
        } catch {
            #expect("\(error)".hasPrefix("sensorgw.yaml:3:8: board: auto: no device-tree model under \(empty)/proc/device-tree/model"))
        }
    }

    @Test func pulseCounterUnitsAndScale() throws {
        let configuration = try parse(yaml(type: "pulse_counter", "pin: 11", "edge: falling", "scale: 0.0002794", "unit: m"))
        let options = try #require(configuration.sensors.first?.options as? PulseCounterKind.Options)
        #expect(options.edges == .falling)
        #expect(options.scale == 0.0002794)
        #expect(PulseCounterKind().quantities(for: options).map(\.unit.rawValue) == ["m", "m/s"])
        expectError(yaml(type: "pulse_counter", "pin: 11", "unit: Cel"),
                    "sensorgw.yaml:8:11: sensors[0].unit: unit 'Cel' has no per-second SenML unit for the rate; use one of: "
                    + "J, VAs, bit, count, l, m, m3, vars")
        expectError(yaml(type: "pulse_counter", "pin: 11", "scale: 0"),
                    "sensorgw.yaml:8:12: sensors[0].scale: expected a positive amount per pulse, found 0.0")
    }
}

@Suite("Examples/raspberry-pi-gpio.yaml")
struct GPIOExampleTests {
    @Test("parses once its /etc and /var/lib paths point at real files, pins resolved on the Pi 4 header")
    func parses() throws {
        let sandbox = try Sandbox(certs: "etc/sensorgw")
        try FileManager.default.createDirectory(atPath: "\(sandbox.path)/var/lib", withIntermediateDirectories: true)
        let yaml = try String(contentsOfFile: "\(examplesDirectory)/raspberry-pi-gpio.yaml", encoding: .utf8)
            .replacingOccurrences(of: "/etc/sensorgw/", with: "\(sandbox.path)/etc/sensorgw/")
            .replacingOccurrences(of: "/var/lib/sensorgw/", with: "\(sandbox.path)/var/lib/sensorgw/")
        let config = try GatewayConfiguration.parse(yaml: yaml, file: "raspberry-pi-gpio.yaml", baseDirectory: "/nowhere",
                                                    kinds: testKinds)
        #expect(config.headerProfile == .named("raspberry-pi-4"))
        #expect(config.sensors.map(\.kind) == ["gpio_input", "gpio_input", "pulse_counter", "pulse_counter"])
        let lines = config.sensors.compactMap { sensor -> [GPIOLineAddress]? in
            (sensor.options as? GPIOInputKind.Options)?.line.pin.candidates
                ?? (sensor.options as? PulseCounterKind.Options)?.line.pin.candidates
        }
        // Header pins 11 and 13 are GPIO17 and GPIO27, GPIO23 is pin 16 (Boards/raspberry-pi-4.yaml).
        #expect(lines == [["GPIO17"], ["GPIO23"], ["GPIO27"], ["GPIO22"]].map { names in
            names.map { GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name($0)) }
        })
    }
}
