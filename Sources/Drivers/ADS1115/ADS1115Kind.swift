import Configuration
import HAL
import HALSimulation
import Pipeline
import Sampling
import SensorKit
import SimulatedBoard

/// The TI ADS1115 as a sensor kind: `type: ads1115`, on I2C, with `data_rate` and `channels`,
/// each channel scaled to the quantity the configuration declares (``AnalogScaling``).
public struct ADS1115Kind: SimulatedSensorKind {
    /// The kind's options.
    public struct Options: SensorOptions, Equatable {
        /// Samples per second of every conversion.
        public var dataRate: ADS1115DataRate
        /// The channels, converted in this order each sample.
        public var channels: [ADS1115Channel]

        /// Creates options; the default converts the four single-ended inputs at ±4.096 V
        /// (a 3.3 V board's whole span) and 128 SPS (the reset rate).
        public init(dataRate: ADS1115DataRate = .sps128,
                    channels: [ADS1115Channel] = [.init(input: .ain0), .init(input: .ain1), .init(input: .ain2),
                                                  .init(input: .ain3)]) {
            self.dataRate = dataRate
            self.channels = channels
        }
    }

    /// At most this many channels per sensor (twice the chip's eight MUX settings would be
    /// a configuration slip, not a use).
    static let maximumChannels = 8

    /// Creates the kind.
    public init() {}

    public var name: String { "ads1115" }
    public var summary: String { "TI ADS1115 16-bit ADC, channels scaled to declared quantities" }
    public var buses: [SensorBusKind] { [.i2c] }
    public var optionKeys: [String] { ["data_rate", "channels"] }
    public var defaultOptions: any SensorOptions { Options() }
    public var defaultI2CAddress: I2CAddress? { I2CAddress(ADS1115Register.defaultAddress) }

    /// The default channels' quantities (`probe --list`); a configured sensor has its own.
    public var quantities: [QuantityRule] { quantities(for: Options()) }

    public func quantities(for options: any SensorOptions) -> [QuantityRule] {
        ((options as? Options) ?? Options()).channels.map(\.rule)
    }

    public func decodeOptions(_ entries: [ConfigValue]) throws(ConfigurationError) -> any SensorOptions {
        var options = Options()
        for entry in entries {
            switch entry.key {
            case "data_rate":
                let rates = ADS1115DataRate.allCases.map(\.samplesPerSecond)
                let rate = try entry.integer(oneOf: rates,
                                             message: "data_rate must be one of \(rates.map(String.init).joined(separator: ", ")) (samples per second)")
                options.dataRate = ADS1115DataRate(samplesPerSecond: rate) ?? .sps128
            default:  // channels
                let items = try entry.items()
                guard (1...Self.maximumChannels).contains(items.count) else {
                    throw entry.error("give 1 to \(Self.maximumChannels) channels, found \(items.count)")
                }
                var channels: [(ADS1115Channel, ConfigValue)] = []
                for item in items { channels.append((try ADS1115Channel.decode(item), item)) }
                try checkDistinctQuantities(channels.map { ($0.0.scaling, $0.1) })
                options.channels = channels.map(\.0)
            }
        }
        return options
    }

    public func makeSensor(_ configuration: GatewayConfiguration.SensorConfiguration, board: any Board) -> any Sensor {
        let options = configuration.options as? Options ?? Options()
        return LazySensor(id: configuration.id) {
            guard case .i2c(let bus, let address) = configuration.bus else {
                throw HALError(.invalidArgument, operation: "open ads1115 \(configuration.id)", detail: "an ADS1115 needs an i2c bus")
            }
            let adc = ADS1115(bus: try await board.i2cBus(bus), address: address, dataRate: options.dataRate,
                              clock: board.clock)
            return ADS1115Sensor(adc: adc, channels: options.channels)
        }
    }

    public func attachModel(for sensor: GatewayConfiguration.SensorConfiguration, to board: inout SimulatedBoardLayout) {
        guard case .i2c(let bus, let address) = sensor.bus else { return }
        // No clock: on a board that runs in real time each conversion is done at once.
        let chip = SimulatedADS1115()
        board.attach(chip, bus: bus, address: address)
        board.followWeather { weather in
            chip.inputVolts = SimulatedADS1115.weatherVolts(weather)
        }
    }
}

/// The ADS1115 with its channels, as the sampler sees it.
struct ADS1115Sensor: SensorDriver {
    let adc: ADS1115
    let channels: [ADS1115Channel]

    func prepareForSampling() async throws { try await adc.check() }

    /// One conversion per channel, in order: 2 transactions each.
    func sample(sensorID: String, at timestamp: Timestamp) async throws -> [Reading] {
        var readings: [Reading] = []
        for channel in channels {
            let volts = try await adc.convert(channel.settings)
            readings.append(Reading(sensorID: sensorID, quantity: channel.scaling.quantity,
                                    value: channel.scaling.value(volts: volts), unit: channel.scaling.unit,
                                    timestamp: timestamp))
        }
        return readings
    }
}
