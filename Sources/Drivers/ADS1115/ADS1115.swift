import HAL

/// Driver for the TI ADS1115 16-bit ADC in single-shot mode, one conversion per configured
/// channel.
///
/// A value type: nothing is read once, and the one task sampling a sensor serializes its calls.
/// The chip has no id register; ``check()`` reads the config register to see that something
/// answers at the address.
///
/// ```swift
/// let adc = ADS1115(bus: bus, address: I2CAddress(0x48)!, dataRate: .sps128)
/// let volts = try await adc.convert(ADS1115ChannelSettings(input: .ain0, fullScale: .volts4_096))
/// ```
public struct ADS1115: Sendable {
    /// The bus the chip is on.
    public let bus: any I2CBus
    /// 0x48...0x4B, set by the ADDR pin.
    public let address: I2CAddress
    /// The data rate of every conversion.
    public let dataRate: ADS1115DataRate

    private let clock: any Clock<Duration>

    /// Creates a driver; nothing is sent until ``check()`` or ``convert(_:)``.
    public init(bus: any I2CBus, address: I2CAddress, dataRate: ADS1115DataRate = .sps128,
                clock: any Clock<Duration> = ContinuousClock()) {
        self.bus = bus
        self.address = address
        self.dataRate = dataRate
        self.clock = clock
    }

    /// How often OS is read again once the maximum conversion time has passed.
    static let pollInterval = Duration.microseconds(500)
    /// How long past the maximum conversion time the driver keeps looking before giving up.
    static let deadlineMargin = Duration.milliseconds(2)

    /// Reads the config register (one transaction): an absent chip is an address NACK.
    /// - Throws: ``HALError``; `.badData` on a short read.
    public func check() async throws {
        let bytes = try await bus.writeRead(address: address, write: [ADS1115Register.config], readCount: 2)
        guard bytes.count == 2 else { throw short("read config", bytes.count, 2) }
    }

    /// Runs one single-shot conversion and returns the voltage (AINP - AINN).
    ///
    /// Writes the config word (OS = 1 starts the conversion), waits the maximum conversion time
    /// (1 / DR + 10 %), then reads the config register and the conversion register in one
    /// combined transaction (repeated starts): OS = 1 in the config read proves the result is
    /// the new one, and MUX/PGA/DR matching what was written proves the chip was not reset in
    /// between. Two transactions per channel. An adapter that cannot combine four segments
    /// (`.unsupported`, SMBus-only) gets the two reads one by one.
    ///
    /// - Throws: ``HALError``: `.timeout` when OS stays 0 past the deadline, `.badData` when the
    ///   config reads back other settings or a read is short, or whatever the bus throws;
    ///   `CancellationError` while waiting.
    public func convert(_ channel: ADS1115ChannelSettings) async throws -> Double {
        let word = channel.configWord(dataRate: dataRate)
        try await bus.write(address: address, [ADS1115Register.config, UInt8(word >> 8), UInt8(word & 0xFF)])
        return try await waitForResult(channel: channel, word: word)
    }

    private func waitForResult(channel: ADS1115ChannelSettings, word: UInt16) async throws -> Double {
        try await wait(on: clock, channel: channel, word: word)
    }

    private func wait<C: Clock<Duration>>(on clock: C, channel: ADS1115ChannelSettings, word: UInt16) async throws -> Double {
        let conversion = dataRate.maximumConversionTime
        let end = clock.now.advanced(by: conversion + Self.deadlineMargin)
        try await clock.sleep(for: conversion, tolerance: nil)
        while true {
            // Checked before the read, acted on after it: the last look is always past the deadline.
            let expired = clock.now >= end
            let (config, code) = try await readConfigAndResult()
            guard config & ADS1115Register.settingsMask == word & ADS1115Register.settingsMask else {
                throw HALError(.badData, operation: operation("read config"),
                               detail: "config reads back 0x\(hex(config)) after 0x\(hex(word)) was written: the chip was reset or another master changed it")
            }
            if config & ADS1115Register.operationalStatus != 0 { return channel.volts(code: code) }
            if expired {
                throw HALError(.timeout, operation: operation("conversion"),
                               detail: "OS still 0 after \(conversion + Self.deadlineMargin) at \(dataRate.samplesPerSecond) SPS")
            }
            try await clock.sleep(for: Self.pollInterval, tolerance: nil)
        }
    }

    private func readConfigAndResult() async throws -> (config: UInt16, code: UInt16) {
        let replies: [[UInt8]]
        do {
            replies = try await bus.transaction(address: address, [
                .write([ADS1115Register.config]), .read(count: 2),
                .write([ADS1115Register.conversion]), .read(count: 2),
            ])
        } catch let error as HALError where error.kind == .unsupported {
            let config = try await bus.writeRead(address: address, write: [ADS1115Register.config], readCount: 2)
            let result = try await bus.writeRead(address: address, write: [ADS1115Register.conversion], readCount: 2)
            replies = [config, result]
        }
        guard replies.count == 2, replies[0].count == 2, replies[1].count == 2 else {
            let got = replies.map(\.count).reduce(0, +)
            throw short("read config and conversion", got, 4)
        }
        return (UInt16(replies[0][0]) << 8 | UInt16(replies[0][1]), UInt16(replies[1][0]) << 8 | UInt16(replies[1][1]))
    }

    private func short(_ step: String, _ got: Int, _ expected: Int) -> HALError {
        HALError(.badData, operation: operation(step), detail: "expected \(expected) bytes, got \(got)")
    }

    private func operation(_ step: String) -> String { "ads1115 i2c@\(address) \(step)" }

    private func hex(_ word: UInt16) -> String {
        let text = String(word, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}
