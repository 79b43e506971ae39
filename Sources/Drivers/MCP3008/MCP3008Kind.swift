import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The Microchip MCP3008 as a sensor kind: `type: mcp3008`, on SPI, with `vref` and
/// `channels`, each channel scaled to the quantity the configuration declares
/// (``AnalogScaling``, `docs/ANALOG.md`).
public struct MCP3008Kind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// The voltage on VREF, volts.
        public var referenceVolts: Double
        /// The channels, converted in this order each sample.
        public var channels: [MCP3008Channel]

        /// Creates options; the default is VREF 3.3 V and the eight single-ended inputs.
        public init(referenceVolts: Double = 3.3,
                    channels: [MCP3008Channel] = (UInt8(0)...7).compactMap { MCP3008Input(singleEnded: true, select: $0) }
                        .map { MCP3008Channel(input: $0) }) {
            self.referenceVolts = referenceVolts
            self.channels = channels
        }
    }

    /// VREF may be 0.25 V up to VDD, at most 5.5 V (datasheet 1.0, Electrical Characteristics).
    static let referenceRange = 0.25...5.5
    /// At most this many channels per sensor (the chip's sixteen selections).
    static let maximumChannels = 16

    /// Creates the kind.
    public init() {}

    public var name: String { "mcp3008" }
    public var summary: String { "Microchip MCP3008 10-bit ADC, channels scaled to declared quantities" }
    public var buses: [SensorBusKind] { [.spi] }
    public var optionKeys: [String] { ["vref", "channels"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { nil }

    /// The default channels' quantities (`probe --list`); a configured sensor has its own.
    public var quantities: [QuantityRule] { quantities(for: Options()) }

    public func quantities(for options: any SensorOptions) -> [QuantityRule] {
        let options = (options as? Options) ?? Options()
        return options.channels.map { $0.rule(referenceVolts: options.referenceVolts) }
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {
            switch entry.key {
            case "vref":
                let volts = try entry.number()
                guard Self.referenceRange.contains(volts) else {
                    throw entry.error("vref must be 0.25 to 5.5 volts (at most VDD)")
                }
                options.referenceVolts = volts
            default:  // channels
                let items = try entry.items()
                guard (1...Self.maximumChannels).contains(items.count) else {
                    throw entry.error("give 1 to \(Self.maximumChannels) channels, found \(items.count)")
                }
                var channels: [(MCP3008Channel, ConfigValue)] = []
                for item in items { channels.append((try MCP3008Channel.decode(item), item)) }
                try checkDistinctQuantities(channels.map { ($0.0.scaling, $0.1) })
                options.channels = channels.map(\.0)
            }
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            guard case .spi(let path, let spi) = configuration.bus else {
                throw HALError(.invalidArgument, operation: "open mcp3008 \(configuration.id)", detail: "an MCP3008 needs an spi bus")
            }
            let adc = MCP3008(device: try await board.spiDevice(path, configuration: spi),
                              referenceVolts: options.referenceVolts)
            return MCP3008Sensor(adc: adc, channels: options.channels)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        guard case .spi(let path, let spi) = sensor.bus else { return }
        let chip = SimulatedMCP3008(configuration: spi)
        chip.referenceVolts = (sensor.options as? Options)?.referenceVolts ?? 3.3
        board.attach(chip, spiDevice: path)
        board.followWeather { weather in
            chip.inputVolts = SimulatedMCP3008.weatherVolts(weather)
        }
    }
}

/// The MCP3008 with its channels, as the sampler sees it.
struct MCP3008Sensor: SensorDriver {
    let adc: MCP3008
    let channels: [MCP3008Channel]

    func prepareForSampling() async throws { try adc.check() }

    /// One frame per channel, in order.
    func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        var readings: [Reading] = []
        for channel in channels {
            let volts = try await adc.convert(channel.input)
            readings.append(Reading(sensorID: sensorID, quantity: channel.scaling.quantity,
                                    value: channel.scaling.value(volts: volts), unit: channel.scaling.unit,
                                    timestamp: timestamp))
        }
        return readings
    }
}
