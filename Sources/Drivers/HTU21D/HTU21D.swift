import HAL

/// Driver for the TE HTU21D and the Silicon Labs Si7021 family, no-hold-master measurements.
///
/// An actor because ``start()`` learns which chip answers from its electronic id, and the
/// sample sequence depends on it: a Si70xx measures temperature with every humidity
/// measurement and hands it out with 0xE0 (3 transactions per sample), an HTU21D needs its
/// own temperature measurement (4).
public actor HTU21D {
    /// The bus the chip is on.
    public nonisolated let bus: any I2CBus
    /// 0x40.
    public nonisolated let address: I2CAddress
    /// The chip found by ``start()``; `nil` before.
    public private(set) var variant: HTU21DVariant?

    private let clock: any Clock<Duration>
    /// Pause between read attempts while the chip still refuses the read header.
    private let pollInterval: Duration = .milliseconds(1)

    /// Creates a driver; nothing is sent until ``start()`` or ``measure()``.
    /// - Parameter clock: waits for conversions and bounds the retries; tests inject a
    ///   `SimulatedClock`.
    public init(bus: any I2CBus, address: I2CAddress, clock: any Clock<Duration> = ContinuousClock()) {
        self.bus = bus
        self.address = address
        self.clock = clock
    }

    /// Soft-resets the chip (which also restores 12/14-bit resolution and turns the heater
    /// off), waits 15 ms, then reads SNB_3, SNB_2 and their CRC of the electronic id to tell a
    /// Si70xx from an HTU21D. Three transactions.
    ///
    /// Only the first word of the id access is read: its CRC covers SNB_3 and SNB_2 alone
    /// however the later ones are defined, and the master may end a read early (Si7021 5.1).
    ///
    /// - Throws: ``HALError`` `.badData` for a short read or a CRC mismatch, or whatever the
    ///   bus throws.
    @discardableResult
    public func start() async throws -> HTU21DVariant {
        try await bus.write(address: address, [HTU21DCommand.softReset])
        try await clock.sleep(for: HTU21DCommand.softResetDuration, tolerance: nil)
        try await bus.write(address: address, HTU21DCommand.readElectronicID2)
        let bytes = try await bus.read(address: address, count: 3)
        let id = try HTU21DSample.word(bytes, name: "electronic id SNB_3/SNB_2", operation: operation("read id"))
        let found = HTU21DVariant(deviceID: UInt8(id >> 8))
        variant = found
        return found
    }

    /// Measures humidity, then temperature (cached on a Si70xx, measured on an HTU21D).
    ///
    /// Each measurement command is followed by the chip's maximum conversion time, then a
    /// 3-byte read retried every millisecond while the chip NACKs it, up to the maximum plus
    /// 25 % and 2 ms.
    ///
    /// - Throws: ``HALError``: `.badData` for a CRC mismatch or a short read, `.timeout` when
    ///   a read is still refused at its deadline, or whatever the bus throws.
    public func measure() async throws -> HTU21DSample {
        let variant: HTU21DVariant
        if let known = self.variant { variant = known } else { variant = try await start() }
        let humidity = try await convert(HTU21DCommand.measureHumidity, for: variant.humidityConversion, name: "humidity")
        let temperature: UInt16
        switch variant {
        case .si70xx:
            let reply = try await bus.transaction(address: address,
                                                  [.write([HTU21DCommand.readTemperatureOfHumidity]), .read(count: 2)])
            guard let bytes = reply.first, bytes.count == 2 else {
                throw HALError(.badData, operation: operation("read temperature"), detail: "expected 2 bytes")
            }
            temperature = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        case .htu21d:
            temperature = try await convert(HTU21DCommand.measureTemperature, for: variant.temperatureConversion,
                                            name: "temperature")
        }
        return HTU21DSample(rawHumidity: humidity, rawTemperature: temperature)
    }

    private func convert(_ command: UInt8, for conversion: Duration, name: String) async throws -> UInt16 {
        try await convert(command, for: conversion, name: name, clock: clock)
    }

    private func convert<C: Clock<Duration>>(_ command: UInt8, for conversion: Duration, name: String,
                                             clock: C) async throws -> UInt16 {
        let deadline = conversion.readDeadline
        let end = clock.now.advanced(by: deadline)
        try await bus.write(address: address, [command])
        try await clock.sleep(for: conversion, tolerance: nil)
        while true {
            // Checked before the read and acted on after it, so the last attempt always comes
            // after the deadline.
            let expired = clock.now >= end
            do {
                let bytes = try await bus.read(address: address, count: 3)
                return try HTU21DSample.word(bytes, name: name, operation: operation("read \(name)"))
            } catch let error as HALError where error.kind == .addressNACK {
                if expired {
                    throw HALError(.timeout, operation: operation("read \(name)"),
                                   detail: "read still not acknowledged \(deadline) after the command")
                }
            }
            try await clock.sleep(for: pollInterval, tolerance: nil)
        }
    }

    private nonisolated func operation(_ step: String) -> String {
        "htu21d i2c@\(address) \(step)"
    }
}
