import Configuration
import HAL
import HALSimulation
import SensorKit

/// A sensor kind that can put a model of its chip on the simulated board, so that `board:
/// simulated` and `probe --simulated` work for it with no hardware.
public protocol SimulatedSensorKind: SensorKind {
    /// Attaches a model of the chip for `sensor` at the sensor's bus and address.
    func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout)
}

/// The simulated board while it is being put together: which models sit where, and which of
/// them follow the simulated weather.
public struct SimulatedBoardLayout {
    var i2cBuses: [Int: SimulatedI2CBus] = [:]
    var spiDevices: [String: any SPIDevice] = [:]
    var weatherFollowers: [@Sendable (SimulatedWeather) -> Void] = []
    var signals: [(line: GPIOLineAddress, interval: Duration)] = []
    /// The board's fake sysfs/procfs tree, where kernel-driven kinds put their device's files.
    public let files = SimulatedSystemFiles()
    /// The board's GPIO lines, any chip label accepted, where GPIO kinds set their line's level.
    public let gpio = SimulatedGPIO()

    init() {}

    /// Hosts `device` at `address` on I2C bus `bus`.
    public mutating func attach(_ device: any SimulatedI2CDevice, bus: Int, address: I2CAddress) {
        let hostBus = i2cBuses[bus] ?? SimulatedI2CBus()
        hostBus.attach(device, at: address)
        i2cBuses[bus] = hostBus
    }

    /// Puts `model` behind the SPI device node `path`.
    public mutating func attach(_ model: any SimulatedRegisterModel, spiDevice path: String,
                                configuration: SPIConfiguration) {
        spiDevices[path] = SimulatedSPIDevice(model: model, configuration: configuration)
    }

    /// Hosts a replay of `fixture` where `sensor` is wired.
    mutating func attach(_ fixture: DeviceFixture, for sensor: GatewayConfiguration.SensorConfiguration) {
        switch sensor.bus {
        case .i2c(let bus, let address): attach(FixtureI2CDevice(fixture), bus: bus, address: address)
        case .spi(let path, let configuration): attach(FixtureSPIModel(fixture), spiDevice: path, configuration: configuration)
        case .none: return
        }
    }

    /// Puts a chip model that speaks its own SPI framing (not the register protocol of
    /// ``SimulatedSPIDevice``, e.g. an ADC's command frames) behind the SPI device node `path`.
    public mutating func attach(_ device: any SPIDevice, spiDevice path: String) {
        spiDevices[path] = device
    }

    /// Toggles input `line` every `interval` once the board's GPIO is first used (a pulse train of
    /// one pulse per two intervals, with real monotonic edge timestamps), for as long as the board
    /// lives: a rain gauge or flow meter on `board: simulated` then counts something.
    public mutating func simulateSignal(on line: GPIOLineAddress, interval: Duration) {
        signals.append((line, interval))
    }

    /// Calls `update` with the simulated weather before every transaction, so the model's next
    /// measurement reports it.
    public mutating func followWeather(_ update: @escaping @Sendable (SimulatedWeather) -> Void) {
        weatherFollowers.append(update)
    }
}

/// What the simulated board's environment is doing: a gentle swing over ten minutes, so a
/// dashboard fed by the demo shows live data.
public struct SimulatedWeather: Sendable, Hashable {
    /// Air temperature, °C.
    public var temperatureCelsius: Double
    /// Air pressure, Pa.
    public var pressurePascal: Double
    /// Relative humidity, %.
    public var humidityPercent: Double
    /// Illuminance, lx.
    public var illuminanceLux: Double

    /// The weather at `wallSeconds`: temperature 21.5 ± 2 °C, pressure 101325 ± 150 Pa,
    /// humidity 45 ∓ 5 %RH, light 300 ± 200 lx, one period per ten minutes.
    public static func at(wallSeconds: Double) -> SimulatedWeather {
        let phase = wallSeconds.truncatingRemainder(dividingBy: 600) / 600 * 2 * Double.pi
        let swing = sine(phase)
        return SimulatedWeather(temperatureCelsius: 21.5 + 2 * swing, pressurePascal: 101_325 + 150 * swing,
                                humidityPercent: 45 - 5 * swing, illuminanceLux: 300 + 200 * swing)
    }
}
