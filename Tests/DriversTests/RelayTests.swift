import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Testing
@testable import Drivers

private let coil = GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("GPIO5"))

@Suite("relay on the simulated GPIO")
struct RelayTests {
    @Test("An active-low relay board set on at start drives the wire low and reports true")
    func activeLowInitialOn() async throws {
        let gpio = SimulatedGPIO()
        let driver = RelayOutput(controller: gpio, options: RelayKind.Options(pin: GPIOPinSetting(coil), activeLow: true,
                                                                            initial: true), sensorID: "pump")
        try await driver.prepareForSampling()
        #expect(gpio.electricalLevel(coil) == false)
        #expect(gpio.outputValue(coil) == true)
        let readings = try await driver.sample(sensorID: "pump", at: SystemClock.now())
        #expect(readings.map(\.value) == [.boolean(true)])
        #expect(readings.map(\.quantity) == ["state"])
    }

    @Test("A new request after a failure keeps the state (the relay does not click)")
    func reRequestKeepsState() async throws {
        let gpio = SimulatedGPIO()
        let driver = RelayOutput(controller: gpio, options: RelayKind.Options(pin: GPIOPinSetting(coil)), sensorID: "fan")
        try await driver.prepareForSampling()
        try await driver.prepareForSampling()
        #expect(gpio.outputHistory(coil) == [false, false])
        #expect(gpio.consumer(of: coil) == "sensorgw:fan")
    }

    @Test("Options: initial and active_low, exactly one of pin and line")
    func options() throws {
        let yaml = """
            gateway: { id: gw }
            board: linux
            sensors:
              - { id: pump, type: relay, line: { chip: pinctrl-bcm2711, line: GPIO5 }, active_low: true, initial: true }
            storage: { path: /tmp/outbox.sqlite }
            mqtt: { host: localhost, tls: false }
            """
        let configuration = try GatewayConfiguration.parse(yaml: yaml, file: "x.yaml", baseDirectory: "/tmp",
                                                           kinds: SensorRegistry.builtIn.catalog)
        let options = try #require(configuration.sensors.first?.options as? RelayKind.Options)
        #expect(options == RelayKind.Options(pin: GPIOPinSetting(coil), activeLow: true, initial: true))
    }
}
