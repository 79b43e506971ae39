import HAL
import HALSimulation
import Synchronization

/// The SPI face of ``SimulatedBME680`` (datasheet 6.3): the first byte of a frame is the 7-bit
/// address with bit 7 set for a read; a read continues from there, a write is address/value
/// pairs. The page bit in status register 0x73 maps the address onto the 8-bit register map
/// (page 0: 0x80...0xFF, page 1: 0x00...0x7F); it starts at 0, as after power-on.
public final class SimulatedBME680SPI: SPIDevice {
    /// The chip behind the pages.
    public let chip: SimulatedBME680
    public let configuration: SPIConfiguration
    private let status = Mutex<UInt8>(0)
    /// Every status write, for tests counting page switches.
    private let statusWrites = Mutex<[UInt8]>([])

    /// Wraps `chip`.
    public init(_ chip: SimulatedBME680, configuration: SPIConfiguration) {
        self.chip = chip
        self.configuration = configuration
    }

    /// The values written to 0x73, oldest first.
    public var pageSelections: [UInt8] { statusWrites.withLock { $0 } }

    private func register(_ address: UInt8) -> UInt8 {
        status.withLock { $0 } & 0x10 != 0 ? address & 0x7F : address | 0x80
    }

    public func transaction(_ operations: [SPIOperation]) async throws -> [[UInt8]] {
        guard case .write(let first)? = operations.first, let control = first.first else {
            throw HALError(.invalidArgument, operation: "simulated bme680 spi", detail: "a frame starts with an address byte")
        }
        let address = control & 0x7F
        if control & 0x80 != 0 {
            // Read: the rest of the frame clocks registers out from `address` on.
            var answers: [[UInt8]] = []
            for operation in operations.dropFirst() {
                guard case .read(let count) = operation else { continue }
                if address == 0x73 {
                    answers.append([UInt8](repeating: status.withLock { $0 }, count: count))
                } else {
                    try chip.i2cWrite([register(address)])
                    answers.append(try chip.i2cRead(count: count))
                }
            }
            return answers
        }
        var index = 0
        while index + 1 < first.count {
            let (pairAddress, value) = (first[index] & 0x7F, first[index + 1])
            if pairAddress == 0x73 {
                status.withLock { $0 = value }
                statusWrites.withLock { $0.append(value) }
            } else {
                try chip.i2cWrite([register(pairAddress), value])
            }
            index += 2
        }
        return []
    }
}
