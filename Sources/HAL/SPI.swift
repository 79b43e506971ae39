/// SPI clock polarity and phase, modes 0 to 3.
public enum SPIMode: UInt8, Sendable, Hashable, CaseIterable {
    /// CPOL=0, CPHA=0.
    case mode0 = 0
    /// CPOL=0, CPHA=1.
    case mode1 = 1
    /// CPOL=1, CPHA=0.
    case mode2 = 2
    /// CPOL=1, CPHA=1.
    case mode3 = 3
}

/// How an SPI device is clocked; part of the device, not of each call.
public struct SPIConfiguration: Sendable, Hashable {
    /// Clock polarity and phase.
    public var mode: SPIMode
    /// Maximum clock speed in hertz.
    public var speedHz: UInt32
    /// Bits per word, almost always 8.
    public var bitsPerWord: UInt8

    /// Creates a configuration.
    public init(mode: SPIMode = .mode0, speedHz: UInt32 = 1_000_000, bitsPerWord: UInt8 = 8) {
        self.mode = mode
        self.speedHz = speedHz
        self.bitsPerWord = bitsPerWord
    }
}

/// One segment of an SPI transaction; chip select stays asserted across all segments.
public enum SPIOperation: Sendable, Hashable {
    /// Clock out these bytes, ignoring what comes back.
    case write([UInt8])
    /// Clock in this many bytes (sending zeros).
    case read(count: Int)
    /// Clock out these bytes and keep what comes back (full duplex).
    case transfer([UInt8])
    /// Wait this long with chip select still asserted.
    case delay(microseconds: UInt16)
}

/// An SPI device: a bus together with its own chip select.
///
/// A transaction is sent as one `SPI_IOC_MESSAGE(n)` on Linux: chip select is asserted for its
/// whole length and nobody else can use the bus in between.
public protocol SPIDevice: Sendable {
    /// The device's mode, speed and word size.
    var configuration: SPIConfiguration { get }

    /// Runs the segments with chip select held and returns the bytes clocked in by each
    /// `.read` and `.transfer` segment, in order.
    /// - Throws: ``HALError``.
    func transaction(_ operations: [SPIOperation]) async throws -> [[UInt8]]
}

extension SPIDevice {
    /// Writes a command then reads the answer in one chip-select frame.
    public func writeRead(_ bytes: [UInt8], readCount: Int) async throws -> [UInt8] {
        try await transaction([.write(bytes), .read(count: readCount)]).first ?? []
    }

    /// Writes bytes in one chip-select frame.
    public func write(_ bytes: [UInt8]) async throws {
        _ = try await transaction([.write(bytes)])
    }
}
