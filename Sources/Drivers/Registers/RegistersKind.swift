import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// A chip described in the configuration (`type: registers`): no code per chip, the registers,
/// byte order, bit fields, scale, offset and unit of each quantity in the file
/// (``RegisterSensorDescription``, docs/SENSORS.md, `Examples/registers-lps22hb.yaml`).
public struct RegistersKind: SimulatedSensorKind {
    /// Creates the kind.
    public init() {}

    public var name: String { "registers" }
    public var summary: String { "any register-map chip described in the config (fields: register, length, scale, unit)" }
    public var buses: [SensorBusKind] { [.i2c, .spi] }
    public var optionKeys: [String] { RegistersOptionsDecoder.topKeys }
    public var requiredOptionKeys: [String] { ["fields"] }
    public var defaultOptions: any SensorOptions { RegisterSensorDescription(fields: []) }
    public var defaultI2CAddress: I2CAddress? { nil }
    /// None fixed: each sensor's come from its `fields` (``quantities(for:)``).
    public var quantities: [QuantityRule] { [] }

    public func quantities(for options: any SensorOptions) -> [QuantityRule] {
        (options as? RegisterSensorDescription)?.quantityRules ?? []
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        try RegistersOptionsDecoder.decode(entries)
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let description = configuration.options as? RegisterSensorDescription ?? RegisterSensorDescription(fields: [])
        return LazySensor(id: configuration.id) {
            switch configuration.bus {
            case .i2c(let bus, let address):
                return RegisterSensor(description: description, transport: .i2c(try await board.i2cBus(bus), address),
                                      clock: board.clock)
            case .spi(let path, let spi):
                return RegisterSensor(description: description,
                                      transport: .spi(try await board.spiDevice(path, configuration: spi)),
                                      clock: board.clock)
            case .none:
                throw HALError(.invalidArgument, operation: "open registers \(configuration.id)",
                               detail: "a register chip needs an i2c or spi bus")
            }
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        guard let description = sensor.options as? RegisterSensorDescription else { return }
        let chip = SimulatedDescribedChip(description)
        switch sensor.bus {
        case .i2c(let bus, let address): board.attach(chip.device, bus: bus, address: address)
        case .spi(let path, let configuration):
            // The simulated SPI framing reads `control | 0x80`; a chip whose registers all sit
            // below 0x80 is addressed by the low seven bits.
            let sevenBit = description.fields.allSatisfy { $0.registers.upperBound < 0x80 }
                && (description.identity.map { Int($0.register) + $0.length <= 0x80 } ?? true)
            let model: any SimulatedRegisterModel = sevenBit ? SevenBitRegisterWindow(chip.device) : chip.device
            board.attach(model, spiDevice: path, configuration: configuration)
        case .none: return
        }
        board.followWeather { weather in chip.show(weather) }
    }
}
