import Configuration
import HAL
import HALSimulation
import Pipeline
import SensorKit
import SimulatedBoard
import Synchronization
import Testing
@testable import Drivers

private let door = GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("GPIO17"))

private func configuration(_ options: GPIOInputLineOptions) -> GatewayConfiguration.SensorConfiguration {
    GatewayConfiguration.SensorConfiguration(id: "door", kind: "gpio_input", bus: .none,
                                             options: GPIOInputKind.Options(line: options))
}

@Suite("gpio_input on the simulated GPIO")
struct GPIOInputTests {
    @Test("A reed switch to ground with a pull-up, active low: closed reads true")
    func reedSwitchActiveLow() async throws {
        let sensor = configuration(GPIOInputLineOptions(pin: GPIOPinSetting(door), bias: .pullUp, activeLow: true))
        let board = SimulatedBoard(sensors: [sensor], registry: .builtIn)
        let sampler = GPIOInputKind().makeSensor(sensor, board: board)
        try await sampler.prepare()
        // Open: the pull-up holds the wire high, which active-low reads as false.
        #expect(board.gpio.electricalLevel(door) == true)
        let open = try await sampler.measure(at: SystemClock.now())
        #expect(open.map(\.value) == [.boolean(false)])
        #expect(open.map(\.quantity) == ["state"])
        #expect(open.map(\.unit.rawValue) == ["/"])
        board.gpio.drive(door, to: false)  // the magnet closes the switch: the wire goes to ground
        #expect(try await sampler.measure(at: SystemClock.now()).map(\.value) == [.boolean(true)])
        #expect(board.gpio.consumer(of: door) == "sensorgw:door")
    }

    @Test("The line is requested with the configured bias, polarity and debounce")
    func requestSettings() async throws {
        let gpio = RecordingGPIO()
        let options = GPIOInputLineOptions(pin: GPIOPinSetting(door), bias: .pullDown, activeLow: false,
                                           debounce: .milliseconds(15))
        let driver = GPIOInputSensor(controller: gpio, options: options, sensorID: "pir")
        try await driver.prepareForSampling()
        let request = try #require(gpio.requests.first)
        #expect(request.address == door)
        #expect(request.configuration == GPIOInputConfiguration(bias: .pullDown, activeLow: false, edges: .none,
                                                                debounceMicroseconds: 15_000))
    }

    @Test("A header pin's names are tried in order: a kernel that lacks the first name gets the second")
    func candidatesInOrder() async throws {
        let sda = GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("SDA1"))
        let gpio2 = GPIOLineAddress(chip: "pinctrl-bcm2711", line: .name("GPIO2"))
        let gpio = RecordingGPIO(missing: [gpio2])
        let pin = GPIOPinSetting(written: "pin 3", candidates: [gpio2, sda])
        let driver = GPIOInputSensor(controller: gpio, options: GPIOInputLineOptions(pin: pin), sensorID: "x")
        try await driver.prepareForSampling()
        #expect(gpio.requests.map(\.address) == [gpio2, sda])
    }

    @Test("A line held by another process is a typed error, and an unresolved auto pin too")
    func faults() async throws {
        let gpio = SimulatedGPIO()
        _ = try await gpio.requestInput(door, consumer: "other", configuration: GPIOInputConfiguration())
        let held = GPIOInputSensor(controller: gpio, options: GPIOInputLineOptions(pin: GPIOPinSetting(door)), sensorID: "x")
        await #expect(throws: HALError.self) { try await held.prepareForSampling() }
        let unresolved = GPIOInputSensor(controller: gpio, options: GPIOInputLineOptions(
            pin: GPIOPinSetting(written: "pin 11", candidates: [])), sensorID: "y")
        do {
            try await unresolved.prepareForSampling()
            Issue.record("an unresolved pin was requested")
        } catch let error as HALError {
            #expect(error.kind == .invalidArgument)
        }
        // A board without GPIO fails the sensor, it does not crash the agent.
        let sensor = configuration(GPIOInputLineOptions(pin: GPIOPinSetting(door)))
        let noGPIO = GPIOInputKind().makeSensor(sensor, board: NoGPIOBoard())
        await #expect(throws: HALError.self) { try await noGPIO.prepare() }
    }
}

/// A board with buses only: the protocol's default `gpioController()` applies.
struct NoGPIOBoard: Board {
    func i2cBus(_ number: Int) async throws -> any I2CBus { SimulatedI2CBus() }
    func spiDevice(_ path: String, configuration: SPIConfiguration) async throws -> any SPIDevice {
        throw HALError(.noSuchDevice, operation: "open \(path)")
    }
}

/// Records each request and passes it to a simulated controller; `missing` lines do not exist.
final class RecordingGPIO: GPIOController {
    struct Request: Sendable { var address: GPIOLineAddress; var configuration: GPIOInputConfiguration }
    private let lock = Mutex<[Request]>([])
    private let missing: Set<GPIOLineAddress>
    let simulated = SimulatedGPIO()

    init(missing: Set<GPIOLineAddress> = []) { self.missing = missing }

    var requests: [Request] { lock.withLock { $0 } }

    func requestInput(_ address: GPIOLineAddress, consumer: String,
                      configuration: GPIOInputConfiguration) async throws -> any GPIOInput {
        lock.withLock { $0.append(Request(address: address, configuration: configuration)) }
        if missing.contains(address) { throw HALError(.noSuchDevice, operation: "gpio request \(address)") }
        return try await simulated.requestInput(address, consumer: consumer, configuration: configuration)
    }

    func requestOutput(_ address: GPIOLineAddress, consumer: String,
                       configuration: GPIOOutputConfiguration) async throws -> any GPIOOutput {
        try await simulated.requestOutput(address, consumer: consumer, configuration: configuration)
    }
}
