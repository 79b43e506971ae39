import HAL

/// Reads a device into a ``DeviceFixture`` (`sensorgw probe dump`): register reads only, and
/// for command-based chips the commands the user names. Nothing else is written: an I2C
/// register read sends the register number as a pointer write, which changes no register.
public enum FixtureCapture {
    /// Registers read per transaction: small enough for any I2C adapter's block limit.
    public static let chunk = 32

    /// Reads `registers` from an I2C device, `chunk` at a time.
    /// - Throws: ``HALError`` from the bus; `.badData` when a read comes back short.
    public static func registers(bus: any I2CBus, address: I2CAddress, _ registers: ClosedRange<UInt8>)
        async throws -> [UInt8: UInt8] {
        try await read(registers) { start, count in
            try await bus.readRegisters(address: address, register: start, count: count)
        }
    }

    /// Reads `registers` from an SPI device whose control byte is the register with bit 7 set
    /// for a read (ST, Bosch, InvenSense); the register numbers are recorded as given.
    /// - Throws: ``HALError`` from the device; `.badData` when a read comes back short.
    public static func registers(spi device: any SPIDevice, _ registers: ClosedRange<UInt8>) async throws -> [UInt8: UInt8] {
        try await read(registers) { start, count in
            try await device.writeRead([start | 0x80], readCount: count)
        }
    }

    /// Writes `command`, waits `delay` on `clock`, reads `count` bytes: one recorded transaction.
    /// - Throws: ``HALError`` from the bus; `.badData` when the read comes back short.
    public static func command(bus: any I2CBus, address: I2CAddress, _ command: [UInt8], delay: Duration, read count: Int,
                               clock: any Clock<Duration> = ContinuousClock()) async throws -> DeviceFixture.Command {
        try await bus.write(address: address, command)
        if delay > .zero { try await clock.sleep(for: delay, tolerance: nil) }
        guard count > 0 else { return DeviceFixture.Command(write: command, delay: delay) }
        let bytes = try await bus.read(address: address, count: count)
        guard bytes.count == count else {
            throw HALError(.badData, operation: "dump command", detail: "expected \(count) bytes, got \(bytes.count)")
        }
        return DeviceFixture.Command(write: command, delay: delay, read: bytes)
    }

    private static func read(_ registers: ClosedRange<UInt8>,
                             _ readBlock: (UInt8, Int) async throws -> [UInt8]) async throws -> [UInt8: UInt8] {
        var result: [UInt8: UInt8] = [:]
        var start = Int(registers.lowerBound)
        let end = Int(registers.upperBound)
        while start <= end {
            let count = min(chunk, end - start + 1)
            let bytes = try await readBlock(UInt8(start), count)
            guard bytes.count == count else {
                throw HALError(.badData, operation: "dump registers",
                               detail: "expected \(count) bytes from 0x\(FixtureBytes.hex(UInt8(start))), got \(bytes.count)")
            }
            for (offset, byte) in bytes.enumerated() { result[UInt8(start + offset)] = byte }
            start += count
        }
        return result
    }
}
