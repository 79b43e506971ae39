import Configuration
import HAL
import HALSimulation
import Pipeline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A board where every bus is simulated and each configured sensor has a simulated chip.
///
/// The chips report a gentle daily-looking swing (temperature ±2 °C, humidity ±5 %RH, pressure
/// ±150 Pa over ten minutes) so that a dashboard fed by the demo shows live data.
public final class SimulatedBoard: Board {
    private let i2cBuses: [Int: SimulatedI2CBus]
    private let spiDevices: [String: SimulatedSPIDevice]
    private let chips: [SimulatedBME280]

    /// Builds the buses and chips for `sensors`.
    public init(sensors: [GatewayConfiguration.SensorConfiguration]) {
        var buses: [Int: SimulatedI2CBus] = [:]
        var devices: [String: SimulatedSPIDevice] = [:]
        var chips: [SimulatedBME280] = []
        for sensor in sensors {
            let chip = SimulatedBME280()
            // The model's measuring bit counts status reads, not time; a loaded machine can make
            // the driver's first poll come after its deadline and read that as a timeout. A board
            // that runs in real time finishes each measurement at once instead.
            chip.statusReadsWhileMeasuring = 0
            switch sensor.bus {
            case .i2c(let number, let address):
                let bus = buses[number] ?? SimulatedI2CBus()
                bus.attach(chip, at: address)
                buses[number] = bus
            case .spi(let path, let configuration):
                devices[path] = SimulatedSPIDevice(model: chip, configuration: configuration)
            case .none:
                continue  // a synthetic sensor: no chip
            }
            chips.append(chip)
        }
        i2cBuses = buses
        spiDevices = devices
        self.chips = chips
    }

    /// A board with one BME280 at 0x76 on I2C bus `bus`, for `probe --simulated`.
    public static func demo(i2cBus bus: Int = 1, address: I2CAddress? = I2CAddress(UInt8(0x76)),
                            spiDevice: String? = nil) -> SimulatedBoard {
        var sensors: [GatewayConfiguration.SensorConfiguration] = []
        if let address {
            sensors.append(.init(id: "demo", type: .bme280, bus: .i2c(bus: bus, address: address)))
        }
        if let spiDevice {
            sensors.append(.init(id: "demo-spi", type: .bme280, bus: .spi(device: spiDevice, configuration: SPIConfiguration())))
        }
        return SimulatedBoard(sensors: sensors)
    }

    public func i2cBus(_ number: Int) async throws -> any I2CBus {
        updateWeather()
        // An empty simulated bus still exists, like an I2C adapter with nothing attached.
        return i2cBuses[number].map { WeatherBus(bus: $0, board: self) as any I2CBus } ?? SimulatedI2CBus()
    }

    public func spiDevice(_ path: String, configuration: SPIConfiguration) async throws -> any SPIDevice {
        guard let device = spiDevices[path] else {
            throw HALError(.noSuchDevice, operation: "open \(path)", detail: "no simulated chip on this SPI device")
        }
        return WeatherSPIDevice(device: device, board: self)
    }

    /// Sets every chip's environment from the time of day.
    func updateWeather() {
        let now = SystemClock.now()
        let phase = now.wallSeconds.truncatingRemainder(dividingBy: 600) / 600 * 2 * Double.pi
        let swing = sin(phase)
        let environment = SimulatedBME280.Environment(
            temperatureCelsius: 21.5 + 2 * swing, pressurePascal: 101_325 + 150 * swing,
            humidityPercent: 45 - 5 * swing)
        for chip in chips { chip.environment = environment }
    }
}

/// Refreshes the simulated weather before each transaction.
private struct WeatherBus: I2CBus {
    let bus: SimulatedI2CBus
    let board: SimulatedBoard

    func transaction(address: I2CAddress, _ operations: [I2COperation]) async throws -> [[UInt8]] {
        board.updateWeather()
        return try await bus.transaction(address: address, operations)
    }
}

private struct WeatherSPIDevice: SPIDevice {
    let device: SimulatedSPIDevice
    let board: SimulatedBoard
    var configuration: SPIConfiguration { device.configuration }

    func transaction(_ operations: [SPIOperation]) async throws -> [[UInt8]] {
        board.updateWeather()
        return try await device.transaction(operations)
    }
}
