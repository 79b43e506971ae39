import HAL
import Synchronization

/// An SPI device in memory that speaks the BME280/BMP280 register protocol (datasheet 6.3) to a
/// register model: within one chip-select frame the first byte clocked out is a control byte,
/// bit 7 set = read, bits 6:0 = register & 0x7F (the chip maps them to 0x80...0xFF); a read then
/// clocks out consecutive registers, a write takes value, control, value, ... pairs.
///
/// The frame is interpreted byte by byte across `.write`, `.read` and `.transfer` segments, so a
/// driver may split its frame however it likes, as on the wire.
public final class SimulatedSPIDevice: SPIDevice {
    private enum Phase {
        case control
        case reading(UInt8)
        case writing(UInt8)
    }

    private struct State {
        var failNext: [HALError.Kind] = []
        var shortRead: Int?
        var transactionCount = 0
        var failedCount = 0
        var log: [[SPIOperation]] = []
    }

    /// The register model behind chip select.
    public let model: any SimulatedRegisterModel
    /// Mode, speed and word size (not checked by the model).
    public let configuration: SPIConfiguration
    private let state = Mutex(State())

    /// Creates a device.
    public init(model: any SimulatedRegisterModel, configuration: SPIConfiguration = SPIConfiguration()) {
        self.model = model
        self.configuration = configuration
    }

    /// Makes each of the next `count` transactions fail with `kind`, then recover.
    public func failNext(_ count: Int, with kind: HALError.Kind) {
        state.withLock { $0.failNext += Array(repeating: kind, count: max(count, 0)) }
    }

    /// Makes every `.read` and `.transfer` result of the next successful transaction at most
    /// `count` bytes, as a backend that got fewer bytes back than it clocked would return. The
    /// model still sees the whole frame (chip select was low for all of it).
    public func shortReadNext(returning count: Int) {
        state.withLock { $0.shortRead = max(count, 0) }
    }

    /// Clears injected faults (pending failures and a pending short read).
    public func clearFaults() {
        state.withLock {
            $0.failNext = []
            $0.shortRead = nil
        }
    }

    /// Transactions attempted, including failed ones.
    public var transactionCount: Int { state.withLock { $0.transactionCount } }

    /// Transactions that threw.
    public var failedTransactionCount: Int { state.withLock { $0.failedCount } }

    /// Every transaction's segments, oldest first.
    public var log: [[SPIOperation]] { state.withLock { $0.log } }

    /// Zeroes the counters and empties the log (faults stay armed).
    public func resetCounters() {
        state.withLock {
            $0.transactionCount = 0
            $0.failedCount = 0
            $0.log = []
        }
    }

    public func transaction(_ operations: [SPIOperation]) async throws -> [[UInt8]] {
        let injected: HALError.Kind? = state.withLock {
            $0.transactionCount += 1
            $0.log.append(operations)
            guard !$0.failNext.isEmpty else { return nil }
            $0.failedCount += 1
            return $0.failNext.removeFirst()
        }
        if let injected {
            throw HALError(injected, operation: "spi transaction", detail: "injected fault")
        }
        if operations.contains(where: { if case .read(let n) = $0 { n < 0 } else { false } }) {
            state.withLock { $0.failedCount += 1 }
            throw HALError(.invalidArgument, operation: "spi transaction", detail: "negative read count")
        }
        // Chip select asserted: a fresh frame always starts with a control byte.
        var phase = Phase.control
        func clock(_ mosi: UInt8) -> UInt8 {
            switch phase {
            case .control:
                let register = mosi | 0x80
                phase = mosi & 0x80 != 0 ? .reading(register) : .writing(register)
                return 0xFF
            case .reading(let register):
                phase = .reading(register &+ 1)
                return model.readRegister(register)
            case .writing(let register):
                model.writeRegister(register, value: mosi)
                phase = .control
                return 0xFF
            }
        }
        var replies: [[UInt8]] = []
        for operation in operations {
            switch operation {
            case .write(let bytes):
                for byte in bytes { _ = clock(byte) }
            case .read(let count):
                replies.append((0..<count).map { _ in clock(0x00) })
            case .transfer(let bytes):
                replies.append(bytes.map(clock))
            case .delay:
                break
            }
        }
        let limit: Int? = state.withLock { state in
            let limit = state.shortRead
            state.shortRead = nil
            return limit
        }
        guard let limit else { return replies }
        return replies.map { Array($0.prefix(limit)) }
    }
}
