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

    @Test("set_output through the sampler's LazySensor drives the line, and the next sample reports it")
    func setOutputThroughTheSensor() async throws {
        let gpio = SimulatedGPIO()
        let sensor = LazySensor(id: "pump") {
            RelayOutput(controller: gpio, options: RelayKind.Options(pin: GPIOPinSetting(coil), activeLow: true), sensorID: "pump")
        }
        // Before the sampler prepared it: the line is requested holding the new state.
        try await sensor.setOutput(true)
        #expect(gpio.outputHistory(coil) == [true])
        #expect(gpio.electricalLevel(coil) == false)
        try await sensor.setOutput(false)
        #expect(gpio.outputHistory(coil) == [true, false])
        #expect(try await sensor.measure(at: SystemClock.now()).map(\.value) == [.boolean(false)])
        // A sensor that is not an output refuses, naming itself.
        let input = LazySensor(id: "air") {
            RelayOutputLessDriver()
        }
        await #expect(throws: HALError.self) { try await input.setOutput(true) }
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

/// A driver that is not an output.
private struct RelayOutputLessDriver: SensorDriver {
    func prepareForSampling() async throws {}
    func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] { [] }
}
